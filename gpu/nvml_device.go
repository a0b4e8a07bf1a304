//go:build cgo

package gpu

import (
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// field is one thing read from the library or a device, for remembering
// which ones it cannot give.
type field uint8

// The fields: the library's first, then each device's.
const (
	fieldDriverVersion field = iota
	fieldCUDAVersionV2
	fieldCUDAVersionV1
	fieldProcessName
	fieldName
	fieldUUID
	fieldCapability
	fieldArchitecture
	fieldMemoryV2
	fieldMemoryV1
	fieldUtilization
	fieldTemperature
	fieldPower
	fieldPowerLimit
	fieldMIG
	fieldCompute
	fieldGraphics
)

// fieldSet is a set of fields.
type fieldSet uint32

func (s fieldSet) has(f field) bool { return s&(1<<f) != 0 }
func (s *fieldSet) add(f field)     { *s |= 1 << f }

// deviceState is what the source remembers about one device between
// samples.
type deviceState struct {
	// handle is the device's handle when static was read; a new handle
	// means another card, and everything is read again.
	handle nvml.Device
	// static holds what does not change while the card is in: name, UUID,
	// compute capability, architecture. known marks the static fields
	// read.
	static Device
	known  fieldSet
	// unsupported marks fields the device answered NOT_SUPPORTED or
	// FUNCTION_NOT_FOUND, or whose functions the library lacks: never
	// asked again.
	unsupported fieldSet
	// lost is set when the device answered GPU_IS_LOST during the current
	// sample; it is asked again on the next.
	lost bool
	// notes explains, in one line each, what is degraded on this device
	// in the current sample. They are rebuilt only when their cause
	// changes, so a steady state costs no formatting.
	memNote, procNote, stateNote note
}

// note is a cached one-line explanation and the cause it was built for.
type note struct {
	cause nvml.Return
	kind  string
	text  string
}

// set keeps the note for (kind, cause), building its text only when the
// cause changed. An empty kind clears it.
func (n *note) set(kind string, cause nvml.Return, build func() string) {
	if kind == "" {
		*n = note{}
		return
	}
	if n.kind != kind || n.cause != cause {
		*n = note{kind: kind, cause: cause, text: build()}
	}
}

// appendNotes adds the device's current notes to notes.
func (st *deviceState) appendNotes(notes []string) []string {
	for _, n := range [...]*note{&st.stateNote, &st.memNote} {
		if n.text != "" {
			notes = append(notes, n.text)
		}
	}
	return notes
}

// asks reports whether field f is worth asking now.
func (st *deviceState) asks(f field) bool { return !st.lost && !st.unsupported.has(f) }

// answer records the driver's answer to a question about f and reports
// whether it gave a value.
func (st *deviceState) answer(f field, ret nvml.Return) bool {
	switch {
	case ret == nvml.SUCCESS:
		return true
	case permanent(ret):
		st.unsupported.add(f)
	case ret == nvml.ERROR_GPU_IS_LOST:
		st.lost = true
	}
	return false
}

// readDevice fills d with device i as it is now.
func (s *nvmlSource) readDevice(i int, d *Device) {
	st := &s.devs[i]
	st.lost = false
	d.Index = i
	d.Processes = []Process{}
	h, ret := s.lib.DeviceGetHandleByIndex(i)
	if ret != nvml.SUCCESS {
		st.lost = ret == nvml.ERROR_GPU_IS_LOST
		s.unreadable(i, st, d, ret)
		return
	}
	if h != st.handle {
		*st = deviceState{handle: h, unsupported: s.missing}
	}
	s.readStatic(st, h)
	d.Name, d.UUID = st.static.Name, st.static.UUID
	d.ComputeCapability, d.Architecture = st.static.ComputeCapability, st.static.Architecture
	s.readMemory(i, st, h, d)
	s.readTelemetry(st, h, d)
	s.readProcesses(i, st, h, d)
	if st.lost {
		s.unreadable(i, st, d, nvml.ERROR_GPU_IS_LOST)
		return
	}
	if !d.MIG {
		st.stateNote.set("", 0, nil)
		return
	}
	st.stateNote.set("mig", 0, func() string {
		return fmt.Sprintf("GPU %d: MIG is on: memory and processes belong to its instances; the figures shown are the whole card's, and a model must fit one instance", i)
	})
}

// unreadable shows device i as lost or failing: the static facts remembered
// from earlier samples, and every reading absent.
func (s *nvmlSource) unreadable(i int, st *deviceState, d *Device, ret nvml.Return) {
	*d = Device{Index: i, Name: st.static.Name, UUID: st.static.UUID, ComputeCapability: st.static.ComputeCapability,
		Architecture: st.static.Architecture, Lost: ret == nvml.ERROR_GPU_IS_LOST, Processes: []Process{}}
	st.memNote.set("", 0, nil)
	st.stateNote.set("unreadable", ret, func() string {
		if ret == nvml.ERROR_GPU_IS_LOST {
			return fmt.Sprintf("GPU %d is lost (the driver answers GPU_IS_LOST; it may need a reset); the other GPUs keep updating", i)
		}
		return fmt.Sprintf("GPU %d cannot be read: %s", i, errText(ret))
	})
}

// readStatic reads the facts that do not change, once each.
func (s *nvmlSource) readStatic(st *deviceState, h nvml.Device) {
	if !st.known.has(fieldName) && st.asks(fieldName) {
		if v, ret := h.GetName(); st.answer(fieldName, ret) {
			st.static.Name = Clean(v)
			st.known.add(fieldName)
		}
	}
	if !st.known.has(fieldUUID) && st.asks(fieldUUID) {
		if v, ret := h.GetUUID(); st.answer(fieldUUID, ret) {
			st.static.UUID = Clean(v)
			st.known.add(fieldUUID)
		}
	}
	if !st.known.has(fieldCapability) && st.asks(fieldCapability) {
		// A driver that cannot tell answers -1.-1 (NVML_VALUE_NOT_AVAILABLE,
		// nvml.h): known, and left empty.
		if major, minor, ret := h.GetCudaComputeCapability(); st.answer(fieldCapability, ret) {
			if major >= 0 && minor >= 0 {
				st.static.ComputeCapability = fmt.Sprintf("%d.%d", major, minor)
			}
			st.known.add(fieldCapability)
		}
	}
	if !st.known.has(fieldArchitecture) && st.asks(fieldArchitecture) {
		if a, ret := h.GetArchitecture(); st.answer(fieldArchitecture, ret) {
			st.static.Architecture = architectureName(a)
			st.known.add(fieldArchitecture)
		}
	}
}

// architectureName names an NVML architecture code (nvml.h,
// NVML_DEVICE_ARCH_*); unknown codes give "".
func architectureName(a nvml.DeviceArchitecture) string {
	switch a {
	case nvml.DEVICE_ARCH_KEPLER:
		return "Kepler"
	case nvml.DEVICE_ARCH_MAXWELL:
		return "Maxwell"
	case nvml.DEVICE_ARCH_PASCAL:
		return "Pascal"
	case nvml.DEVICE_ARCH_VOLTA:
		return "Volta"
	case nvml.DEVICE_ARCH_TURING:
		return "Turing"
	case nvml.DEVICE_ARCH_AMPERE:
		return "Ampere"
	case nvml.DEVICE_ARCH_ADA:
		return "Ada Lovelace"
	case nvml.DEVICE_ARCH_HOPPER:
		return "Hopper"
	case nvml.DEVICE_ARCH_BLACKWELL:
		return "Blackwell"
	case nvml.DEVICE_ARCH_RUBIN:
		return "Rubin"
	}
	return ""
}

// notAvailable32 is NVML_VALUE_NOT_AVAILABLE (nvml.h: -1) in an unsigned
// int: what a driver without the sensor may give as a reading. Such a
// reading is absent, never shown as 4294967295.
const notAvailable32 = ^uint32(0)

// readTelemetry reads utilisation, temperature, power and MIG mode.
func (s *nvmlSource) readTelemetry(st *deviceState, h nvml.Device, d *Device) {
	if st.asks(fieldUtilization) {
		// A percentage of time (nvml.h, nvmlUtilization_t): anything
		// above 100, notAvailable32 included, is no reading.
		if u, ret := h.GetUtilizationRates(); st.answer(fieldUtilization, ret) && u.Gpu <= 100 {
			d.UtilizationPercent = Read(int(u.Gpu))
		}
	}
	if st.asks(fieldTemperature) {
		if t, ret := h.GetTemperature(nvml.TEMPERATURE_GPU); st.answer(fieldTemperature, ret) && t != notAvailable32 {
			d.TemperatureC = Read(int(t))
		}
	}
	// NVML gives power in milliwatts (nvml.h, nvmlDeviceGetPowerUsage).
	if st.asks(fieldPower) {
		if mw, ret := h.GetPowerUsage(); st.answer(fieldPower, ret) && mw != notAvailable32 {
			d.PowerW = Read(float64(mw) / 1000)
		}
	}
	if st.asks(fieldPowerLimit) {
		if mw, ret := h.GetEnforcedPowerLimit(); st.answer(fieldPowerLimit, ret) && mw != notAvailable32 {
			d.PowerLimitW = Read(float64(mw) / 1000)
		}
	}
	if st.asks(fieldMIG) {
		if current, _, ret := h.GetMigMode(); st.answer(fieldMIG, ret) {
			d.MIG = current == nvml.DEVICE_MIG_ENABLE
		}
	}
}
