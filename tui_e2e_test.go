package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// tmuxPane is the real headroom binary running in a tmux pane of its own
// tmux server, against the fake NVML library.
type tmuxPane struct {
	t      *testing.T
	socket string
	state  string // the fake driver's state file
	pid    int
}

// startInTmux builds headroom and the fake driver, writes the first state
// and starts headroom in a w×h pane with args. The pane stays after
// headroom exits, so its exit status can be read.
func startInTmux(t *testing.T, st fakenvml.State, w, h int, args ...string) *tmuxPane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed, so the end-to-end test cannot run")
	}
	bin := testBinary(t)
	lib := fakenvml.Build(t)
	dir := t.TempDir()
	p := &tmuxPane{t: t, socket: filepath.Join(dir, "tmux.sock"), state: filepath.Join(dir, "state")}
	require.NoError(t, fakenvml.WriteState(p.state, st))
	env := append(fakenvml.Env(lib, p.state), "TERM=xterm-256color")
	cmdline := "exec env " + strings.Join(env, " ") + " " + bin + " " + strings.Join(args, " ") +
		" 2>" + filepath.Join(dir, "stderr")
	p.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), cmdline)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", p.socket, "kill-server").Run() })
	p.tmux("set-option", "-t", "e2e", "remain-on-exit", "on")
	pid, err := strconv.Atoi(strings.TrimSpace(p.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}")))
	require.NoError(t, err)
	p.pid = pid
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
	f := strings.Fields(p.tmux("display-message", "-p", "-t", "e2e", "#{pane_dead} #{pane_dead_status}"))
	if len(f) < 2 || f[0] != "1" {
		return false, 0
	}
	code, _ := strconv.Atoi(f[1])
	return true, code
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

// procFigures reads a process's resident memory (KiB), thread count and
// CPU time (ns, from schedstat) from /proc.
func procFigures(pid int) (rssKiB, threads int, cpuNs int64, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	for _, l := range strings.Split(string(status), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && f[0] == "VmRSS:":
			rssKiB, _ = strconv.Atoi(f[1])
		case len(f) >= 2 && f[0] == "Threads:":
			threads, _ = strconv.Atoi(f[1])
		}
	}
	sched, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	cpuNs, err = strconv.ParseInt(strings.Fields(string(sched))[0], 10, 64)
	return rssKiB, threads, cpuNs, err
}

// A long run at 10 Hz with the memory changing on every sample: resident
// memory and goroutines must stay flat. It runs only when HEADROOM_SOAK
// gives its length (e.g. 1h); the figures go to the test log, and the
// program's own log (goroutines and heap each minute) to HEADROOM_SOAK_LOG
// when set.
func TestTUISoak(t *testing.T) {
	length, err := time.ParseDuration(os.Getenv("HEADROOM_SOAK"))
	if err != nil {
		t.Skip("set HEADROOM_SOAK to a duration (e.g. 1h) to run the soak")
	}
	logFile := os.Getenv("HEADROOM_SOAK_LOG")
	if logFile == "" {
		logFile = filepath.Join(t.TempDir(), "soak.log")
	}
	card := fakenvml.RTXPro6000()
	state := func(i int) fakenvml.State {
		// Used memory sweeps 0–60 GiB in 1 GiB steps, a different figure
		// on every sample, so the matrix is graded and redrawn each time.
		step := i % 120
		if step > 60 {
			step = 120 - step
		}
		card.Used = uint64(step) << 30
		card.Processes = []fakenvml.Process{{PID: 4242, Used: card.Used, Name: "trainer"}}
		return fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}}
	}
	p := startInTmux(t, state(0), 120, 40, "--interval", "100ms", "--log", logFile)
	p.waitFor("the matrix", 5*time.Second, func(s string) bool { return strings.Contains(s, "MODEL") })
	start := time.Now()
	next := start
	for i := 1; time.Since(start) < length; i++ {
		require.NoError(t, fakenvml.WriteState(p.state, state(i)))
		if time.Now().After(next) {
			rss, threads, cpu, err := procFigures(p.pid)
			require.NoError(t, err)
			t.Logf("t=%s rss=%d KiB threads=%d cpu=%.2f s", time.Since(start).Round(time.Second), rss, threads, float64(cpu)/1e9)
			next = next.Add(time.Minute)
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.tmux("send-keys", "-t", "e2e", "q")
	time.Sleep(time.Second)
	dead, code := p.dead()
	assert.True(t, dead && code == 0, "headroom did not exit cleanly after the soak")
}
