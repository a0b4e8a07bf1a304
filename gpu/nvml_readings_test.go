//go:build cgo

package gpu

import (
	"encoding/json"
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
