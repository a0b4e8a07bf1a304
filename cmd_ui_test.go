package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogMustBeARegularFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "log")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	done := make(chan error, 1)
	go func() { _, _, err := openLog(fifo); done <- err }()
	select {
	case err := <-done:
		assert.ErrorContains(t, err, "--log: "+fifo+" is a named pipe")
	case <-time.After(5 * time.Second):
		t.Fatal("opening the log blocked on a pipe")
	}
	_, _, err := openLog(t.TempDir())
	assert.ErrorContains(t, err, "is a directory")
	p := filepath.Join(t.TempDir(), "headroom.log")
	l, closeLog, err := openLog(p)
	require.NoError(t, err)
	l.Printf("hello")
	closeLog()
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Contains(t, string(got), "hello")
}

func TestDefaultCommandWithoutTerminalPrintsPlanningSnapshot(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "planning for RTX PRO 6000 Blackwell Workstation: not a live reading")
	if gpu.NVMLAvailable {
		assert.Contains(t, out, "NVML library not found")
		assert.Contains(t, out, "/nonexistent/libnvidia-ml.so.1")
	} else {
		assert.Contains(t, out, "built without cgo")
	}
}

func TestDefaultCommandHonoursGPUAndDemo(t *testing.T) {
	code, out, _ := runCLI(t, noGPU, "--gpu", "4090")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "planning for RTX 4090: not a live reading")

	code, out, _ = runCLI(t, noGPU, "--demo")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "demo")
}

// The real binary in a real terminal: the matrix follows the fake GPU's
// memory within three seconds, resizes never break the screen, and q
// exits cleanly.
func TestTUIInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux; skipped with -short")
	}
	card := fakenvml.RTXPro6000()
	p := startInTmux(t, fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}},
		100, 30, "--context", "8k")

	const model = "Qwen3-32B" // 61 GiB of BF16 weights: fits an idle card, not one with 40 GiB in use
	s := p.waitFor(model+" fitting at native", 5*time.Second, func(s string) bool { return cellOf(s, model) == "✓" })
	assert.Contains(t, s, "NVIDIA RTX PRO 6000")
	assert.NotContains(t, s, "planning for", "the fake driver should be read, not planning mode")

	card.Used = 40 << 30
	card.Processes = []fakenvml.Process{{PID: 4242, Used: 40 << 30, Name: "trainer"}}
	require.NoError(t, fakenvml.WriteState(p.state, fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}}))
	changed := time.Now()
	p.waitFor(model+" needing memory freed", 3*time.Second, func(s string) bool { return cellOf(s, model) == "!" })
	t.Logf("fits → needs-freeing shown %s after the driver changed", time.Since(changed).Round(10*time.Millisecond))

	for _, sz := range [][2]int{{60, 20}, {30, 10}, {100, 30}} {
		p.tmux("resize-window", "-t", "e2e", "-x", strconv.Itoa(sz[0]), "-y", strconv.Itoa(sz[1]))
		s := p.waitFor(fmt.Sprintf("a screen drawn at %dx%d", sz[0], sz[1]), 3*time.Second, func(s string) bool {
			return strings.Contains(s, "GPU0") || strings.Contains(s, "GPU 0")
		})
		dead, _ := p.dead()
		require.False(t, dead, "headroom exited after a resize to %dx%d:\n%s", sz[0], sz[1], s)
		for i, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			assert.LessOrEqual(t, len([]rune(l)), sz[0], "line %d is wider than the pane: %q", i, l)
		}
	}

	p.tmux("send-keys", "-t", "e2e", "q")
	deadline := time.Now().Add(3 * time.Second)
	for {
		if dead, code := p.dead(); dead {
			assert.Equal(t, 0, code, "headroom's exit status after q")
			break
		}
		require.False(t, time.Now().After(deadline), "headroom did not exit within 3 s of q")
		time.Sleep(50 * time.Millisecond)
	}
}

// SIGTERM and SIGHUP end headroom cleanly: exit status 0 and the terminal
// back on its main screen (tmux's alternate_on flag cleared).
func TestTUIRestoresTerminalOnSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux; skipped with -short")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			st := fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{fakenvml.RTXPro6000()}}
			p := startInTmux(t, st, 100, 30)
			p.waitFor("the matrix", 5*time.Second, func(s string) bool { return strings.Contains(s, "MODEL") })
			assert.Equal(t, "1", strings.TrimSpace(p.tmux("display-message", "-p", "-t", "e2e", "#{alternate_on}")))
			require.NoError(t, syscall.Kill(p.pid, sig))
			deadline := time.Now().Add(3 * time.Second)
			for {
				if dead, code := p.dead(); dead {
					assert.Equal(t, 0, code, "exit status after %s", sig)
					break
				}
				require.False(t, time.Now().After(deadline), "headroom did not exit within 3 s of %s", sig)
				time.Sleep(50 * time.Millisecond)
			}
			assert.Equal(t, "0", strings.TrimSpace(p.tmux("display-message", "-p", "-t", "e2e", "#{alternate_on}")),
				"the terminal is left on the alternate screen")
		})
	}
}

// sgr matches a Select Graphic Rendition sequence and captures its
// parameters.
var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// colours lists the colour parameters (foreground, background, 256-colour
// and true colour) in the SGR sequences of s; attributes such as bold are
// left out.
func colours(s string) []string {
	var out []string
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, err := strconv.Atoi(p)
			if err == nil && (n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107) {
				out = append(out, p)
			}
		}
	}
	return out
}

// NO_COLOR and --no-color take the colour out of the one output that has
// any, the UI's; without them, the same screen in the same terminal is in
// colour, so the test can see the difference.
func TestNoColorTakesTheColourOutOfTheUI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux; skipped with -short")
	}
	st := fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{fakenvml.RTXPro6000()}}
	for name, tc := range map[string]struct {
		env    []string
		args   []string
		colour bool
	}{
		"default":      {nil, nil, true},
		"NO_COLOR=1":   {[]string{"NO_COLOR=1"}, nil, false},
		"NO_COLOR=yes": {[]string{"NO_COLOR=yes"}, nil, false},
		"--no-color":   {nil, []string{"--no-color"}, false},
	} {
		t.Run(name, func(t *testing.T) {
			p := startInTmuxWith(t, tc.env, st, 100, 30, tc.args...)
			p.waitFor("the matrix", 5*time.Second, func(s string) bool { return strings.Contains(s, "MODEL") })
			got := colours(p.styledScreen())
			if tc.colour {
				assert.NotEmpty(t, got, "the UI is in colour by default")
			} else {
				assert.Empty(t, got, "no colour")
			}
			p.tmux("send-keys", "-t", "e2e", "q")
		})
	}
}

// Inside tmux, whose default set-clipboard drops OSC 52 from programs, y
// also hands the launch line to tmux: it arrives in tmux's paste buffer,
// and the screen says which way it went.
func TestCopyArrivesInTmuxBuffer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux; skipped with -short")
	}
	card := fakenvml.RTXPro6000()
	p := startInTmux(t, fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}},
		120, 40, "--context", "8k", "--no-scan")
	p.waitFor("the matrix", 5*time.Second, func(s string) bool { return strings.Contains(s, "MODEL") })
	p.tmux("send-keys", "-t", "e2e", "y")
	s := p.waitFor("the copy reported", 5*time.Second, func(s string) bool { return strings.Contains(s, "copied ") })
	assert.Contains(t, s, "into tmux's buffer")
	deadline := time.Now().Add(3 * time.Second)
	for {
		out, err := exec.Command("tmux", "-S", p.socket, "show-buffer").CombinedOutput()
		if err == nil && (strings.Contains(string(out), "vllm serve") || strings.Contains(string(out), "llama-server")) {
			break
		}
		require.False(t, time.Now().After(deadline), "the launch line never reached tmux's buffer: %s", out)
		time.Sleep(50 * time.Millisecond)
	}
}

// --record appends every sample the UI takes as one JSON line, flushed as
// it is taken, while the screen runs as usual.
func TestRecordWhileTheUIRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux; skipped with -short")
	}
	path := filepath.Join(t.TempDir(), "run.jsonl")
	card := fakenvml.RTXPro6000()
	p := startInTmux(t, fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}},
		100, 30, "--no-scan", "--interval", "200ms", "--record", path)
	p.waitFor("the matrix", 5*time.Second, func(s string) bool { return strings.Contains(s, "MODEL") })
	deadline := time.Now().Add(5 * time.Second)
	var lines []string
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(path)
		lines = strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) >= 3 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.GreaterOrEqual(t, len(lines), 3, "a line a sample")
	for _, l := range lines {
		snap := decodeSnapshot(t, l)
		require.Len(t, snap.Devices, 1)
		assert.NotEmpty(t, snap.Fits)
	}
}
