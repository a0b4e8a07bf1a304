package fakenvml

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// State is what the fake library reports. The zero value is a loaded driver
// with no GPU.
type State struct {
	DriverVersion string
	// CUDAVersion is the CUDA driver version as NVML encodes it: 13000 is
	// 13.0.
	CUDAVersion int
	// Errors makes library-wide calls fail: the key is the NVML function's
	// name without its "nvml" prefix and version suffix ("Init",
	// "DeviceGetCount", "SystemGetProcessName", "SystemGetDriverVersion",
	// "SystemGetCudaDriverVersion"), the value an NVML return code.
	Errors  map[string]int
	Devices []Device
}

// Device is one fake GPU.
type Device struct {
	Name, UUID string
	// ComputeCapability is major and minor, {12, 0} for Blackwell
	// workstation cards.
	ComputeCapability [2]int
	// Architecture is nvmlDeviceArchitecture_t: 8 Ada, 9 Hopper,
	// 10 Blackwell (nvml.h, NVML_DEVICE_ARCH_*).
	Architecture int
	// Total, Reserved and Used are the memory in bytes as NVML's v2 call
	// gives it; free is what is left. The v1 call reports Reserved+Used as
	// used, as the real library does.
	Total, Reserved, Used uint64
	// UtilizationPercent, TemperatureC, PowerMW and PowerLimitMW are
	// what the calls answer, taken as C's unsigned int: 1<<32-1 is
	// NVML_VALUE_NOT_AVAILABLE as a driver without the sensor gives it.
	UtilizationPercent    int
	TemperatureC          int
	PowerMW, PowerLimitMW int
	MIG                   bool
	// Lost makes every call on the device answer GPU_IS_LOST.
	Lost bool
	// Errors makes calls on this device fail: the key is the function's
	// name without "nvml" and version suffix ("DeviceGetMemoryInfo_v2" is
	// the one exception, to fail v2 apart from v1), the value an NVML
	// return code. Known keys: DeviceGetHandleByIndex, DeviceGetName,
	// DeviceGetUUID, DeviceGetCudaComputeCapability, DeviceGetArchitecture,
	// DeviceGetMemoryInfo, DeviceGetMemoryInfo_v2,
	// DeviceGetUtilizationRates, DeviceGetTemperature, DeviceGetPowerUsage,
	// DeviceGetEnforcedPowerLimit, DeviceGetMigMode,
	// DeviceGetComputeRunningProcesses, DeviceGetGraphicsRunningProcesses
	// (each list's key fails all its versions: v1, v2 and v3).
	Errors    map[string]int
	Processes []Process
}

// Process is one process holding memory on a fake GPU.
type Process struct {
	PID uint32
	// Used is the memory it holds in bytes, unless UsedUnavailable, which
	// reports NVML_VALUE_NOT_AVAILABLE as under WDDM.
	Used            uint64
	UsedUnavailable bool
	// Graphics puts the process on the graphics list instead of the
	// compute list; a PID may appear in both.
	Graphics bool
	// Name is what nvmlSystemGetProcessName answers for the PID, used when
	// /proc cannot see the process. It may hold any bytes but NUL.
	Name string
}

// RTXPro6000 returns an idle RTX PRO 6000 Blackwell Workstation Edition
// with the memory figures nvidia-smi shows for that card (97,887 MiB in all,
// as in public nvidia-smi captures; the reservation is illustrative).
func RTXPro6000() Device {
	return Device{
		Name:              "NVIDIA RTX PRO 6000 Blackwell Workstation Edition",
		UUID:              "GPU-4b1f7a0c-2d3e-4f50-8a6b-7c8d9e0f1a2b",
		ComputeCapability: [2]int{12, 0},
		Architecture:      10,
		Total:             97887 << 20,
		Reserved:          591 << 20,
		Used:              2 << 20,
		TemperatureC:      34,
		PowerMW:           22000,
		PowerLimitMW:      600000,
	}
}

// WriteState writes s to path so that the fake library picks it up: to a
// temporary file renamed into place, so a running program never reads half
// a file.
func WriteState(path string, s State) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*")
	if err != nil {
		return fmt.Errorf("writing fake NVML state: %w", err)
	}
	if _, err := tmp.WriteString(s.format()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("writing fake NVML state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing fake NVML state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing fake NVML state: %w", err)
	}
	return nil
}

// format writes the state file: one "key value" per line; "device" starts a
// device, and the lines after it describe that device. Free text is
// %-escaped (see escape).
func (s State) format() string {
	var b strings.Builder
	fmt.Fprintf(&b, "driver %s\ncuda %d\n", escape(s.DriverVersion), s.CUDAVersion)
	writeErrors(&b, s.Errors)
	for _, d := range s.Devices {
		b.WriteString("device\n")
		fmt.Fprintf(&b, "name %s\nuuid %s\n", escape(d.Name), escape(d.UUID))
		fmt.Fprintf(&b, "cc %d %d\narch %d\n", d.ComputeCapability[0], d.ComputeCapability[1], d.Architecture)
		fmt.Fprintf(&b, "memory %d %d %d\n", d.Total, d.Reserved, d.Used)
		fmt.Fprintf(&b, "util %d\ntemp %d\npower %d %d\n", d.UtilizationPercent, d.TemperatureC, d.PowerMW, d.PowerLimitMW)
		fmt.Fprintf(&b, "mig %d\nlost %d\n", flag(d.MIG), flag(d.Lost))
		writeErrors(&b, d.Errors)
		for _, p := range d.Processes {
			kind, used := "compute", fmt.Sprint(p.Used)
			if p.Graphics {
				kind = "graphics"
			}
			if p.UsedUnavailable {
				used = "na"
			}
			fmt.Fprintf(&b, "process %s %d %s %s\n", kind, p.PID, used, escape(p.Name))
		}
	}
	return b.String()
}

func writeErrors(b *strings.Builder, errs map[string]int) {
	fns := make([]string, 0, len(errs))
	for fn := range errs {
		fns = append(fns, fn)
	}
	sort.Strings(fns)
	for _, fn := range fns {
		fmt.Fprintf(b, "error %s %d\n", fn, errs[fn])
	}
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// escape writes %, control bytes and DEL as %XX, which the library
// decodes, so any name fits on one line.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
