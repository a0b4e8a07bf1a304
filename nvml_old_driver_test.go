package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// TestSnapshotOnADriverBeforeR510 runs headroom against fake libraries
// that lack what older drivers lack. Calling a function the library does
// not export would kill headroom with "symbol lookup error" (exit 127), so
// this proves that nothing missing is called and that memory and processes
// come through the older calls.
func TestSnapshotOnADriverBeforeR510(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	v1Lists := append(fakenvml.PreR510(), "nvmlDeviceGetComputeRunningProcesses_v2",
		"nvmlDeviceGetGraphicsRunningProcesses_v2", "nvmlDeviceGetMPSComputeRunningProcesses_v2")
	for name, omit := range map[string][]string{
		"no v2 memory, v2 process lists": fakenvml.PreR510(),
		"no v2 memory, v1 process lists": v1Lists,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lib := fakenvml.BuildWithout(t, omit...)
			card := fakenvml.RTXPro6000()
			card.Used = 40 << 30
			card.Processes = []fakenvml.Process{
				{PID: 1<<31 - 2, Used: 39 << 30, Name: "vllm"},
				{PID: 1<<31 - 3, Used: 512 << 20, Graphics: true, Name: "Xorg"},
			}
			state := filepath.Join(t.TempDir(), "state")
			require.NoError(t, fakenvml.WriteState(state, fakenvml.State{DriverVersion: "470.256.02", CUDAVersion: 11040, Devices: []fakenvml.Device{card}}))
			env := fakenvml.Env(lib, state)
			const note = "GPU 0: memory from NVML's v1 call, as this driver predates the v2 call (R510), so used includes the driver's reserved memory"

			code, out, errOut := runHeadroom(t, env, "snapshot", "--json")
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			s := decodeSnapshot(t, out)
			require.Len(t, s.Devices, 1)
			d := s.Devices[0]
			assert.Equal(t, "v1", d.MemorySource)
			assert.Equal(t, card.Total, *d.Memory.Total)
			assert.Nil(t, d.Memory.Reserved, "v1 cannot tell the reservation apart")
			assert.Equal(t, card.Reserved+card.Used, *d.Memory.Used, "v1's used includes the reservation")
			assert.Equal(t, card.Total-card.Reserved-card.Used, *d.Memory.Free)
			assert.Contains(t, s.Notes, note)
			require.Len(t, d.Processes, 2, "processes come through the older list calls")
			assert.Equal(t, "vllm", *d.Processes[0].Name)
			assert.Equal(t, uint64(39<<30), *d.Processes[0].Used)
			assert.Equal(t, "Xorg", *d.Processes[1].Name)
			assert.Equal(t, uint64(512<<20), *d.Processes[1].Used)
			assert.NotEmpty(t, s.Fits, "v1 memory is graded")

			code, out, errOut = runHeadroom(t, env, "snapshot")
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, words(out), note, "the note is printed, wrapped")
			assert.Contains(t, out, "driver 470.256.02, CUDA 11.4")
			assert.Contains(t, out, "used 40.6 GiB  reserved n/a  free 55.0 GiB  of 95.6 GiB")
			assert.Regexp(t, `2147483646\s+39\.0 GiB\s+n/a\s+vllm`, out)
		})
	}
}
