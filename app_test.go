package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogueFilesFollowTheInputRules(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "models.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	hostile := writeFile(t, "models.json", `[{"id": "evil\u001b]52;c;cm0gLXJmIH4=\u0007", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10}]`)
	data, err := os.ReadFile("gpus.json")
	require.NoError(t, err)
	var cards []map[string]any
	require.NoError(t, json.Unmarshal(data, &cards))
	cards = slices.DeleteFunc(cards, func(c map[string]any) bool { return c["name"] == "RTX PRO 6000 Blackwell Workstation" })
	data, err = json.Marshal(cards)
	require.NoError(t, err)
	noDefault := writeFile(t, "gpus.json", string(data))
	tests := map[string]usageCase{
		"models from a FIFO":     {[]string{"--models", fifo, "models"}, "is a named pipe (FIFO), not a regular file"},
		"models from /dev/zero":  {[]string{"--models", "/dev/zero", "models"}, "--models: /dev/zero is a device"},
		"cards from a FIFO":      {[]string{"--gpus", fifo, "cards"}, "--gpus: " + fifo + " is a named pipe"},
		"cards from a directory": {[]string{"--gpus", t.TempDir(), "snapshot", "--gpu", "4090"}, "is a directory"},
		"an escape in an id":     {[]string{"--models", hostile, "models"}, `field "id"`},
		"no default card, UI":    {[]string{"--gpus", noDefault}, "has no \"RTX PRO 6000 Blackwell Workstation\""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan struct{})
			go func() { defer close(done); checkUsageErrors(t, map[string]usageCase{name: tc}) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("headroom blocked on its input")
			}
		})
	}
	code, _, errOut := runCLI(t, noGPU, "--models", hostile, "models")
	assert.Equal(t, 2, code)
	assert.NotContains(t, errOut, "\x1b", "the catalogue's escape sequence reached the terminal")
}

func TestCataloguesWithAByteOrderMarkLoad(t *testing.T) {
	models, err := os.ReadFile("models.json")
	require.NoError(t, err)
	p := writeFile(t, "models.json", "\uFEFF"+string(models))
	code, out, errOut := runCLI(t, noGPU, "--models", p, "models")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Qwen/Qwen3-32B")
}

// TestSnapshotWithALibraryThatIsNotNVML points headroom at files that are
// not NVML. Loading libc as NVML used to kill headroom (undefined symbol:
// nvmlInit, exit 127), a FIFO blocked it for ever, and every other file was
// "NVML library not found". Each must exit 3 at once with one line saying
// what the file is.
func TestSnapshotWithALibraryThatIsNotNVML(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so no library is ever loaded")
	}
	dir := t.TempDir()
	text := filepath.Join(dir, "libnvidia-ml.so.1")
	require.NoError(t, os.WriteFile(text, []byte(strings.Repeat("not a library\n", 100)), 0o644))
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	libc := fakenvml.Libc(t)

	for name, tc := range map[string]struct {
		path, want string
	}{
		"libc":        {libc, "headroom: no live GPU: the library at " + libc + " is not NVML: it does not export nvmlInit_v2 or nvmlInit (use --gpu NAME"},
		"a text file": {text, "headroom: no live GPU: cannot load NVML from " + text + ": invalid ELF header (use --gpu NAME"},
		"a directory": {dir, "headroom: no live GPU: cannot load NVML from " + dir + ": it is a directory, not a library (use --gpu NAME"},
		"a FIFO":      {fifo, "headroom: no live GPU: cannot load NVML from " + fifo + ": it is a named pipe (FIFO), not a library (use --gpu NAME"},
		"a device":    {"/dev/null", "headroom: no live GPU: cannot load NVML from /dev/null: it is a character device, not a library (use --gpu NAME"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			// runHeadroom kills headroom after 30 s; this must take none of it.
			code, out, errOut := runHeadroom(t, []string{fakenvml.LibraryEnv + "=" + tc.path}, "snapshot")
			assert.Less(t, time.Since(start), 10*time.Second, "headroom blocked")
			require.Equal(t, 3, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.True(t, strings.HasPrefix(errOut, tc.want), "got %q", errOut)
		})
	}

	t.Run("the default command plans", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := runHeadroom(t, []string{fakenvml.LibraryEnv + "=" + libc})
		require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		assert.Contains(t, out, "planning for RTX PRO 6000 Blackwell Workstation: not a live reading")
		assert.Contains(t, out, "the library at "+libc+" is not NVML")
		assert.Contains(t, out, "Models at native precision")
	})
}
