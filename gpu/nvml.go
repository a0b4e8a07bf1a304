//go:build cgo

package gpu

import (
	"context"
	"fmt"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// NVMLAvailable reports whether this build can read a live card. It is
// false in builds without cgo, which only plan.
const NVMLAvailable = true

// DefaultNVMLLibrary is the library loaded when no path is given.
const DefaultNVMLLibrary = "libnvidia-ml.so.1"

// nvmlSource reads live cards through one NVML session kept open for the
// life of the program (re-initialising costs about 1.5 s on some drivers).
type nvmlSource struct {
	lib nvml.Interface
}

// OpenNVML loads the NVML library at path (DefaultNVMLLibrary when empty)
// and opens a session. Its error says what was tried and what to do.
func OpenNVML(path string) (Source, error) {
	if path == "" {
		path = DefaultNVMLLibrary
	}
	lib := nvml.New(nvml.WithLibraryPath(path))
	if ret := lib.Init(); ret != nvml.SUCCESS {
		return nil, initError(path, ret)
	}
	return &nvmlSource{lib: lib}, nil
}

func initError(path string, ret nvml.Return) error {
	switch ret {
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return fmt.Errorf("NVML library not found (tried %s; WSL keeps it in /usr/lib/wsl/lib, containers need the NVIDIA runtime; set --nvml-lib or HEADROOM_NVML_LIB)", path)
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return fmt.Errorf("the NVIDIA driver is not loaded (%s was found, but no kernel driver answers)", path)
	case nvml.ERROR_NO_PERMISSION:
		return fmt.Errorf("no permission to open the GPU through %s", path)
	}
	return fmt.Errorf("NVML init through %s failed: %s", path, nvml.ErrorString(ret))
}

// Sample reads every device.
func (s *nvmlSource) Sample(ctx context.Context) (Snapshot, error) {
	snap := Snapshot{Time: time.Now(), Source: KindNVML}
	if v, ret := s.lib.SystemGetDriverVersion(); ret == nvml.SUCCESS {
		snap.DriverVersion = Clean(v)
	}
	n, ret := s.lib.DeviceGetCount()
	if ret != nvml.SUCCESS {
		return snap, fmt.Errorf("counting GPUs: %s", nvml.ErrorString(ret))
	}
	for i := 0; i < n; i++ {
		d := Device{Index: i}
		h, ret := s.lib.DeviceGetHandleByIndex(i)
		if ret != nvml.SUCCESS {
			d.Lost = ret == nvml.ERROR_GPU_IS_LOST
			snap.Devices = append(snap.Devices, d)
			continue
		}
		if name, ret := h.GetName(); ret == nvml.SUCCESS {
			d.Name = Clean(name)
		}
		if m, ret := h.GetMemoryInfo_v2(); ret == nvml.SUCCESS {
			d.MemorySource = "v2"
			d.Memory = Memory{Total: Read(m.Total), Reserved: Read(m.Reserved), Used: Read(m.Used), Free: Read(m.Free)}
		} else if m, ret := h.GetMemoryInfo(); ret == nvml.SUCCESS {
			d.MemorySource = "v1"
			d.Memory = Memory{Total: Read(m.Total), Used: Read(m.Used), Free: Read(m.Free)}
		}
		snap.Devices = append(snap.Devices, d)
	}
	return snap, nil
}

// Close ends the NVML session.
func (s *nvmlSource) Close() error {
	if ret := s.lib.Shutdown(); ret != nvml.SUCCESS {
		return fmt.Errorf("closing NVML: %s", nvml.ErrorString(ret))
	}
	return nil
}
