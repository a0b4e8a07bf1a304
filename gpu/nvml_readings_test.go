//go:build cgo

package gpu

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notAvailableCard answers NVML_VALUE_NOT_AVAILABLE where a driver without
// the sensor may: every telemetry reading, and the compute capability.
func notAvailableCard() *nvmlSource {
	card := newMockCard("A", 0)
	card.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) {
		return nvml.Utilization{Gpu: 0xFFFFFFFF, Memory: 0xFFFFFFFF}, nvml.SUCCESS
	}
	card.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) { return 0xFFFFFFFF, nvml.SUCCESS }
	card.GetPowerUsageFunc = func() (uint32, nvml.Return) { return 0xFFFFFFFF, nvml.SUCCESS }
	card.GetEnforcedPowerLimitFunc = func() (uint32, nvml.Return) { return 0xFFFFFFFF, nvml.SUCCESS }
	card.GetCudaComputeCapabilityFunc = func() (int, int, nvml.Return) { return -1, -1, nvml.SUCCESS }
	return newMockSystem(card).source(newProcLookup())
}

func TestNotAvailableSentinelsAreAbsentReadings(t *testing.T) {
	snap := sample(t, notAvailableCard())
	d := snap.Devices[0]
	assert.False(t, d.UtilizationPercent.OK, "utilisation %v", d.UtilizationPercent.Value)
	assert.False(t, d.TemperatureC.OK, "temperature %v", d.TemperatureC.Value)
	assert.False(t, d.PowerW.OK, "power %v", d.PowerW.Value)
	assert.False(t, d.PowerLimitW.OK, "power limit %v", d.PowerLimitW.Value)
	assert.Empty(t, d.ComputeCapability)
	assert.Equal(t, "Blackwell", d.Architecture, "the rest is read")

	b, err := json.Marshal(d)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	for _, k := range []string{"utilization_percent", "temperature_c", "power_w", "power_limit_w", "compute_capability"} {
		assert.Nil(t, got[k], "%s is null", k)
	}
}

func TestUtilizationAboveAHundredIsNoReading(t *testing.T) {
	for gpu, want := range map[uint32]Reading[int]{0: Read(0), 100: Read(100), 101: {}, 1 << 31: {}} {
		card := newMockCard("A", 0)
		card.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) { return nvml.Utilization{Gpu: gpu}, nvml.SUCCESS }
		assert.Equal(t, want, sample(t, newMockSystem(card).source(newProcLookup())).Devices[0].UtilizationPercent, "%d%%", gpu)
	}
}

func TestMemoryNoCardHasIsUnreadWithANoteNamingIt(t *testing.T) {
	card := newMockCard("A", 0)
	total := uint64(math.MaxUint64)
	card.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) {
		return nvml.Memory_v2{Total: total, Free: total}, nvml.SUCCESS
	}
	src := newMockSystem(card).source(newProcLookup())
	for range 2 {
		snap := sample(t, src)
		d := snap.Devices[0]
		assert.Equal(t, Memory{}, d.Memory, "nothing is kept of the reading")
		assert.Empty(t, d.MemorySource)
		assert.Equal(t, []string{"GPU 0: NVML reports a total of 18446744073709551615 bytes, which no card has, so its memory is shown as unreadable and nothing is graded against it"}, snap.Notes)
	}
	assert.Empty(t, card.GetMemoryInfoCalls(), "v1 is not asked: v2 answered")

	total = demoTotal
	snap := sample(t, src)
	assert.Equal(t, Read(uint64(demoTotal)), snap.Devices[0].Memory.Total, "a good reading is taken again")
	assert.Empty(t, snap.Notes)
}

func TestV1MemoryNoCardHasIsUnread(t *testing.T) {
	card := newMockCard("A", 0)
	card.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) {
		return nvml.Memory{Total: 80 << 30, Used: 1 << 30, Free: 200 << 30}, nvml.SUCCESS
	}
	sys := newMockSystem(card)
	sys.missing["nvmlDeviceGetMemoryInfo_v2"] = true
	snap := sample(t, sys.source(newProcLookup()))
	assert.False(t, snap.Devices[0].Memory.Free.OK)
	assert.Equal(t, []string{"GPU 0: NVML reports 214748364800 bytes free, more than the total of 85899345920, which no card has, so its memory is shown as unreadable and nothing is graded against it"}, snap.Notes)
}

func TestProcessMemoryNoCardHasIsUnknown(t *testing.T) {
	card := newMockCard("A", 0)
	card.GetComputeRunningProcessesFunc = processes(nvml.ProcessInfo{Pid: 1, UsedGpuMemory: 1 << 60}, nvml.ProcessInfo{Pid: 2, UsedGpuMemory: 1 << 30})
	ps := sample(t, newMockSystem(card).source(newProcLookup())).Devices[0].Processes
	require.Len(t, ps, 2)
	assert.Equal(t, uint32(2), ps[0].PID)
	assert.False(t, ps[1].UsedBytes.OK, "2^60 bytes is no reading")
}

func TestUnifiedMemoryUsedNeverWraps(t *testing.T) {
	card := newMockCard("NVIDIA GB10", 0)
	card.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) { return nvml.Memory_v2{}, nvml.ERROR_NOT_SUPPORTED }
	card.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) { return nvml.Memory{}, nvml.ERROR_NOT_SUPPORTED }
	card.GetComputeRunningProcessesFunc = processes(
		nvml.ProcessInfo{Pid: 1, UsedGpuMemory: 1 << 49}, nvml.ProcessInfo{Pid: 2, UsedGpuMemory: 1 << 49},
		nvml.ProcessInfo{Pid: 3, UsedGpuMemory: 1 << 49},
	)
	src := newMockSystem(card).source(newProcLookup())
	src.meminfo = func() (systemMemory, error) { return systemMemory{Total: 128 << 30, Available: 90 << 30}, nil }
	d := sample(t, src).Devices[0]
	assert.True(t, d.UnifiedMemory)
	assert.False(t, d.Memory.Used.OK, "1.5 PiB held is no reading")
}

func TestADeviceCountNoMachineHasFailsTheSample(t *testing.T) {
	sys := newMockSystem(newMockCard("A", 0))
	src := sys.source(newProcLookup())
	sys.lib.DeviceGetCountFunc = func() (int, nvml.Return) { return 1 << 31, nvml.SUCCESS }
	_, err := src.Sample(context.Background())
	require.Error(t, err)
	assert.Equal(t, "counting GPUs: the driver reports 2147483648, more than any machine holds", err.Error())
	assert.Empty(t, sys.lib.DeviceGetHandleByIndexCalls())
}
