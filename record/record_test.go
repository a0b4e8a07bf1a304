package record

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/testcat"
	"github.com/headroom-dev/headroom/local"
	"github.com/headroom-dev/headroom/report"
)

// catalogues is the first three shipped models, listed, and the cards.
func catalogues(t *testing.T) ([]local.Listed, []catalog.Card) {
	t.Helper()
	models, cards := testcat.Catalogues(t)
	return local.Merge(models[:3], nil), cards
}

// snapAt is one GPU with used bytes taken, at second s.
func snapAt(s int, used uint64) gpu.Snapshot {
	total, reserved := uint64(97887)<<20, uint64(591)<<20
	return gpu.Snapshot{Time: time.Unix(int64(1_800_000_000+s), 0), Source: gpu.KindNVML, Devices: []gpu.Device{{
		Name: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition", UUID: "GPU-r", ComputeCapability: "12.0",
		Memory: gpu.Memory{Total: gpu.Read(total), Reserved: gpu.Read(reserved), Used: gpu.Read(used), Free: gpu.Read(total - reserved - used)},
	}}}
}

// seq is a source that returns the snapshots in turn.
type seq struct {
	snaps []gpu.Snapshot
	i     int
}

func (s *seq) Sample(context.Context) (gpu.Snapshot, error) {
	snap := s.snaps[s.i%len(s.snaps)]
	s.i++
	return snap, nil
}
func (*seq) Close() error { return nil }

// Every sample becomes one line holding the snapshot document, appended
// to what the file held; the lines read back as the samples were.
func TestEverySampleIsOneLine(t *testing.T) {
	ls, cards := catalogues(t)
	path := filepath.Join(t.TempDir(), "run.jsonl")
	require.NoError(t, os.WriteFile(path, []byte("{\"earlier\":true}\n"), 0o644))
	r, err := Open(path, DefaultMaxBytes, ls, cards, 8192)
	require.NoError(t, err)
	src := Source(&seq{snaps: []gpu.Snapshot{snapAt(0, 1<<30), snapAt(1, 40<<30), snapAt(2, 2<<30)}}, r, func(err error) { t.Fatal(err) })
	for range 3 {
		_, err := src.Sample(context.Background())
		require.NoError(t, err)
	}
	require.NoError(t, src.Close())

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.Len(t, lines, 4, "appended after what was there")
	for i, l := range lines[1:] {
		var doc report.Snapshot
		require.NoError(t, json.Unmarshal([]byte(l), &doc))
		want := report.NewSnapshot(snapAt(i, []uint64{1 << 30, 40 << 30, 2 << 30}[i]), 0, ls, cards, 8192)
		assert.Equal(t, want.Devices[0].Memory.Used, doc.Devices[0].Memory.Used)
		assert.Equal(t, len(want.Fits), len(doc.Fits))
		assert.Equal(t, want.Fits[0].Status, doc.Fits[0].Status)
	}
}

// The file is rotated at the limit, keeping one previous file; a path
// that is not a regular file is refused; a failing write stops recording
// with a note, and sampling goes on.
func TestRotationAndFaults(t *testing.T) {
	ls, cards := catalogues(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "run.jsonl")
	r, err := Open(path, 1<<20, ls, cards, 8192)
	require.NoError(t, err)
	var line int64
	for i := range 200 {
		require.NoError(t, r.Write(snapAt(i, uint64(i)<<28)))
		if i == 0 {
			st, err := os.Stat(path)
			require.NoError(t, err)
			line = st.Size()
		}
	}
	require.NoError(t, r.Close())
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.LessOrEqual(t, st.Size(), int64(1<<20), "within the limit")
	old, err := os.Stat(path + ".1")
	require.NoError(t, err, "one previous file kept")
	assert.Greater(t, old.Size(), int64(1<<20)-2*line)
	_, err = os.Stat(path + ".2")
	assert.True(t, os.IsNotExist(err), "only one")

	_, err = Open(dir, DefaultMaxBytes, ls, cards, 8192)
	assert.ErrorContains(t, err, "not a regular file")
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	_, err = Open(fifo, DefaultMaxBytes, ls, cards, 8192)
	assert.ErrorContains(t, err, "not a regular file")
	_, err = Open(path, 1000, ls, cards, 8192)
	assert.ErrorContains(t, err, "--record-max")

	r, err = Open(filepath.Join(dir, "closed.jsonl"), DefaultMaxBytes, ls, cards, 8192)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	var failed []error
	src := Source(&seq{snaps: []gpu.Snapshot{snapAt(0, 0)}}, r, func(err error) { failed = append(failed, err) })
	for range 3 {
		snap, err := src.Sample(context.Background())
		require.NoError(t, err, "sampling goes on")
		require.NotEmpty(t, snap.Notes)
		assert.True(t, strings.HasPrefix(snap.Notes[len(snap.Notes)-1], "recording stopped: "))
	}
	assert.Len(t, failed, 1, "reported once")
}
