//go:build cgo

package gpu

import (
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProcessesAreDedupedByPIDPerGPUAndSortedLargestFirst(t *testing.T) {
	a, b := newMockCard("A", 0), newMockCard("B", 0)
	a.GetComputeRunningProcessesFunc = processes(
		nvml.ProcessInfo{Pid: 10, UsedGpuMemory: 1 << 30},
		nvml.ProcessInfo{Pid: 11, UsedGpuMemory: valueNotAvailable},
		nvml.ProcessInfo{Pid: 12, UsedGpuMemory: 8 << 30},
	)
	a.GetGraphicsRunningProcessesFunc = processes(
		nvml.ProcessInfo{Pid: 10, UsedGpuMemory: 2 << 30}, // on both lists
		nvml.ProcessInfo{Pid: 13, UsedGpuMemory: 512 << 20},
	)
	b.GetComputeRunningProcessesFunc = processes(nvml.ProcessInfo{Pid: 10, UsedGpuMemory: 4 << 30}) // on another GPU too
	snap := sample(t, newMockSystem(a, b).source(newProcLookup()))

	var pids []uint32
	for _, p := range snap.Devices[0].Processes {
		pids = append(pids, p.PID)
	}
	assert.Equal(t, []uint32{12, 10, 13, 11}, pids, "largest first, unknown memory last")
	assert.Equal(t, Read(uint64(2<<30)), snap.Devices[0].Processes[1].UsedBytes, "the larger figure, not the sum")
	assert.False(t, snap.Devices[0].Processes[3].UsedBytes.OK)
	require.Len(t, snap.Devices[1].Processes, 1)
	assert.Equal(t, Read(uint64(4<<30)), snap.Devices[1].Processes[0].UsedBytes)
}

func TestProcessListErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		compute, graphics nvml.Return
		want              string
	}{
		"no permission":      {nvml.ERROR_NO_PERMISSION, nvml.ERROR_NO_PERMISSION, "no permission"},
		"both unsupported":   {nvml.ERROR_NOT_SUPPORTED, nvml.ERROR_NOT_SUPPORTED, "does not list processes"},
		"transient":          {nvml.ERROR_UNKNOWN, nvml.SUCCESS, "cannot be listed now"},
		"graphics only lack": {nvml.SUCCESS, nvml.ERROR_NOT_SUPPORTED, ""},
	} {
		t.Run(name, func(t *testing.T) {
			card := newMockCard("A", 3<<30)
			if tc.compute != nvml.SUCCESS {
				card.GetComputeRunningProcessesFunc = failing(tc.compute)
			}
			if tc.graphics != nvml.SUCCESS {
				card.GetGraphicsRunningProcessesFunc = failing(tc.graphics)
			}
			src := newMockSystem(card).source(newProcLookup())
			for range 2 {
				d := sample(t, src).Devices[0]
				assert.Empty(t, d.Processes)
				assert.NotNil(t, d.Processes, "an empty list is [] in JSON, not null")
				assert.Equal(t, Read(uint64(3<<30)), d.Memory.Used, "memory is read whatever the process lists do")
				if tc.want == "" {
					assert.Empty(t, d.ProcessNote)
				} else {
					assert.Contains(t, d.ProcessNote, tc.want)
				}
			}
		})
	}
}

func TestProcessInfoIsCachedPerPIDAndForgottenWhenGone(t *testing.T) {
	card := newMockCard("A", 0)
	list := []nvml.ProcessInfo{{Pid: 100, UsedGpuMemory: 1 << 30}, {Pid: 200, UsedGpuMemory: 1 << 30}}
	card.GetComputeRunningProcessesFunc = func() ([]nvml.ProcessInfo, nvml.Return) { return list, nvml.SUCCESS }
	procs := newProcLookup()
	procs.known[100] = procInfo{Name: "python3", User: "ada", Command: "vllm serve Qwen/Qwen3-32B"}
	sys := newMockSystem(card)
	sys.names[200] = "vllm"
	src := sys.source(procs)

	for range 3 {
		ps := sample(t, src).Devices[0].Processes
		require.Len(t, ps, 2)
		assert.Equal(t, "python3", ps[0].Name)
		assert.Equal(t, "ada", ps[0].User)
		assert.Equal(t, "vllm serve Qwen/Qwen3-32B", ps[0].Command)
		assert.Equal(t, "vllm", ps[1].Name, "the driver names what /proc cannot see")
	}
	assert.Equal(t, 1, procs.calls[100])
	assert.Equal(t, 1, procs.calls[200])
	assert.Len(t, sys.lib.SystemGetProcessNameCalls(), 1)

	list = list[:1]
	sample(t, src)
	assert.Len(t, src.procs.entries, 1, "a PID that left the GPU is forgotten")
	list = append(list, nvml.ProcessInfo{Pid: 200, UsedGpuMemory: 1})
	sample(t, src)
	assert.Equal(t, 2, procs.calls[200], "a PID that comes back is read afresh")
}

func TestDriverThatCannotNameProcessesIsAskedOnce(t *testing.T) {
	card := newMockCard("A", 0)
	card.GetComputeRunningProcessesFunc = processes(nvml.ProcessInfo{Pid: 1, UsedGpuMemory: 1}, nvml.ProcessInfo{Pid: 2, UsedGpuMemory: 1})
	sys := newMockSystem(card)
	sys.namesOK = nvml.ERROR_NOT_SUPPORTED
	src := sys.source(newProcLookup())
	ps := sample(t, src).Devices[0].Processes
	assert.Equal(t, "", ps[0].Name)
	assert.Len(t, sys.lib.SystemGetProcessNameCalls(), 1)
}

func TestControlCharactersNeverLeaveTheSource(t *testing.T) {
	card := newMockCard("NVIDIA \x1b]0;owned\x07RTX", 0)
	card.GetComputeRunningProcessesFunc = processes(nvml.ProcessInfo{Pid: 1, UsedGpuMemory: 1}, nvml.ProcessInfo{Pid: 2, UsedGpuMemory: 1})
	sys := newMockSystem(card)
	sys.names[2] = "evil\x1b[2J\x1b[31mname\r"
	sys.lib.SystemGetDriverVersionFunc = func() (string, nvml.Return) { return "580\x1b[1m", nvml.SUCCESS }
	procs := newProcLookup()
	procs.known[1] = procInfo{Name: "py\x1b[31mthon", User: "ada\n", Command: "serve\x00 --x \x1b[?1049h"}
	snap := sample(t, sys.source(procs))

	strs := []string{snap.DriverVersion, snap.Devices[0].Name}
	for _, p := range snap.Devices[0].Processes {
		strs = append(strs, p.Name, p.User, p.Command)
	}
	for _, s := range strs {
		for _, r := range s {
			assert.False(t, r < 0x20 || r == 0x7f, "%q holds a control character", s)
		}
	}
	assert.Equal(t, "NVIDIA RTX", snap.Devices[0].Name)
	assert.Equal(t, "evilname", snap.Devices[0].Processes[1].Name)
}
