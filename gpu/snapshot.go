package gpu

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/headroom-dev/headroom/serving"

	"github.com/headroom-dev/headroom/internal/absent"
)

// Source is anything that can be sampled for a Snapshot.
type Source interface {
	// Sample reads the card now. It may block on the driver, so callers in
	// a UI run it off the event loop.
	Sample(ctx context.Context) (Snapshot, error)
	// Close releases the driver session.
	Close() error
}

// Kind names where a Snapshot came from.
type Kind string

// The kinds of Source.
const (
	KindNVML     Kind = "nvml"
	KindPlanning Kind = "planning"
	KindDemo     Kind = "demo"
)

// Reading is a value read from the driver, or nothing when it could not be
// read. It marshals to JSON null when absent, never to a made-up zero.
type Reading[T any] struct {
	Value T
	OK    bool
}

// Read returns a present Reading.
func Read[T any](v T) Reading[T] { return Reading[T]{Value: v, OK: true} }

// MarshalJSON writes the value, or null when it is absent.
func (r Reading[T]) MarshalJSON() ([]byte, error) {
	if !r.OK {
		return []byte("null"), nil
	}
	return json.Marshal(r.Value)
}

// UnmarshalJSON reads a value; null leaves the Reading absent.
func (r *Reading[T]) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = Reading[T]{}
		return nil
	}
	r.OK = true
	return json.Unmarshal(b, &r.Value)
}

// Snapshot is one reading of every device a Source can see.
type Snapshot struct {
	Time          time.Time `json:"time"`
	Source        Kind      `json:"source"`
	DriverVersion string    `json:"driver_version,omitempty"`
	CUDAVersion   string    `json:"cuda_version,omitempty"`
	Devices       []Device  `json:"devices"`
	// Notes are one-line explanations of anything degraded, such as a
	// field the driver does not support or a missing permission.
	Notes []string `json:"notes,omitempty"`
}

// Memory is a device's memory in bytes. Used excludes Reserved, as NVML's
// v2 memory call and current nvidia-smi report it, so that
// Total = Reserved + Used + Free.
type Memory struct {
	Total    Reading[uint64] `json:"total_bytes"`
	Reserved Reading[uint64] `json:"reserved_bytes"`
	Used     Reading[uint64] `json:"used_bytes"`
	Free     Reading[uint64] `json:"free_bytes"`
}

// Usable is the memory a process could ever have on the empty card:
// total less the driver's reservation, never less than 0 (it cannot wrap).
func (m Memory) Usable() uint64 {
	if m.Reserved.Value > m.Total.Value {
		return 0
	}
	return m.Total.Value - m.Reserved.Value
}

// Device is one GPU as read at one moment. A string left empty was not
// read, and is null in JSON.
type Device struct {
	Index             int    `json:"index"`
	Name              string `json:"name"`
	UUID              string `json:"uuid"`
	ComputeCapability string `json:"compute_capability"`
	Architecture      string `json:"architecture"`
	// UnifiedMemory marks a GPU that shares system memory (such as GB10);
	// its memory figures come from the operating system, not the driver.
	UnifiedMemory bool `json:"unified_memory"`
	// MemorySource says which call the memory came from: "v2", "v1",
	// "meminfo", "catalogue" or "demo"; empty when none could be read.
	MemorySource       string           `json:"memory_source,omitempty"`
	Memory             Memory           `json:"memory"`
	UtilizationPercent Reading[int]     `json:"utilization_percent"`
	TemperatureC       Reading[int]     `json:"temperature_c"`
	PowerW             Reading[float64] `json:"power_w"`
	PowerLimitW        Reading[float64] `json:"power_limit_w"`
	Lost               bool             `json:"lost"`
	MIG                bool             `json:"mig,omitempty"`
	// Processes are sorted largest first, by memory held, those whose
	// memory could not be read last, then by PID: every Source keeps this
	// order (SortProcesses), so no reader sorts again.
	Processes []Process `json:"processes"`
	// ProcessNote explains a process list that is incomplete, for example
	// for lack of permission.
	ProcessNote string `json:"process_note,omitempty"`
}

// Process is one process holding memory on a device. A string left empty
// was not read, and is null in JSON.
type Process struct {
	PID       uint32          `json:"pid"`
	Name      string          `json:"name"`
	User      string          `json:"user"`
	Command   string          `json:"command"`
	UsedBytes Reading[uint64] `json:"used_bytes"`
	// Serving is the model server the process runs, recognised from its
	// command line; nil (JSON null) when none was.
	Serving *serving.Server `json:"serving"`
}

// MarshalJSON writes the device with unread strings as null.
func (d Device) MarshalJSON() ([]byte, error) {
	type plain Device
	return json.Marshal(struct {
		plain
		Name              *string `json:"name"`
		UUID              *string `json:"uuid"`
		ComputeCapability *string `json:"compute_capability"`
		Architecture      *string `json:"architecture"`
	}{plain(d), absent.Null(d.Name), absent.Null(d.UUID), absent.Null(d.ComputeCapability), absent.Null(d.Architecture)})
}

// MarshalJSON writes the process with unread strings as null.
func (p Process) MarshalJSON() ([]byte, error) {
	type plain Process
	return json.Marshal(struct {
		plain
		Name    *string `json:"name"`
		User    *string `json:"user"`
		Command *string `json:"command"`
	}{plain(p), absent.Null(p.Name), absent.Null(p.User), absent.Null(p.Command)})
}

// OneShotTimeout bounds the one sample a one-shot command takes: NVML
// calls cannot be interrupted, but a driver that hangs longer than this is
// reported rather than waited on. The UI samples on its own clock.
const OneShotTimeout = 10 * time.Second

// SampleOnce takes one sample of src for a one-shot command, waiting at
// most OneShotTimeout.
func SampleOnce(src Source) (Snapshot, error) {
	ctx, cancel := context.WithTimeout(context.Background(), OneShotTimeout)
	defer cancel()
	return src.Sample(ctx)
}

// SortProcesses puts processes in the order Device.Processes promises:
// largest first by memory held, those whose memory could not be read
// last, then by PID.
func SortProcesses(ps []Process) {
	slices.SortFunc(ps, func(a, b Process) int {
		if a.UsedBytes.OK != b.UsedBytes.OK {
			if a.UsedBytes.OK {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.UsedBytes.Value, a.UsedBytes.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.PID, b.PID)
	})
}
