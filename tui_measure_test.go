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

// The measurements of BENCHMARKS.md's TUI section that need the real
// binary: a long soak, and CPU and memory against nvtop. Both run only
// when asked for through their environment variables.

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

// headroom against nvtop: both in tmux panes of the same size, on the same
// fake GPU at a 1 s refresh, for the time HEADROOM_VS_NVTOP gives (e.g.
// 60s). It reports each one's CPU time (from /proc/PID/schedstat) and RSS,
// and runs only when asked, since nvtop must be installed.
func TestTUIAgainstNvtop(t *testing.T) {
	length, err := time.ParseDuration(os.Getenv("HEADROOM_VS_NVTOP"))
	if err != nil {
		t.Skip("set HEADROOM_VS_NVTOP to a duration (e.g. 60s) to compare with nvtop")
	}
	nvtop, err := exec.LookPath("nvtop")
	if err != nil {
		t.Skip("nvtop is not installed (Debian: contrib component, apt-get install nvtop)")
	}
	card := fakenvml.RTXPro6000()
	card.Used = 40 << 30
	card.Processes = []fakenvml.Process{{PID: 4242, Used: 40 << 30, Name: "trainer"}}
	st := fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}}
	p := startInTmux(t, st, 100, 30, "--interval", "1s")
	p.waitFor("headroom's matrix", 5*time.Second, func(s string) bool { return strings.Contains(s, "MODEL") })
	wrap := pciShim(t, p.lib)
	p.tmux("set-option", "-g", "remain-on-exit", "on")
	p.tmux("new-session", "-d", "-s", "nvtop", "-x", "100", "-y", "30",
		"exec env LD_LIBRARY_PATH="+filepath.Dir(wrap)+":"+filepath.Dir(p.lib)+" "+fakenvml.StateEnv+"="+p.state+
			" TERM=xterm-256color "+nvtop+" -d 10")
	pid, err := strconv.Atoi(strings.TrimSpace(p.tmux("display-message", "-p", "-t", "nvtop", "#{pane_pid}")))
	require.NoError(t, err)
	time.Sleep(5 * time.Second) // both past their start
	_, _, hr0, err := procFigures(p.pid)
	require.NoError(t, err)
	_, _, nv0, err := procFigures(pid)
	require.NoError(t, err, "nvtop is not running:\n%s", p.tmux("capture-pane", "-p", "-t", "nvtop"))
	time.Sleep(length)
	hrRSS, _, hr1, err := procFigures(p.pid)
	require.NoError(t, err)
	nvRSS, _, nv1, err := procFigures(pid)
	require.NoError(t, err)
	t.Logf("over %s: headroom CPU %.1f ms, RSS %d KiB; nvtop CPU %.1f ms, RSS %d KiB",
		length, float64(hr1-hr0)/1e6, hrRSS, float64(nv1-nv0)/1e6, nvRSS)
	t.Logf("nvtop's screen:\n%s", p.tmux("capture-pane", "-p", "-t", "nvtop"))
}

// pciShimSource answers nvmlDeviceGetPciInfo, which the fake driver leaves
// NOT_SUPPORTED and without which nvtop 3.0.1 skips the GPU ("No GPU to
// monitor"). Every other call goes on to the fake driver.
const pciShimSource = `#define NVML_NO_UNVERSIONED_FUNC_DEFS
#include <stdio.h>
#include <string.h>
#include "nvml.h"
static nvmlReturn_t pci(nvmlPciInfo_t *p) {
	memset(p, 0, sizeof *p);
	p->bus = 1;
	snprintf(p->busId, sizeof p->busId, "00000000:01:00.0");
	snprintf(p->busIdLegacy, sizeof p->busIdLegacy, "0000:01:00.0");
	return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *p) { return pci(p); }
nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t d, nvmlPciInfo_t *p) { return pci(p); }
nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t d, nvmlPciInfo_t *p) { return pci(p); }
`

// pciShim builds libnvidia-ml.so, the name nvtop tries first: the PCI
// answers above, linked to the fake driver at lib for everything else.
func pciShim(t *testing.T, lib string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/NVIDIA/go-nvml").Output()
	require.NoError(t, err, "finding go-nvml's nvml.h")
	dir := t.TempDir()
	src, so := filepath.Join(dir, "shim.c"), filepath.Join(dir, "libnvidia-ml.so")
	require.NoError(t, os.WriteFile(src, []byte(pciShimSource), 0o644))
	b, err := exec.Command("cc", "-shared", "-fPIC", "-w", "-I", filepath.Join(strings.TrimSpace(string(out)), "pkg", "nvml"),
		"-Wl,-soname,libnvshim.so", "-o", so, src, "-Wl,--no-as-needed", "-L", filepath.Dir(lib), "-l:"+filepath.Base(lib)).CombinedOutput()
	require.NoError(t, err, "building the PCI shim: %s", b)
	return so
}
