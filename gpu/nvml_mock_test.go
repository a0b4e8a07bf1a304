//go:build cgo

package gpu

import (
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
)

// newMockCard returns a mock RTX PRO 6000 that answers every call headroom
// makes, holding used bytes of its total; tests override single answers.
// The figures are the card's as nvidia-smi reports them (see demoTotal).
func newMockCard(name string, used uint64) *mock.Device {
	const total, reserved = demoTotal, demoReserved
	return &mock.Device{
		GetNameFunc:                  func() (string, nvml.Return) { return name, nvml.SUCCESS },
		GetUUIDFunc:                  func() (string, nvml.Return) { return "GPU-" + name, nvml.SUCCESS },
		GetCudaComputeCapabilityFunc: func() (int, int, nvml.Return) { return 12, 0, nvml.SUCCESS },
		GetArchitectureFunc: func() (nvml.DeviceArchitecture, nvml.Return) {
			return nvml.DEVICE_ARCH_BLACKWELL, nvml.SUCCESS
		},
		GetMemoryInfo_v2Func: func() (nvml.Memory_v2, nvml.Return) {
			return nvml.Memory_v2{Total: total, Reserved: reserved, Used: used, Free: total - reserved - used}, nvml.SUCCESS
		},
		GetMemoryInfoFunc: func() (nvml.Memory, nvml.Return) {
			return nvml.Memory{Total: total, Used: reserved + used, Free: total - reserved - used}, nvml.SUCCESS
		},
		GetUtilizationRatesFunc: func() (nvml.Utilization, nvml.Return) { return nvml.Utilization{Gpu: 38}, nvml.SUCCESS },
		GetTemperatureFunc: func(nvml.TemperatureSensors) (uint32, nvml.Return) {
			return 52, nvml.SUCCESS
		},
		GetPowerUsageFunc:         func() (uint32, nvml.Return) { return 214000, nvml.SUCCESS },
		GetEnforcedPowerLimitFunc: func() (uint32, nvml.Return) { return 600000, nvml.SUCCESS },
		GetMigModeFunc:            func() (int, int, nvml.Return) { return nvml.DEVICE_MIG_DISABLE, nvml.DEVICE_MIG_DISABLE, nvml.SUCCESS },
		GetComputeRunningProcessesFunc: func() ([]nvml.ProcessInfo, nvml.Return) {
			return nil, nvml.SUCCESS
		},
		GetGraphicsRunningProcessesFunc: func() ([]nvml.ProcessInfo, nvml.Return) {
			return nil, nvml.SUCCESS
		},
	}
}

// mockSystem is a mock NVML library over a list of cards that a test may
// change between samples.
type mockSystem struct {
	lib   *mock.Interface
	cards []*mock.Device
	// names answers nvmlSystemGetProcessName.
	names   map[uint32]string
	namesOK nvml.Return
	// missing holds the C symbols the library does not export; every
	// other symbol is found.
	missing map[string]bool
}

func newMockSystem(cards ...*mock.Device) *mockSystem {
	m := &mockSystem{cards: cards, names: map[uint32]string{}, missing: map[string]bool{}}
	m.lib = &mock.Interface{
		DeviceGetCountFunc: func() (int, nvml.Return) { return len(m.cards), nvml.SUCCESS },
		DeviceGetHandleByIndexFunc: func(i int) (nvml.Device, nvml.Return) {
			if i >= len(m.cards) {
				return nil, nvml.ERROR_INVALID_ARGUMENT
			}
			return m.cards[i], nvml.SUCCESS
		},
		SystemGetDriverVersionFunc:        func() (string, nvml.Return) { return "580.95.05", nvml.SUCCESS },
		SystemGetCudaDriverVersion_v2Func: func() (int, nvml.Return) { return 13000, nvml.SUCCESS },
		SystemGetProcessNameFunc: func(pid int) (string, nvml.Return) {
			if m.namesOK != nvml.SUCCESS {
				return "", m.namesOK
			}
			if n, ok := m.names[uint32(pid)]; ok {
				return n, nvml.SUCCESS
			}
			return "", nvml.ERROR_NOT_FOUND
		},
		ShutdownFunc: func() nvml.Return { return nvml.SUCCESS },
	}
	return m
}

// procLookup is a stand-in for /proc: the processes it knows, and how
// often it was asked.
type procLookup struct {
	known map[uint32]procInfo
	calls map[uint32]int
}

func newProcLookup() *procLookup {
	return &procLookup{known: map[uint32]procInfo{}, calls: map[uint32]int{}}
}

func (p *procLookup) lookup(pid uint32) (procInfo, bool) {
	p.calls[pid]++
	info, ok := p.known[pid]
	return info, ok
}

// source opens the mock system with the given /proc stand-in.
func (m *mockSystem) source(procs *procLookup) *nvmlSource {
	return newNVMLSource(m.lib, m.lookupSymbol, procs.lookup)
}

// lookupSymbol is the library's symbol lookup: an error for a missing
// symbol, as go-nvml's LookupSymbol gives.
func (m *mockSystem) lookupSymbol(name string) error {
	if m.missing[name] {
		return fmt.Errorf("symbol %q not found", name)
	}
	return nil
}

// processes returns a process-list answer.
func processes(list ...nvml.ProcessInfo) func() ([]nvml.ProcessInfo, nvml.Return) {
	return func() ([]nvml.ProcessInfo, nvml.Return) { return list, nvml.SUCCESS }
}

// failing returns a process-list answer that fails with ret.
func failing(ret nvml.Return) func() ([]nvml.ProcessInfo, nvml.Return) {
	return func() ([]nvml.ProcessInfo, nvml.Return) { return nil, ret }
}
