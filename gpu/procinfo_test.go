package gpu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMeminfo(t *testing.T) {
	for name, tc := range map[string]struct {
		in      string
		want    systemMemory
		wantErr string
	}{
		"kernel format": {
			in:   "MemTotal:       131072000 kB\nMemFree:         1000 kB\nMemAvailable:   94371840 kB\nBuffers: 5 kB\n",
			want: systemMemory{Total: 131072000 << 10, Available: 94371840 << 10},
		},
		"available over total is capped": {
			in:   "MemTotal: 10 kB\nMemAvailable: 20 kB\n",
			want: systemMemory{Total: 10 << 10, Available: 10 << 10},
		},
		"no MemAvailable":  {in: "MemTotal: 10 kB\nMemFree: 5 kB\n", wantErr: "MemAvailable is missing"},
		"not a number":     {in: "MemTotal: lots kB\nMemAvailable: 1 kB\n", wantErr: `MemTotal: "lots"`},
		"unit not kB":      {in: "MemTotal: 10 MB\nMemAvailable: 1 kB\n", wantErr: "not a size in kB"},
		"absurdly large":   {in: "MemTotal: 99999999999999999999 kB\nMemAvailable: 1 kB\n", wantErr: "MemTotal"},
		"over 1 PiB":       {in: "MemTotal: 1099511627777 kB\nMemAvailable: 1 kB\n", wantErr: "MemTotal: 1099511627777 kB is more memory than any machine has"},
		"1 PiB":            {in: "MemTotal: 1099511627776 kB\nMemAvailable: 1 kB\n", want: systemMemory{Total: 1 << 50, Available: 1 << 10}},
		"empty input":      {in: "", wantErr: "missing"},
		"binary rubbish":   {in: "\x00\x01MemTotal\xff", wantErr: "missing"},
		"whitespace noise": {in: "MemTotal:\t\t 4 kB\nMemAvailable:3 kB", want: systemMemory{Total: 4 << 10, Available: 3 << 10}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := parseMeminfo(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReadMeminfoReadsABoundedAmount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meminfo")
	junk := strings.Repeat("Junk: 1 kB\n", maxMeminfo/len("Junk: 1 kB\n")+1)
	require.NoError(t, os.WriteFile(path, []byte(junk+"MemTotal: 10 kB\nMemAvailable: 5 kB\n"), 0o644))
	_, err := readMeminfo(path)
	require.Error(t, err, "what lies past the bound is not read")
	assert.Contains(t, err.Error(), "missing")
}

func TestReadMeminfoNamesTheFile(t *testing.T) {
	_, err := readMeminfo("/nonexistent/meminfo")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/meminfo")
}

func TestInChildPIDNamespace(t *testing.T) {
	assert.True(t, inChildPIDNamespace(strings.NewReader("Name:\tpython3\nNSpid:\t48213\t17\n")))
	assert.False(t, inChildPIDNamespace(strings.NewReader("Name:\tpython3\nNSpid:\t48213\n")))
	assert.False(t, inChildPIDNamespace(strings.NewReader("Name:\tpython3\n")), "kernels before 4.1 have no NSpid")
}

func TestShortenCutsOnACharacterBoundary(t *testing.T) {
	s := strings.Repeat("é", 600) // 1200 bytes
	got := shorten(s, maxCommand)
	assert.LessOrEqual(t, len(got), maxCommand)
	assert.True(t, utf8.ValidString(got))
	assert.True(t, strings.HasSuffix(got, "…"))
	assert.Equal(t, "short", shorten("short", maxCommand))
}

func TestProcCacheCleansAndBoundsWhatItKeeps(t *testing.T) {
	calls := 0
	c := newProcCache(func(pid uint32) (procInfo, bool) {
		calls++
		return procInfo{Name: "a\x1b[1mb", Command: strings.Repeat("x", 5000)}, pid != 2
	}, func(pid uint32) (string, bool) { return "from-driver\x07", true })
	for tick := uint64(1); tick <= 100; tick++ {
		assert.Equal(t, "ab", c.get(1, tick).Name)
		c.get(uint32(1000+tick), tick) // a new short-lived process each sample
		c.sweep(tick)
		assert.LessOrEqual(t, len(c.entries), 2)
	}
	assert.Equal(t, 101, calls, "PID 1 read once, each short-lived PID once")
	assert.LessOrEqual(t, len(c.get(1, 100).Command), maxCommand)
	assert.Equal(t, "from-driver", c.get(2, 100).Name)
}

func TestLookupProcessReadsThisProcess(t *testing.T) {
	info, ok := lookupProcess(uint32(os.Getpid()))
	require.True(t, ok)
	assert.NotEmpty(t, info.Name)
	assert.NotEmpty(t, info.User)
	assert.Contains(t, info.Command, os.Args[0])

	_, ok = lookupProcess(1 << 31) // beyond any PID
	assert.False(t, ok)
}

// A model server is recognised once, when its PID is first seen, from
// its cleaned and bounded arguments.
func TestProcCacheRecognisesServersOnce(t *testing.T) {
	reads := 0
	c := newProcCache(func(pid uint32) (procInfo, bool) {
		reads++
		args := []string{"vllm", "serve", "Qwen/Qwen3-32B\x1b[2J", "--max-model-len", "8192"}
		args = append(args, make([]string, 10000)...) // a hostile length is cut
		return procInfo{Name: "python3", Command: strings.Join(args[:5], " "), Args: args}, true
	}, nil)
	for tick := uint64(1); tick <= 3; tick++ {
		info := c.get(7, tick)
		require.NotNil(t, info.Serving)
		assert.Equal(t, "Qwen/Qwen3-32B", info.Serving.Model, "cleaned")
		assert.Equal(t, 8192, info.Serving.Context)
		assert.Nil(t, info.Args, "the arguments are not kept")
	}
	assert.Equal(t, 1, reads, "read and recognised once per PID")
}
