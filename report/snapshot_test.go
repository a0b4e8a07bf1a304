package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
)

// The text of `headroom snapshot`, for the situations it must explain.
func TestSnapshotText(t *testing.T) {
	models, cards := catalogues(t)
	lost := device(1, pro6000, 97887, 0)
	lost.Lost = true
	l4 := device(0, "NVIDIA L4", 23034, 0)
	l4.ComputeCapability, l4.Architecture = "8.9", "Ada"
	unread := device(0, pro6000, 97887, 0)
	unread.Memory.Free, unread.UtilizationPercent, unread.TemperatureC = gpu.Reading[uint64]{}, gpu.Reading[int]{}, gpu.Reading[int]{}
	planned, err := catalog.Plan(cards[6], "no live GPU: NVML library not found").Sample(t.Context())
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		snap gpu.Snapshot
		ctx  int
	}{
		"live":       {liveSnapshot(device(0, pro6000, 97887, 40), lost), 8192},
		"unlisted":   {liveSnapshot(l4), 32768},
		"unreadable": {liveSnapshot(unread), 8192},
		"planning":   {planned, 8192},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteSnapshotText(&b, NewSnapshot(tc.snap, 0, local.Merge(models, nil), cards, tc.ctx)))
			for _, l := range strings.Split(b.String(), "\n") {
				assert.LessOrEqual(t, len([]rune(l)), TextWidth, "no line is wider than the wrap: %q", l)
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

// The text says of each model what the JSON says: its status, and for
// one that cannot be graded, why.
func TestSnapshotTextAndJSONAgree(t *testing.T) {
	models, cards := catalogues(t)
	rep := NewSnapshot(liveSnapshot(device(0, pro6000, 97887, 60)), 0, local.Merge(models, nil), cards, 8192)
	var text bytes.Buffer
	require.NoError(t, WriteSnapshotText(&text, rep))
	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, rep))
	var back struct {
		Fits []GradedFit `json:"fits"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	require.Len(t, back.Fits, len(models)*len(fit.Precisions))
	group := map[string]string{}
	title := ""
	for _, l := range strings.Split(text.String(), "\n") {
		for _, st := range statusTitles {
			if strings.HasPrefix(l, "  "+st.title+" (") {
				title = st.status
			}
		}
		if title != "" {
			group[title] += l
		}
	}
	for _, f := range back.Fits {
		if f.Precision != "native" {
			continue
		}
		name := rep.names[f.Model]
		assert.Contains(t, group[f.Status], name, "%s is listed under %s", name, f.Status)
		if f.Status == NotGraded {
			assert.Contains(t, group[f.Status], f.Reason)
		}
	}
}

func TestSnapshotOfAnUngradableGPUSaysWhy(t *testing.T) {
	models, cards := catalogues(t)
	d := device(0, pro6000, 97887, 0)
	d.MIG = true
	rep := NewSnapshot(liveSnapshot(d), 0, local.Merge(models, nil), cards, 8192)
	assert.Empty(t, rep.Fits)
	assert.Contains(t, rep.Notes, "not graded: GPU 0 has MIG on: a model must fit one MIG instance, whose memory headroom does not read; grade against an instance's memory with fit --free SIZE")
}
