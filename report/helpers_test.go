package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/testcat"
	"github.com/headroom-dev/headroom/serving"
)

// catalogues loads the shipped catalogues.
func catalogues(t *testing.T) ([]fit.Model, []catalog.Card) { return testcat.Catalogues(t) }

// device is a live GPU NVML names name, with totalMiB of memory of which
// usedGiB is held by a model server and a notebook.
func device(i int, name string, totalMiB, usedGiB uint64) gpu.Device {
	total, reserved, used := totalMiB<<20, uint64(591<<20), usedGiB<<30
	d := gpu.Device{Index: i, Name: name, UUID: "GPU-test", ComputeCapability: "12.0", Architecture: "Blackwell",
		MemorySource: "v2",
		Memory: gpu.Memory{Total: gpu.Read(total), Reserved: gpu.Read(reserved), Used: gpu.Read(used),
			Free: gpu.Read(total - reserved - used)},
		UtilizationPercent: gpu.Read(41), TemperatureC: gpu.Read(58), PowerW: gpu.Read(231.0), PowerLimitW: gpu.Read(600.0),
		Processes: []gpu.Process{},
	}
	if usedGiB >= 2 {
		d.Processes = []gpu.Process{
			{PID: 4242, Name: "python3", User: "ada", Command: "vllm serve Qwen/Qwen3-30B-A3B --max-model-len 8192 --gpu-memory-utilization 0.4",
				UsedBytes: gpu.Read(used - 2<<30),
				Serving:   serving.Recognise(strings.Fields("vllm serve Qwen/Qwen3-30B-A3B --max-model-len 8192 --gpu-memory-utilization 0.4"))},
			{PID: 777, Name: "jupyter-lab", User: "grace", UsedBytes: gpu.Read(uint64(2 << 30))},
		}
	}
	return d
}

// liveSnapshot is a fixed reading of the given GPUs.
func liveSnapshot(devs ...gpu.Device) gpu.Snapshot {
	return gpu.Snapshot{Time: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), Source: gpu.KindNVML,
		DriverVersion: "580.95.05", CUDAVersion: "13.0", Devices: devs, Notes: []string{}}
}

const pro6000 = "NVIDIA RTX PRO 6000 Blackwell Workstation Edition"

// failingWriter fails every write, as a closed pipe does.
type failingWriter struct{}

var errClosed = errors.New("closed pipe")

func (failingWriter) Write([]byte) (int, error) { return 0, errClosed }
