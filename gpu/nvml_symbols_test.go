//go:build cgo

package gpu

import (
	"strings"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fieldCalls counts, for every field of fieldSymbols, the calls that read
// it from a mock library and card.
var fieldCalls = map[field]func(*mock.Interface, *mock.Device) int{
	fieldDriverVersion: func(l *mock.Interface, _ *mock.Device) int { return len(l.SystemGetDriverVersionCalls()) },
	fieldCUDAVersionV2: func(l *mock.Interface, _ *mock.Device) int { return len(l.SystemGetCudaDriverVersion_v2Calls()) },
	fieldCUDAVersionV1: func(l *mock.Interface, _ *mock.Device) int { return len(l.SystemGetCudaDriverVersionCalls()) },
	fieldProcessName:   func(l *mock.Interface, _ *mock.Device) int { return len(l.SystemGetProcessNameCalls()) },
	fieldName:          func(_ *mock.Interface, d *mock.Device) int { return len(d.GetNameCalls()) },
	fieldUUID:          func(_ *mock.Interface, d *mock.Device) int { return len(d.GetUUIDCalls()) },
	fieldCapability:    func(_ *mock.Interface, d *mock.Device) int { return len(d.GetCudaComputeCapabilityCalls()) },
	fieldArchitecture:  func(_ *mock.Interface, d *mock.Device) int { return len(d.GetArchitectureCalls()) },
	fieldMemoryV2:      func(_ *mock.Interface, d *mock.Device) int { return len(d.GetMemoryInfo_v2Calls()) },
	fieldMemoryV1:      func(_ *mock.Interface, d *mock.Device) int { return len(d.GetMemoryInfoCalls()) },
	fieldUtilization:   func(_ *mock.Interface, d *mock.Device) int { return len(d.GetUtilizationRatesCalls()) },
	fieldTemperature:   func(_ *mock.Interface, d *mock.Device) int { return len(d.GetTemperatureCalls()) },
	fieldPower:         func(_ *mock.Interface, d *mock.Device) int { return len(d.GetPowerUsageCalls()) },
	fieldPowerLimit:    func(_ *mock.Interface, d *mock.Device) int { return len(d.GetEnforcedPowerLimitCalls()) },
	fieldMIG:           func(_ *mock.Interface, d *mock.Device) int { return len(d.GetMigModeCalls()) },
	fieldCompute:       func(_ *mock.Interface, d *mock.Device) int { return len(d.GetComputeRunningProcessesCalls()) },
	fieldGraphics:      func(_ *mock.Interface, d *mock.Device) int { return len(d.GetGraphicsRunningProcessesCalls()) },
}

// fullSystem is a mock library that answers every call headroom makes,
// with one card running a process only the driver can name.
func fullSystem() (*mockSystem, *mock.Device) {
	card := newMockCard("A", 1<<30)
	card.GetComputeRunningProcessesFunc = processes(nvml.ProcessInfo{Pid: 42, UsedGpuMemory: 1 << 30})
	sys := newMockSystem(card)
	sys.names[42] = "vllm"
	sys.lib.SystemGetCudaDriverVersionFunc = func() (int, nvml.Return) { return 12020, nvml.SUCCESS }
	return sys, card
}

func TestEveryFieldOfTheTableIsReadWhenExported(t *testing.T) {
	require.Len(t, fieldCalls, len(fieldSymbols), "each row of fieldSymbols has a counter here")
	sys, card := fullSystem()
	src := sys.source(newProcLookup())
	sample(t, src)
	for _, row := range fieldSymbols {
		if row.field == fieldCUDAVersionV1 || row.field == fieldMemoryV1 {
			continue // asked only when the newer call is missing or fails
		}
		assert.NotZero(t, fieldCalls[row.field](sys.lib, card), "%v is read when its symbols are there", row.symbols)
	}
}

func TestAMissingFunctionIsNeverCalledAndItsFieldIsAbsent(t *testing.T) {
	for _, row := range fieldSymbols {
		t.Run(row.symbols[0], func(t *testing.T) {
			sys, card := fullSystem()
			for _, sym := range row.symbols {
				sys.missing[sym] = true
			}
			src := sys.source(newProcLookup())
			var snap Snapshot
			for range 2 {
				snap = sample(t, src)
			}
			assert.Zero(t, fieldCalls[row.field](sys.lib, card), "a function the library lacks is called")
			d := snap.Devices[0]
			switch row.field {
			case fieldDriverVersion:
				assert.Empty(t, snap.DriverVersion)
			case fieldCUDAVersionV2:
				assert.Equal(t, "12.2", snap.CUDAVersion, "the older call answers")
			case fieldProcessName:
				require.Len(t, d.Processes, 1)
				assert.Empty(t, d.Processes[0].Name)
			case fieldName:
				assert.Empty(t, d.Name)
			case fieldTemperature:
				assert.False(t, d.TemperatureC.OK)
			case fieldMemoryV2:
				assert.Equal(t, "v1", d.MemorySource)
			case fieldCompute:
				assert.Empty(t, d.Processes)
			}
			if row.field != fieldName {
				assert.Equal(t, "A", d.Name, "the other fields are read")
			}
		})
	}
}

// TestALibraryWithOnlyTheRequiredFunctionsIsAskedNothingElse runs against
// a mock whose every other method panics when called: nothing but the
// required functions may be reached when the library exports nothing else.
func TestALibraryWithOnlyTheRequiredFunctionsIsAskedNothingElse(t *testing.T) {
	sys := newMockSystem(&mock.Device{})
	sys.lib = &mock.Interface{
		DeviceGetCountFunc:         sys.lib.DeviceGetCountFunc,
		DeviceGetHandleByIndexFunc: sys.lib.DeviceGetHandleByIndexFunc,
		ShutdownFunc:               sys.lib.ShutdownFunc,
	}
	for _, row := range fieldSymbols {
		for _, sym := range row.symbols {
			sys.missing[sym] = true
		}
	}
	src := sys.source(newProcLookup())
	for range 3 {
		snap := sample(t, src)
		require.Len(t, snap.Devices, 1)
		d := snap.Devices[0]
		assert.False(t, d.Memory.Total.OK)
		assert.False(t, d.UnifiedMemory, "a library without memory calls is not a unified-memory GPU")
		assert.Contains(t, strings.Join(snap.Notes, "\n"), "GPU 0: memory cannot be read: this NVML library has no memory call")
		assert.Contains(t, d.ProcessNote, "does not list processes")
	}
	require.NoError(t, src.Close())
}

func TestMemoryOfADriverBeforeR510ComesFromV1WithANote(t *testing.T) {
	card := newMockCard("A", 10<<30)
	card.GetMemoryInfo_v2Func = nil // calling it would panic
	sys := newMockSystem(card)
	sys.missing["nvmlDeviceGetMemoryInfo_v2"] = true
	snap := sample(t, sys.source(newProcLookup()))
	d := snap.Devices[0]
	assert.Equal(t, "v1", d.MemorySource)
	assert.Equal(t, Read(uint64(demoReserved+10<<30)), d.Memory.Used, "v1 counts the reservation as used")
	assert.Equal(t, []string{"GPU 0: memory from NVML's v1 call, as this driver predates the v2 call (R510), so used includes the driver's reserved memory"}, snap.Notes)
}

func TestRequiredFunctions(t *testing.T) {
	has := func(names ...string) func(string) error {
		return func(sym string) error {
			for _, n := range names {
				if n == sym {
					return nil
				}
			}
			return assert.AnError
		}
	}
	assert.Equal(t, "", missingRequired(has("nvmlInit", "nvmlShutdown", "nvmlErrorString", "nvmlDeviceGetCount", "nvmlDeviceGetHandleByIndex")),
		"the unversioned names are enough")
	assert.Equal(t, "nvmlInit_v2 or nvmlInit", missingRequired(has()))
	assert.Equal(t, "nvmlErrorString", missingRequired(has("nvmlInit_v2", "nvmlShutdown", "nvmlDeviceGetCount_v2", "nvmlDeviceGetHandleByIndex_v2")))
}
