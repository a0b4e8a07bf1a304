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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// tmuxPane is the real headroom binary running in a tmux pane of its own
// tmux server, against the fake NVML library.
type tmuxPane struct {
	t      *testing.T
	socket string
	state  string // the fake driver's state file
	lib    string // the fake driver
	status string // where the pane's shell writes headroom's exit status
	pid    int    // headroom's
}

// startInTmux builds headroom and the fake driver, writes the first state
// and starts headroom in a w×h pane with args. The pane's shell waits for
// headroom and writes its exit status to a file (tmux's pane_dead_status is
// not always filled in when a pane closes), and the pane stays after it
// exits, so what headroom left on the terminal can be read.
func startInTmux(t *testing.T, st fakenvml.State, w, h int, args ...string) *tmuxPane {
	t.Helper()
	return startInTmuxWith(t, nil, st, w, h, args...)
}

// startInTmuxWith is startInTmux with more variables in headroom's
// environment.
func startInTmuxWith(t *testing.T, extraEnv []string, st fakenvml.State, w, h int, args ...string) *tmuxPane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed, so the end-to-end test cannot run")
	}
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so headroom cannot load the fake NVML library")
	}
	bin := testBinary(t)
	lib := fakenvml.Build(t)
	dir := t.TempDir()
	p := &tmuxPane{t: t, socket: filepath.Join(dir, "tmux.sock"), state: filepath.Join(dir, "state"), lib: lib,
		status: filepath.Join(dir, "status")}
	require.NoError(t, fakenvml.WriteState(p.state, st))
	env := append(append(fakenvml.Env(lib, p.state), "TERM=xterm-256color"), extraEnv...)
	cmdline := "env " + strings.Join(env, " ") + " " + bin + " " + strings.Join(args, " ") +
		" 2>" + filepath.Join(dir, "stderr") + "; echo $? >" + p.status
	p.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), cmdline,
		";", "set-option", "-t", "e2e", "remain-on-exit", "on")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", p.socket, "kill-server").Run() })
	shell, err := strconv.Atoi(strings.TrimSpace(p.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}")))
	require.NoError(t, err)
	p.pid = childOf(t, shell)
	t.Cleanup(func() {
		b, _ := os.ReadFile(filepath.Join(dir, "stderr"))
		assert.Empty(t, string(b), "headroom wrote to standard error while the UI ran")
	})
	return p
}

// tmux runs a tmux command on the pane's server and returns its output.
func (p *tmuxPane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", p.socket}, args...)...).CombinedOutput()
	require.NoError(p.t, err, "tmux %v: %s", args, out)
	return string(out)
}

// styledScreen is what the pane shows now, with its colours and
// attributes as escape sequences.
func (p *tmuxPane) styledScreen() string {
	return p.tmux("capture-pane", "-p", "-e", "-t", "e2e")
}

// screen is what the pane shows now.
func (p *tmuxPane) screen() string {
	return p.tmux("capture-pane", "-p", "-t", "e2e")
}

// waitFor polls the screen until ok accepts it, and fails after limit.
func (p *tmuxPane) waitFor(what string, limit time.Duration, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("after %s, still waiting for %s; the screen:\n%s", limit, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dead reports whether headroom has exited, and its exit status.
func (p *tmuxPane) dead() (bool, int) {
	b, err := os.ReadFile(p.status)
	if err != nil || len(b) == 0 || b[len(b)-1] != '\n' {
		return false, 0
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(p.t, err, "reading the exit status")
	return true, code
}

// childOf waits for the process pid to start its child (the pane's shell
// starting headroom through env, which execs it) and returns its PID.
func childOf(t *testing.T, pid int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		require.NoError(t, err, "listing the pane shell's children")
		if f := strings.Fields(string(b)); len(f) > 0 {
			child, err := strconv.Atoi(f[0])
			require.NoError(t, err)
			return child
		}
		require.False(t, time.Now().After(deadline), "headroom did not start")
		time.Sleep(10 * time.Millisecond)
	}
}

// cellOf is the symbol of the first cell of a model's matrix row: its
// status at the first precision column.
func cellOf(screen, name string) string {
	for _, l := range strings.Split(screen, "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == name {
			return f[1]
		}
	}
	return ""
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
