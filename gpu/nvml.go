//go:build cgo

package gpu

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// NVMLAvailable reports whether this build can read a live card. It is
// false in builds without cgo, which only plan.
const NVMLAvailable = true

// nvmlSource reads live cards through one NVML session kept open for the
// life of the program (re-initialising costs about 1.5 s on some drivers).
// What a device cannot answer is remembered, so a field the driver lacks is
// asked once, and what stays the same (names, UUIDs, process names) is read
// once; a sample then costs one call per changing figure. Nothing slow
// (such as PCIe throughput, at least 20 ms a call) is ever read.
type nvmlSource struct {
	mu  sync.Mutex
	lib nvml.Interface
	// missing holds the fields whose functions the library does not
	// export (see fieldSymbols): they are never called.
	missing fieldSet
	// driver and cuda are the versions, read once when the session opens.
	driver, cuda string
	devs         []deviceState
	procs        *procCache
	// procNames is false once the driver has said it cannot name
	// processes.
	procNames bool
	// meminfo reads the system's memory, for unified-memory GPUs.
	meminfo func() (systemMemory, error)
	// tick counts samples; the process cache forgets PIDs not seen in the
	// latest one.
	tick uint64
	// scratch is reused by every sample to merge process lists.
	scratch []Process
}

// newNVMLSource wraps an initialised NVML session. symbols looks up a
// symbol in the loaded library (nil when it is exported), so that no
// function the library lacks is ever called; lookup reads a process from
// /proc.
func newNVMLSource(lib nvml.Interface, symbols func(string) error, lookup func(uint32) (procInfo, bool)) *nvmlSource {
	s := &nvmlSource{lib: lib, missing: missingFields(symbols)}
	s.procNames = !s.missing.has(fieldProcessName)
	s.meminfo = func() (systemMemory, error) { return readMeminfo("/proc/meminfo") }
	s.procs = newProcCache(lookup, s.processName)
	if !s.missing.has(fieldDriverVersion) {
		if v, ret := lib.SystemGetDriverVersion(); ret == nvml.SUCCESS {
			s.driver = Clean(v)
		}
	}
	s.cuda = s.cudaVersion()
	return s
}

// cudaVersion reads the CUDA driver version through the newest call the
// library has; "" when it has none or cannot tell.
func (s *nvmlSource) cudaVersion() string {
	v, ret := 0, nvml.ERROR_FUNCTION_NOT_FOUND
	switch {
	case !s.missing.has(fieldCUDAVersionV2):
		v, ret = s.lib.SystemGetCudaDriverVersion_v2()
	case !s.missing.has(fieldCUDAVersionV1):
		v, ret = s.lib.SystemGetCudaDriverVersion()
	}
	if ret != nvml.SUCCESS || v <= 0 {
		return ""
	}
	// NVML encodes CUDA 13.0 as 13000 (nvml.h, NVML_CUDA_DRIVER_VERSION_MAJOR).
	return fmt.Sprintf("%d.%d", v/1000, v%1000/10)
}

// processName asks the driver for a process's name, for PIDs that /proc
// cannot see.
func (s *nvmlSource) processName(pid uint32) (string, bool) {
	if !s.procNames {
		return "", false
	}
	name, ret := s.lib.SystemGetProcessName(int(pid))
	if permanent(ret) {
		s.procNames = false
	}
	return name, ret == nvml.SUCCESS
}

// maxDevices is more GPUs than any machine holds. A larger count is the
// driver's garbage, and is refused rather than allocated for.
const maxDevices = 1024

// tooManyDevices says that the driver counts n GPUs, which cannot be.
func tooManyDevices(n int) error {
	return fmt.Errorf("counting GPUs: the driver reports %d, more than any machine holds", n)
}

// errText is an NVML return code as words. The text comes from the loaded
// library, so it is cleaned like anything else from outside.
func errText(ret nvml.Return) string {
	return Clean(nvml.ErrorString(ret))
}

// permanent reports whether an answer means the field will never be
// readable on this device: the driver or the card does not support it.
func permanent(ret nvml.Return) bool {
	return ret == nvml.ERROR_NOT_SUPPORTED || ret == nvml.ERROR_FUNCTION_NOT_FOUND
}

// Sample reads every device. A device that fails (even a lost one) is shown
// as such while the others are read; only a failure to count the devices
// fails the sample.
func (s *nvmlSource) Sample(ctx context.Context) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ret := s.lib.DeviceGetCount()
	if ret != nvml.SUCCESS {
		return Snapshot{}, fmt.Errorf("counting GPUs: %s", errText(ret))
	}
	if n > maxDevices {
		return Snapshot{}, tooManyDevices(n)
	}
	snap := Snapshot{Time: time.Now(), Source: KindNVML, DriverVersion: s.driver, CUDAVersion: s.cuda}
	if n != len(s.devs) {
		if s.devs != nil {
			snap.Notes = append(snap.Notes, fmt.Sprintf("the number of GPUs changed from %d to %d", len(s.devs), n))
		}
		// Indexes may now point at other cards: forget what was learnt.
		s.devs = make([]deviceState, n)
	}
	s.tick++
	snap.Devices = make([]Device, n)
	var sys systemMemory
	var sysRead, sysOK bool
	for i := range snap.Devices {
		d := &snap.Devices[i]
		s.readDevice(i, d)
		if d.UnifiedMemory {
			if !sysRead {
				var err error
				sys, err = s.meminfo()
				sysRead, sysOK = true, err == nil
				if err != nil {
					snap.Notes = append(snap.Notes, err.Error())
				}
			}
			unifiedMemory(d, sys, sysOK)
		}
		snap.Notes = s.devs[i].appendNotes(snap.Notes)
	}
	s.procs.sweep(s.tick)
	return snap, nil
}

// Close ends the NVML session.
func (s *nvmlSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ret := s.lib.Shutdown(); ret != nvml.SUCCESS {
		return fmt.Errorf("closing NVML: %s", errText(ret))
	}
	return nil
}
