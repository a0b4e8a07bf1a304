//go:build cgo

package gpu

import (
	"fmt"
	"slices"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// valueNotAvailable is what NVML puts in a process's memory when it cannot
// tell, as always under WDDM (nvml.h: NVML_VALUE_NOT_AVAILABLE is -1, here
// read as an unsigned long long).
const valueNotAvailable = ^uint64(0)

// readMemory reads device memory. NVML's v2 call comes first: its "used"
// leaves out the driver's reservation, as nvidia-smi reports it. v1 follows
// any v2 failure, not only a missing symbol (v2 answers "Unknown Error"
// under WSL, nvitop PR #30). A device that supports neither is a
// unified-memory GPU (GB10), whose memory is the system's. Figures no card
// gives leave the memory unread for this sample (see plausible).
func (s *nvmlSource) readMemory(i int, st *deviceState, h nvml.Device, d *Device) {
	v2 := nvml.ERROR_NOT_SUPPORTED
	if st.asks(fieldMemoryV2) {
		m, ret := h.GetMemoryInfo_v2()
		if st.answer(fieldMemoryV2, ret) {
			mem := Memory{Total: Read(m.Total), Reserved: Read(m.Reserved), Used: Read(m.Used), Free: Read(m.Free)}
			if plausible(i, st, mem) {
				d.MemorySource, d.Memory = "v2", mem
				st.memNote.set("", 0, nil)
			}
			return
		}
		v2 = ret
	}
	if st.lost {
		return
	}
	v1 := nvml.ERROR_NOT_SUPPORTED
	if st.asks(fieldMemoryV1) {
		m, ret := h.GetMemoryInfo()
		if st.answer(fieldMemoryV1, ret) {
			mem := Memory{Total: Read(m.Total), Used: Read(m.Used), Free: Read(m.Free)}
			if plausible(i, st, mem) {
				d.MemorySource, d.Memory = "v1", mem
				s.v1Note(i, st, v2)
			}
			return
		}
		v1 = ret
	}
	if st.lost {
		return
	}
	if s.missing.has(fieldMemoryV1) {
		st.memNote.set("no call", 0, func() string {
			return fmt.Sprintf("GPU %d: memory cannot be read: this NVML library has no memory call (nvmlDeviceGetMemoryInfo)", i)
		})
		return
	}
	// Unified memory only when the driver answered NOT_SUPPORTED to both
	// calls: a driver without the v2 call predates the unified-memory GPUs.
	if st.unsupported.has(fieldMemoryV2) && st.unsupported.has(fieldMemoryV1) && !s.missing.has(fieldMemoryV2) {
		d.UnifiedMemory = true
		d.MemorySource = "meminfo"
		st.memNote.set("unified", 0, func() string {
			return fmt.Sprintf("GPU %d: unified memory: the driver reports none, so total and free are the system's (MemTotal, MemAvailable) and used is what the GPU's processes hold", i)
		})
		return
	}
	st.memNote.set("unreadable", v1, func() string {
		return fmt.Sprintf("GPU %d: memory cannot be read now (%s); it is asked again each sample", i, errText(v1))
	})
}

// plausible reports whether mem could be a real card's. When it cannot
// (see Memory.implausible), the device's memory is left unread, so nothing
// is graded against it, and a note names the figure. It is asked again
// next sample: a driver may give one bad reading.
func plausible(i int, st *deviceState, mem Memory) bool {
	what := mem.implausible()
	if what == "" {
		return true
	}
	st.memNote.set(what, 0, func() string {
		return fmt.Sprintf("GPU %d: NVML reports %s, which no card has, so its memory is shown as unreadable and nothing is graded against it", i, what)
	})
	return false
}

// v1Note explains memory read through the v1 call: why v2 was not used,
// and that v1's used includes the driver's reservation.
func (s *nvmlSource) v1Note(i int, st *deviceState, v2 nvml.Return) {
	if s.missing.has(fieldMemoryV2) {
		st.memNote.set("v1, no v2", 0, func() string {
			return fmt.Sprintf("GPU %d: memory from NVML's v1 call, as this driver predates the v2 call (R510), so used includes the driver's reserved memory", i)
		})
		return
	}
	st.memNote.set("v1", v2, func() string {
		return fmt.Sprintf("GPU %d: memory from NVML's v1 call (v2 answered %q), so used includes the driver's reserved memory", i, errText(v2))
	})
}

// unifiedMemory fills a unified-memory device's figures from the system's
// memory (ok is false when that could not be read). Used is the sum of its
// processes' memory, known only when every process's is.
func unifiedMemory(d *Device, sys systemMemory, ok bool) {
	if ok {
		d.Memory.Total = Read(sys.Total)
		d.Memory.Free = Read(sys.Available)
	}
	if d.ProcessNote != "" {
		return
	}
	var used uint64
	for _, p := range d.Processes {
		if !p.UsedBytes.OK {
			return
		}
		used = addCapped(used, p.UsedBytes.Value)
	}
	if used <= MaxMemoryBytes {
		d.Memory.Used = Read(used)
	}
}

// readProcesses lists the processes on the device: the compute and the
// graphics lists, one entry per PID, largest first.
func (s *nvmlSource) readProcesses(i int, st *deviceState, h nvml.Device, d *Device) {
	s.scratch = s.scratch[:0]
	failed := nvml.SUCCESS
	if st.asks(fieldCompute) {
		infos, ret := h.GetComputeRunningProcesses()
		if st.answer(fieldCompute, ret) {
			s.merge(infos)
		} else {
			failed = ret
		}
	}
	if st.asks(fieldGraphics) {
		infos, ret := h.GetGraphicsRunningProcesses()
		if st.answer(fieldGraphics, ret) {
			s.merge(infos)
		} else if failed == nvml.SUCCESS || permanent(failed) {
			failed = ret
		}
	}
	if st.lost {
		return
	}
	s.processNote(i, st, failed)
	d.ProcessNote = st.procNote.text
	if len(s.scratch) == 0 {
		return
	}
	d.Processes = make([]Process, len(s.scratch))
	for j, p := range s.scratch {
		info := s.procs.get(p.PID, s.tick)
		p.Name, p.User, p.Command, p.Serving = info.Name, info.User, info.Command, info.Serving
		d.Processes[j] = p
	}
	SortProcesses(d.Processes)
}

// processNote explains a process list that could not be read. One list
// being unsupported is normal (a compute card has no graphics list).
func (s *nvmlSource) processNote(i int, st *deviceState, failed nvml.Return) {
	switch {
	case st.unsupported.has(fieldCompute) && st.unsupported.has(fieldGraphics):
		st.procNote.set("unsupported", 0, func() string {
			return "the driver does not list processes on this GPU"
		})
	case failed == nvml.ERROR_NO_PERMISSION:
		st.procNote.set("permission", 0, func() string {
			return "no permission to list this GPU's processes (run as root to see them); the memory figures are complete"
		})
	case failed != nvml.SUCCESS && !permanent(failed):
		st.procNote.set("failed", failed, func() string {
			return fmt.Sprintf("processes cannot be listed now (%s)", errText(failed))
		})
	default:
		st.procNote.set("", 0, nil)
	}
}

// merge adds a process list to the scratch list, one entry per PID. A
// process on both lists holds one set of allocations, so the larger figure
// is kept rather than the sum.
func (s *nvmlSource) merge(infos []nvml.ProcessInfo) {
	for _, pi := range infos {
		// NVML_VALUE_NOT_AVAILABLE, and any figure no card could hold,
		// is unknown.
		var used Reading[uint64]
		if pi.UsedGpuMemory != valueNotAvailable && pi.UsedGpuMemory <= MaxMemoryBytes {
			used = Read(pi.UsedGpuMemory)
		}
		j := slices.IndexFunc(s.scratch, func(p Process) bool { return p.PID == pi.Pid })
		if j < 0 {
			s.scratch = append(s.scratch, Process{PID: pi.Pid, UsedBytes: used})
			continue
		}
		if old := s.scratch[j].UsedBytes; used.OK && (!old.OK || used.Value > old.Value) {
			s.scratch[j].UsedBytes = used
		}
	}
}
