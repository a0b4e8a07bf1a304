package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
	binaryDir  string
)

// testBinary builds the headroom binary once per test run and returns its
// path. Tests that run the real program (the linker check, the fake-driver
// and tmux end-to-end tests) share it.
func testBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		binaryDir, binaryErr = os.MkdirTemp("", "headroom-bin-")
		if binaryErr != nil {
			return
		}
		binaryPath = filepath.Join(binaryDir, "headroom")
		binaryErr = goBuild(binaryPath)
	})
	require.NoError(t, binaryErr, "building headroom")
	return binaryPath
}

// goBuild builds the package in the current directory to out, with extra
// go build arguments. C deprecation warnings from nvml.h are silenced.
func goBuild(out string, args ...string) error {
	return goBuildPackage(out, ".", args...)
}

// goBuildPackage builds package pkg of this module to out.
func goBuildPackage(out, pkg string, args ...string) error {
	cmd := exec.Command("go", append(append([]string{"build", "-o", out}, args...), pkg)...)
	cmd.Env = append(os.Environ(), "CGO_CFLAGS=-O2 -g -Wno-deprecated-declarations")
	if b, err := cmd.CombinedOutput(); err != nil {
		return &buildError{err: err, output: string(b)}
	}
	return nil
}

type buildError struct {
	err    error
	output string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.output }

// TestMain runs this test binary as headroom itself when runHeadroom
// started it, and otherwise runs the tests and removes the binary they
// built.
func TestMain(m *testing.M) {
	if os.Getenv(asHeadroom) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if d, err := time.ParseDuration(os.Getenv(asServer)); err == nil {
		time.Sleep(d) // standing in for a model server: see startServer
		os.Exit(0)
	}
	// The tests see the catalogue only: no model of the machine running
	// them, wherever its tools keep them. Tests of the scan point these at
	// fixtures.
	home, err := os.MkdirTemp("", "headroom-home-")
	if err != nil {
		panic(err)
	}
	for _, k := range []string{"HF_HUB_CACHE", "HF_HOME", "LLAMA_CACHE", "OLLAMA_MODELS"} {
		os.Unsetenv(k)
	}
	// The go command the tests run finds its module cache, build cache
	// and settings from HOME unless told: keep them where they were.
	for k, dir := range map[string]func() (string, error){
		"GOPATH":  func() (string, error) { h, err := os.UserHomeDir(); return filepath.Join(h, "go"), err },
		"GOCACHE": func() (string, error) { c, err := os.UserCacheDir(); return filepath.Join(c, "go-build"), err },
		"GOENV":   func() (string, error) { c, err := os.UserConfigDir(); return filepath.Join(c, "go", "env"), err },
	} {
		if os.Getenv(k) == "" {
			if d, err := dir(); err == nil {
				os.Setenv(k, d)
			}
		}
	}
	os.Setenv("HOME", home)
	os.Setenv("XDG_CACHE_HOME", home+"/.cache")
	code := m.Run()
	os.RemoveAll(home)
	if binaryDir != "" {
		os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

// fakeGPU runs headroom against the fake driver holding one GPU that NVML
// names name, with total bytes of memory, and returns what it printed.
func fakeGPU(t *testing.T, lib, name string, total uint64, args ...string) string {
	t.Helper()
	d := fakenvml.RTXPro6000()
	d.Name, d.Total, d.Reserved = name, total, 0
	state := filepath.Join(t.TempDir(), "state")
	require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{d}}))
	code, out, errOut := runHeadroom(t, fakenvml.Env(lib, state), args...)
	require.Equal(t, 0, code, errOut)
	return out
}

const proCard = "RTX PRO 6000 Blackwell Workstation"

// writeFile writes data to a new file and returns its path.
func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	return p
}

const rtxPro = "RTX PRO 6000 Blackwell Workstation"

// noGPU makes the tests independent of the machine: NVML is pointed at a
// library that does not exist, as on a machine without a driver.
const noGPU = "--nvml-lib=/nonexistent/libnvidia-ml.so.1"

// runCLI runs headroom in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("HEADROOM_NVML_LIB", "")
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// usageCase is a command line that must fail as bad usage, and a part of
// the message it must print.
type usageCase struct {
	args []string
	want string
}

// checkUsageErrors runs each case without a GPU and asserts exit status 2
// and one line on stderr, prefixed "headroom: ", holding want.
func checkUsageErrors(t *testing.T, tests map[string]usageCase) {
	t.Helper()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{noGPU}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.True(t, strings.HasPrefix(errOut, "headroom: "), errOut)
		})
	}
}

// words is text with every run of spaces and line breaks made one space,
// so a test can find a sentence the output wrapped.
func words(text string) string { return strings.Join(strings.Fields(text), " ") }

// asHeadroom makes this test binary run as headroom itself when started by
// runHeadroom: a process loads only one NVML library, so every fake-driver
// scenario runs in a process of its own.
const asHeadroom = "HEADROOM_TEST_RUN_AS_HEADROOM"

// runHeadroom runs headroom in a new process with env added, and returns
// its exit status and output.
func runHeadroom(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), asHeadroom+"=1", "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running headroom: %v", err)
	}
	assert.NotContains(t, errOut.String(), "panic", "headroom panicked")
	assert.NotContains(t, errOut.String(), "goroutine ", "headroom crashed")
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// snapshotJSON is `headroom snapshot --json` as a script reads it.
type snapshotJSON struct {
	Time          string   `json:"time"`
	Source        string   `json:"source"`
	DriverVersion *string  `json:"driver_version"`
	CUDAVersion   *string  `json:"cuda_version"`
	Notes         []string `json:"notes"`
	Devices       []struct {
		Index         int     `json:"index"`
		Name          *string `json:"name"`
		UUID          *string `json:"uuid"`
		UnifiedMemory bool    `json:"unified_memory"`
		MemorySource  string  `json:"memory_source"`
		Memory        struct {
			Total    *uint64 `json:"total_bytes"`
			Reserved *uint64 `json:"reserved_bytes"`
			Used     *uint64 `json:"used_bytes"`
			Free     *uint64 `json:"free_bytes"`
		} `json:"memory"`
		ComputeCapability *string  `json:"compute_capability"`
		Architecture      *string  `json:"architecture"`
		Utilization       *int     `json:"utilization_percent"`
		TemperatureC      *int     `json:"temperature_c"`
		PowerW            *float64 `json:"power_w"`
		PowerLimitW       *float64 `json:"power_limit_w"`
		MIG               bool     `json:"mig"`
		Lost              bool     `json:"lost"`
		ProcessNote       string   `json:"process_note"`
		Processes         []struct {
			PID     uint32  `json:"pid"`
			Name    *string `json:"name"`
			User    *string `json:"user"`
			Command *string `json:"command"`
			Used    *uint64 `json:"used_bytes"`
			Serving *struct {
				Runtime        string            `json:"runtime"`
				Model          string            `json:"model"`
				Name           string            `json:"name"`
				Context        int               `json:"context"`
				Args           map[string]string `json:"args"`
				PredictedBytes *uint64           `json:"predicted_bytes"`
				Unpredicted    string            `json:"unpredicted"`
			} `json:"serving"`
		} `json:"processes"`
	} `json:"devices"`
	FitsDevice int `json:"fits_device"`
	Fits       []struct {
		Model         string `json:"model"`
		Precision     string `json:"precision"`
		Runtime       string `json:"runtime"`
		Context       int    `json:"context"`
		RequiredBytes uint64 `json:"required_bytes"`
		Status        string `json:"status"`
		MaxContext    int    `json:"max_context"`
		Reason        string `json:"reason"`
		AtModelLimit  bool   `json:"at_model_limit"`
	} `json:"fits"`
}

func decodeSnapshot(t *testing.T, out string) snapshotJSON {
	t.Helper()
	var s snapshotJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&s), out)
	return s
}

// builtinCatalogues loads the shipped catalogues as the binary does.
func builtinCatalogues(t *testing.T) ([]fit.Model, []catalog.Card) {
	t.Helper()
	models, err := fit.Load(bytes.NewReader(builtinModels), "models.json")
	require.NoError(t, err)
	cards, err := catalog.ReadCards(bytes.NewReader(builtinCards), "gpus.json")
	require.NoError(t, err)
	return models, cards
}

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

// procFigures reads a process's resident memory (KiB), thread count and
// CPU time (ns, from schedstat, summed over its threads) from /proc.
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
	// schedstat is per thread: a Go program's work is spread over its
	// threads, so sum them all.
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, 0, 0, fmt.Errorf("process %d has no threads to read", pid)
	}
	for _, task := range tasks {
		sched, err := os.ReadFile(task)
		if err != nil {
			continue // the thread ended
		}
		ns, err := strconv.ParseInt(strings.Fields(string(sched))[0], 10, 64)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("reading %s: %w", task, err)
		}
		cpuNs += ns
	}
	return rssKiB, threads, cpuNs, nil
}

// cpuOver is the CPU time each process spends over the same window.
func cpuOver(t *testing.T, window time.Duration, pids ...int) []time.Duration {
	t.Helper()
	before := make([]int64, len(pids))
	for i, pid := range pids {
		_, _, ns, err := procFigures(pid)
		require.NoError(t, err, "process %d", pid)
		before[i] = ns
	}
	time.Sleep(window)
	out := make([]time.Duration, len(pids))
	for i, pid := range pids {
		_, _, ns, err := procFigures(pid)
		require.NoError(t, err, "process %d", pid)
		out[i] = time.Duration(ns - before[i])
	}
	return out
}

// startPane starts cmdline in a new w×h session of p's tmux server and
// returns the PID of the process it runs (cmdline must exec it).
func (p *tmuxPane) startPane(name string, w, h int, cmdline string) int {
	p.t.Helper()
	p.tmux("new-session", "-d", "-s", name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), cmdline)
	pid, err := strconv.Atoi(strings.TrimSpace(p.tmux("display-message", "-p", "-t", name, "#{pane_pid}")))
	require.NoError(p.t, err)
	return pid
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// asServer makes this test binary sleep for the duration it gives, under
// whatever command line it was started with: a stand-in for a model
// server whose command line headroom reads from /proc.
const asServer = "HEADROOM_TEST_RUN_AS_SERVER"

// startServer starts a process whose command line is argv, as a model
// server's would be, and returns its PID.
func startServer(t *testing.T, argv ...string) uint32 {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe)
	cmd.Args = argv
	cmd.Env = append(os.Environ(), asServer+"=60s")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return uint32(cmd.Process.Pid)
}
