//go:build cgo

package gpu

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sample(t *testing.T, s *nvmlSource) Snapshot {
	t.Helper()
	snap, err := s.Sample(context.Background())
	require.NoError(t, err)
	return snap
}

func TestMemoryPrefersV2AndFallsBackToV1OnAnyError(t *testing.T) {
	for name, tc := range map[string]struct {
		v2        nvml.Return
		wantAsked int // v2 calls over three samples
	}{
		"v2 answers":                  {v2: nvml.SUCCESS, wantAsked: 3},
		"unknown error (WSL) retried": {v2: nvml.ERROR_UNKNOWN, wantAsked: 3},
		"argument version mismatch":   {v2: nvml.ERROR_ARGUMENT_VERSION_MISMATCH, wantAsked: 3},
		"not supported asked once":    {v2: nvml.ERROR_NOT_SUPPORTED, wantAsked: 1},
		"function not found once":     {v2: nvml.ERROR_FUNCTION_NOT_FOUND, wantAsked: 1},
	} {
		t.Run(name, func(t *testing.T) {
			card := newMockCard("A", 10<<30)
			if tc.v2 != nvml.SUCCESS {
				card.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) { return nvml.Memory_v2{}, tc.v2 }
			}
			src := newMockSystem(card).source(newProcLookup())
			var snap Snapshot
			for range 3 {
				snap = sample(t, src)
			}
			assert.Len(t, card.GetMemoryInfo_v2Calls(), tc.wantAsked)
			m := snap.Devices[0].Memory
			assert.Equal(t, Read(uint64(demoTotal)), m.Total)
			assert.Equal(t, Read(uint64(demoTotal-demoReserved-10<<30)), m.Free)
			if tc.v2 == nvml.SUCCESS {
				assert.Equal(t, "v2", snap.Devices[0].MemorySource)
				assert.Equal(t, Read(uint64(10<<30)), m.Used)
				assert.Equal(t, Read(uint64(demoReserved)), m.Reserved)
				assert.Empty(t, snap.Notes)
				return
			}
			assert.Equal(t, "v1", snap.Devices[0].MemorySource)
			assert.Equal(t, Read(uint64(demoReserved+10<<30)), m.Used, "v1 counts the reservation as used")
			assert.False(t, m.Reserved.OK, "v1 cannot tell the reservation apart")
			require.Len(t, snap.Notes, 1)
			assert.Contains(t, snap.Notes[0], "v1")
		})
	}
}

func TestUnsupportedFieldsAreAskedOnceAndTransientOnesRetried(t *testing.T) {
	card := newMockCard("A", 0)
	card.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) { return 0, nvml.ERROR_NOT_SUPPORTED }
	card.GetPowerUsageFunc = func() (uint32, nvml.Return) { return 0, nvml.ERROR_FUNCTION_NOT_FOUND }
	utilRet := nvml.ERROR_UNKNOWN
	card.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) { return nvml.Utilization{Gpu: 97}, utilRet }
	src := newMockSystem(card).source(newProcLookup())

	for range 3 {
		d := sample(t, src).Devices[0]
		assert.False(t, d.TemperatureC.OK)
		assert.False(t, d.PowerW.OK)
		assert.False(t, d.UtilizationPercent.OK)
		assert.Equal(t, Read(600.0), d.PowerLimitW)
	}
	assert.Len(t, card.GetTemperatureCalls(), 1)
	assert.Len(t, card.GetPowerUsageCalls(), 1)
	assert.Len(t, card.GetUtilizationRatesCalls(), 3)

	utilRet = nvml.SUCCESS
	assert.Equal(t, Read(97), sample(t, src).Devices[0].UtilizationPercent)
	assert.Len(t, card.GetNameCalls(), 1, "static facts are read once")
}

func TestLostGPUIsShownWhileTheOthersKeepUpdating(t *testing.T) {
	a, b := newMockCard("A", 1<<30), newMockCard("B", 2<<30)
	sys := newMockSystem(a, b)
	src := sys.source(newProcLookup())
	sample(t, src)

	lost := true
	b.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) {
		if lost {
			return nvml.Memory_v2{}, nvml.ERROR_GPU_IS_LOST
		}
		return nvml.Memory_v2{Total: demoTotal, Used: 3 << 30, Free: demoTotal - 3<<30}, nvml.SUCCESS
	}
	a.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) {
		return nvml.Memory_v2{Total: demoTotal, Used: 5 << 30, Free: demoTotal - 5<<30}, nvml.SUCCESS
	}
	snap := sample(t, src)
	require.Len(t, snap.Devices, 2)
	assert.Equal(t, Read(uint64(5<<30)), snap.Devices[0].Memory.Used, "GPU 0 keeps updating")
	assert.False(t, snap.Devices[0].Lost)
	gone := snap.Devices[1]
	assert.True(t, gone.Lost)
	assert.Equal(t, "B", gone.Name, "a lost GPU keeps the name it had")
	assert.False(t, gone.Memory.Used.OK)
	assert.False(t, gone.TemperatureC.OK)
	assert.Empty(t, b.GetMemoryInfoCalls(), "no v1 fallback on a lost GPU")
	assert.Contains(t, strings.Join(snap.Notes, "\n"), "GPU 1 is lost")

	lost = false
	snap = sample(t, src)
	assert.False(t, snap.Devices[1].Lost, "a GPU that answers again is read again")
	assert.Equal(t, Read(uint64(3<<30)), snap.Devices[1].Memory.Used)
	assert.Empty(t, snap.Notes)
}

func TestLostHandleAndOtherHandleErrors(t *testing.T) {
	sys := newMockSystem(newMockCard("A", 0), newMockCard("B", 0))
	src := sys.source(newProcLookup())
	sys.lib.DeviceGetHandleByIndexFunc = func(i int) (nvml.Device, nvml.Return) {
		switch i {
		case 0:
			return nil, nvml.ERROR_GPU_IS_LOST
		case 1:
			return nil, nvml.ERROR_UNKNOWN
		}
		return nil, nvml.ERROR_INVALID_ARGUMENT
	}
	snap := sample(t, src)
	assert.True(t, snap.Devices[0].Lost)
	assert.False(t, snap.Devices[1].Lost)
	assert.Contains(t, strings.Join(snap.Notes, "\n"), "GPU 1 cannot be read")
}

func TestDeviceCountChanges(t *testing.T) {
	sys := newMockSystem(newMockCard("A", 0))
	src := sys.source(newProcLookup())
	assert.Len(t, sample(t, src).Devices, 1)

	sys.cards = append(sys.cards, newMockCard("B", 0))
	snap := sample(t, src)
	require.Len(t, snap.Devices, 2)
	assert.Equal(t, "B", snap.Devices[1].Name)
	assert.Contains(t, snap.Notes, "the number of GPUs changed from 1 to 2")

	sys.cards = sys.cards[1:]
	snap = sample(t, src)
	require.Len(t, snap.Devices, 1)
	assert.Equal(t, "B", snap.Devices[0].Name, "a card that moved to another index is read afresh")
	assert.Empty(t, sample(t, src).Notes)
}

func TestCountingFailureFailsTheSample(t *testing.T) {
	sys := newMockSystem(newMockCard("A", 0))
	sys.lib.DeviceGetCountFunc = func() (int, nvml.Return) { return 0, nvml.ERROR_UNKNOWN }
	_, err := sys.source(newProcLookup()).Sample(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "counting GPUs")
}

func TestCancelledContextReadsNothing(t *testing.T) {
	sys := newMockSystem(newMockCard("A", 0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := sys.source(newProcLookup()).Sample(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, sys.lib.DeviceGetCountCalls())
}

func TestDriverAndCUDAVersions(t *testing.T) {
	snap := sample(t, newMockSystem(newMockCard("A", 0)).source(newProcLookup()))
	assert.Equal(t, "580.95.05", snap.DriverVersion)
	assert.Equal(t, "13.0", snap.CUDAVersion)
	d := snap.Devices[0]
	assert.Equal(t, "12.0", d.ComputeCapability)
	assert.Equal(t, "Blackwell", d.Architecture)
	assert.Equal(t, Read(214.0), d.PowerW)
}

func TestMIGCardDoesNotCrashAndSaysMemoryIsPerInstance(t *testing.T) {
	card := newMockCard("H100", 0)
	card.GetMigModeFunc = func() (int, int, nvml.Return) { return nvml.DEVICE_MIG_ENABLE, nvml.DEVICE_MIG_ENABLE, nvml.SUCCESS }
	card.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) { return nvml.Utilization{}, nvml.ERROR_NOT_SUPPORTED }
	card.GetComputeRunningProcessesFunc = processes(nvml.ProcessInfo{Pid: 9, UsedGpuMemory: 1 << 30, GpuInstanceId: 1, ComputeInstanceId: 0})
	card.GetGraphicsRunningProcessesFunc = failing(nvml.ERROR_NOT_SUPPORTED)
	snap := sample(t, newMockSystem(card).source(newProcLookup()))
	d := snap.Devices[0]
	assert.True(t, d.MIG)
	assert.False(t, d.UtilizationPercent.OK)
	assert.Len(t, d.Processes, 1)
	assert.Empty(t, d.ProcessNote, "one list unsupported is normal")
	assert.Contains(t, strings.Join(snap.Notes, "\n"), "MIG is on")
}

func TestUnifiedMemoryComesFromTheSystem(t *testing.T) {
	card := newMockCard("NVIDIA GB10", 0)
	card.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) { return nvml.Memory_v2{}, nvml.ERROR_NOT_SUPPORTED }
	card.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) { return nvml.Memory{}, nvml.ERROR_NOT_SUPPORTED }
	card.GetComputeRunningProcessesFunc = processes(
		nvml.ProcessInfo{Pid: 1, UsedGpuMemory: 30 << 30},
		nvml.ProcessInfo{Pid: 2, UsedGpuMemory: 2 << 30},
	)
	src := newMockSystem(card).source(newProcLookup())
	src.meminfo = func() (systemMemory, error) { return systemMemory{Total: 128 << 30, Available: 90 << 30}, nil }
	for range 2 {
		snap := sample(t, src)
		d := snap.Devices[0]
		assert.True(t, d.UnifiedMemory)
		assert.Equal(t, "meminfo", d.MemorySource)
		assert.Equal(t, Read(uint64(128<<30)), d.Memory.Total)
		assert.Equal(t, Read(uint64(90<<30)), d.Memory.Free)
		assert.Equal(t, Read(uint64(32<<30)), d.Memory.Used, "used is what the GPU's processes hold")
		assert.False(t, d.Memory.Reserved.OK)
		assert.Contains(t, strings.Join(snap.Notes, "\n"), "unified memory")
	}
	assert.Len(t, card.GetMemoryInfoCalls(), 1, "both memory calls are asked once")
}

func TestReadingsThatFailAreNullInJSON(t *testing.T) {
	card := newMockCard("A", 0)
	card.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) { return 0, nvml.ERROR_NOT_SUPPORTED }
	card.GetComputeRunningProcessesFunc = processes(nvml.ProcessInfo{Pid: 7, UsedGpuMemory: valueNotAvailable})
	b, err := json.Marshal(sample(t, newMockSystem(card).source(newProcLookup())))
	require.NoError(t, err)
	var got struct {
		Devices []struct {
			TemperatureC *int `json:"temperature_c"`
			PowerW       *int `json:"power_w"`
			Processes    []struct {
				UsedBytes *uint64 `json:"used_bytes"`
			} `json:"processes"`
		} `json:"devices"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Nil(t, got.Devices[0].TemperatureC)
	assert.NotNil(t, got.Devices[0].PowerW)
	require.Len(t, got.Devices[0].Processes, 1)
	assert.Nil(t, got.Devices[0].Processes[0].UsedBytes, "memory not available is null, not 0")
	assert.Contains(t, string(b), `"used_bytes":null`)
}
