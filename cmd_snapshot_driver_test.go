package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileChild starts a process whose command line carries terminal escape
// codes, as anyone may start one, and returns its PID.
func hostileChild(t *testing.T) uint32 {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command to stand in for a GPU process")
	}
	cmd := exec.Command(sleep, "60")
	cmd.Args = []string{"model-server\x1b[2J\x1b]0;owned\x07", "60"}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return uint32(cmd.Process.Pid)
}

func TestSnapshotAgainstTheFakeDriver(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	child := hostileChild(t)
	me, err := user.Current()
	require.NoError(t, err)

	twoGPUs := func() fakenvml.State {
		a, b := fakenvml.RTXPro6000(), fakenvml.RTXPro6000()
		b.UUID = "GPU-second"
		a.Used, b.Used = 80<<30, 3<<30
		a.Processes = []fakenvml.Process{
			{PID: child, Used: 79 << 30, Name: "ignored: /proc names it"},
			{PID: 1<<31 - 2, Used: 1 << 30, Name: "vllm\x1b[31m\r\n"},             // /proc cannot see it
			{PID: 1<<31 - 3, UsedUnavailable: true, Graphics: true, Name: "Xorg"}, // memory n/a, as under WDDM
			{PID: 1<<31 - 2, Used: 512 << 20, Graphics: true, Name: "vllm"},       // on both lists
		}
		return fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{a, b}}
	}

	for name, tc := range map[string]struct {
		state    func() fakenvml.State
		args     []string
		noLib    bool
		wantCode int
		check    func(t *testing.T, out, errOut string)
	}{
		"two GPUs": {state: twoGPUs, args: []string{"snapshot", "--json"}, check: func(t *testing.T, out, _ string) {
			s := decodeSnapshot(t, out)
			assert.Equal(t, "nvml", s.Source)
			assert.Equal(t, "580.95.05", *s.DriverVersion)
			assert.Equal(t, "13.0", *s.CUDAVersion)
			require.Len(t, s.Devices, 2)
			a := s.Devices[0]
			fake := fakenvml.RTXPro6000()
			assert.Equal(t, "v2", a.MemorySource)
			assert.Equal(t, fake.Total, *a.Memory.Total)
			assert.Equal(t, fake.Reserved, *a.Memory.Reserved)
			assert.Equal(t, uint64(80<<30), *a.Memory.Used)
			assert.Equal(t, fake.Total-fake.Reserved-80<<30, *a.Memory.Free)
			assert.Equal(t, uint64(3<<30), *s.Devices[1].Memory.Used)
			require.Len(t, a.Processes, 3, "one entry per PID")
			p := a.Processes[0]
			assert.Equal(t, child, p.PID)
			assert.Equal(t, "sleep", *p.Name)
			assert.Equal(t, me.Username, *p.User)
			assert.Equal(t, "model-server 60", *p.Command)
			assert.Equal(t, "vllm", *a.Processes[1].Name, "named by the driver, cleaned")
			assert.Equal(t, uint64(1<<30), *a.Processes[1].Used)
			assert.Nil(t, a.Processes[2].Used, "memory not available is null, not 0")
			assert.NotEmpty(t, s.Fits)
			assert.NotContains(t, out, "\\u001b", "no escape code reaches the output")
		}},
		"fits for another GPU": {state: twoGPUs, args: []string{"snapshot", "--json", "--device", "1"}, check: func(t *testing.T, out, _ string) {
			s := decodeSnapshot(t, out)
			assert.Equal(t, 1, s.FitsDevice)
			assert.NotEmpty(t, s.Fits)
		}},
		"table": {state: twoGPUs, args: []string{"snapshot"}, check: func(t *testing.T, out, _ string) {
			assert.Contains(t, out, "driver 580.95.05, CUDA 13.0")
			assert.Contains(t, out, "GPU 1  NVIDIA RTX PRO 6000 Blackwell Workstation Edition  (Blackwell, compute 12.0)")
			assert.Contains(t, out, "used 80.0 GiB  reserved 0.6 GiB  free 15.0 GiB  of 95.6 GiB")
			assert.Regexp(t, `\d+\s+79\.0 GiB\s+`+me.Username+`\s+model-server 60`, out)
			assert.Contains(t, out, "Models at native precision under vllm, 8K context, on GPU 0 (15.0 GiB free):")
			assert.NotContains(t, out, "\x1b")
		}},
		"v2 fails, v1 works": {state: func() fakenvml.State {
			s := twoGPUs()
			s.Devices[0].Errors = map[string]int{"DeviceGetMemoryInfo_v2": fakenvml.ErrUnknown}
			return s
		}, args: []string{"snapshot", "--json"}, check: func(t *testing.T, out, _ string) {
			s := decodeSnapshot(t, out)
			d := s.Devices[0]
			assert.Equal(t, "v1", d.MemorySource)
			assert.Nil(t, d.Memory.Reserved)
			assert.Equal(t, fakenvml.RTXPro6000().Reserved+80<<30, *d.Memory.Used, "v1's used includes the reservation")
			assert.Contains(t, strings.Join(s.Notes, "\n"), `GPU 0: memory from NVML's v1 call (v2 answered "Unknown Error")`)
		}},
		"unified memory": {state: func() fakenvml.State {
			d := fakenvml.RTXPro6000()
			d.Name = "NVIDIA GB10"
			d.Errors = map[string]int{"DeviceGetMemoryInfo_v2": fakenvml.ErrNotSupported, "DeviceGetMemoryInfo": fakenvml.ErrNotSupported}
			d.Processes = []fakenvml.Process{{PID: 1<<31 - 2, Used: 30 << 30, Name: "vllm"}}
			return fakenvml.State{Devices: []fakenvml.Device{d}}
		}, args: []string{"snapshot", "--json"}, check: func(t *testing.T, out, _ string) {
			s := decodeSnapshot(t, out)
			d := s.Devices[0]
			assert.True(t, d.UnifiedMemory)
			assert.Equal(t, "meminfo", d.MemorySource)
			f, err := os.Open("/proc/meminfo")
			require.NoError(t, err)
			defer f.Close()
			sys, err := parseMeminfoTotal(f)
			require.NoError(t, err)
			assert.Equal(t, sys, *d.Memory.Total, "total is the system's MemTotal")
			assert.NotNil(t, d.Memory.Free)
			assert.Equal(t, uint64(30<<30), *d.Memory.Used, "used is what the GPU's processes hold")
			assert.Nil(t, d.Memory.Reserved)
		}},
		"no permission on processes": {state: func() fakenvml.State {
			s := twoGPUs()
			s.Devices[0].Errors = map[string]int{"DeviceGetComputeRunningProcesses": fakenvml.ErrNoPermission, "DeviceGetGraphicsRunningProcesses": fakenvml.ErrNoPermission}
			return s
		}, args: []string{"snapshot"}, check: func(t *testing.T, out, _ string) {
			assert.Contains(t, out, "processes  no permission to list this GPU's processes")
			assert.Contains(t, out, "used 80.0 GiB")
		}},
		"lost GPU": {state: func() fakenvml.State {
			s := twoGPUs()
			s.Devices[1].Lost = true
			return s
		}, args: []string{"snapshot", "--json"}, check: func(t *testing.T, out, _ string) {
			s := decodeSnapshot(t, out)
			assert.False(t, s.Devices[0].Lost)
			assert.NotNil(t, s.Devices[0].Memory.Used)
			assert.True(t, s.Devices[1].Lost)
			assert.Nil(t, s.Devices[1].Memory.Used)
			assert.Contains(t, strings.Join(s.Notes, "\n"), "GPU 1 is lost")
		}},
		"fits asked of a lost GPU": {state: func() fakenvml.State {
			s := twoGPUs()
			s.Devices[0].Lost = true
			return s
		}, args: []string{"snapshot"}, check: func(t *testing.T, out, _ string) {
			assert.Contains(t, out, "LOST")
			assert.Contains(t, out, "not graded: GPU 0 is lost")
		}},
		"no library": {noLib: true, args: []string{"snapshot"}, wantCode: 3, check: func(t *testing.T, _, errOut string) {
			assert.Contains(t, errOut, "NVML library not found (tried /nonexistent/libnvidia-ml.so.1 (no such file)")
			assert.Contains(t, errOut, "/usr/lib/wsl/lib")
		}},
		"driver not loaded": {state: withInitError(fakenvml.ErrDriverNotLoaded), args: []string{"snapshot"}, wantCode: 3, check: func(t *testing.T, _, errOut string) {
			assert.Contains(t, errOut, "the NVIDIA driver is not loaded")
		}},
		"init failure": {state: withInitError(fakenvml.ErrUnknown), args: []string{"snapshot"}, wantCode: 3, check: func(t *testing.T, _, errOut string) {
			assert.Contains(t, errOut, "failed: Unknown Error")
		}},
		"library and driver versions differ": {state: withInitError(fakenvml.ErrLibRMVersionMismatch), args: []string{"snapshot"}, wantCode: 3, check: func(t *testing.T, _, errOut string) {
			assert.Contains(t, errOut, "different versions")
		}},
		"no GPU": {state: func() fakenvml.State { return fakenvml.State{} }, args: []string{"snapshot"}, wantCode: 3, check: func(t *testing.T, _, errOut string) {
			assert.Contains(t, errOut, "the driver sees no GPU")
		}},
		"the UI falls back to planning": {state: withInitError(fakenvml.ErrDriverNotLoaded), args: nil, check: func(t *testing.T, out, _ string) {
			assert.Contains(t, out, "planning for RTX PRO 6000 Blackwell Workstation: not a live reading")
			assert.Contains(t, out, "the NVIDIA driver is not loaded")
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			state := filepath.Join(t.TempDir(), "state")
			env := fakenvml.Env(lib, state)
			if tc.noLib {
				env = fakenvml.Env("/nonexistent/libnvidia-ml.so.1", state)
			} else {
				require.NoError(t, fakenvml.WriteState(state, tc.state()))
			}
			code, out, errOut := runHeadroom(t, env, tc.args...)
			require.Equal(t, tc.wantCode, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			if tc.wantCode != 0 {
				assert.Empty(t, out)
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			}
			tc.check(t, out, errOut)
		})
	}
}

func withInitError(code int) func() fakenvml.State {
	return func() fakenvml.State {
		return fakenvml.State{Errors: map[string]int{"Init": code}, Devices: []fakenvml.Device{fakenvml.RTXPro6000()}}
	}
}

// parseMeminfoTotal reads MemTotal, in bytes, from /proc/meminfo's format.
func parseMeminfoTotal(f *os.File) (uint64, error) {
	b, err := io.ReadAll(f)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kib, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib << 10, err
		}
	}
	return 0, errors.New("no MemTotal line")
}

// A process started with vLLM's command line, holding memory on the fake
// GPU, is recognised: snapshot --json gives its serving object, with
// what headroom predicts it holds beside what the driver says it does.
func TestSnapshotRecognisesAModelServer(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	pid := startServer(t, "vllm", "serve", "Qwen/Qwen3-32B", "--max-model-len", "8192", "--gpu-memory-utilization", "0.90")
	d := fakenvml.RTXPro6000()
	d.Used = 86 << 30
	d.Processes = []fakenvml.Process{{PID: pid, Used: 86 << 30, Name: "python3"}}
	state := filepath.Join(t.TempDir(), "state")
	require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{d}}))
	var procs []map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, out, errOut := runHeadroom(t, fakenvml.Env(lib, state), "snapshot", "--json")
		require.Equal(t, 0, code, errOut)
		var s struct {
			Devices []struct {
				Processes []map[string]any `json:"processes"`
			} `json:"devices"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &s))
		procs = s.Devices[0].Processes
		if len(procs) == 1 && procs[0]["serving"] != nil || time.Now().After(deadline) {
			break // the child may not have exec'd yet on a slow machine
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Len(t, procs, 1)
	srv, ok := procs[0]["serving"].(map[string]any)
	require.True(t, ok, "the process is recognised: %v", procs[0])
	assert.Equal(t, "vllm", srv["runtime"])
	assert.Equal(t, "Qwen/Qwen3-32B", srv["model"])
	assert.EqualValues(t, 8192, srv["context"])
	assert.Equal(t, map[string]any{"max-model-len": "8192", "gpu-memory-utilization": "0.90"}, srv["args"])
	require.NotNil(t, srv["predicted_bytes"], srv["unpredicted"])
	predicted := srv["predicted_bytes"].(float64)
	assert.InDelta(t, 0.9*float64(97887<<20), predicted, 3<<30, "the budget, plus what vLLM keeps outside it")

	code, out, _ := runHeadroom(t, fakenvml.Env(lib, state), "snapshot")
	require.Equal(t, 0, code)
	assert.Contains(t, words(out), "vLLM serving Qwen/Qwen3-32B, context 8192, utilisation 0.90; predicted")
}
