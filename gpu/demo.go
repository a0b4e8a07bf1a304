package gpu

import (
	"context"
	"time"
)

// demoCycle is how long the demo scenario takes before it loops.
const demoCycle = 60 * time.Second

// demoTotal is the RTX PRO 6000 Blackwell's memory as nvidia-smi reports it
// (97,887 MiB, as printed in public nvidia-smi captures of that card).
// demoReserved is an illustrative driver reservation for the scenario.
const (
	demoTotal    = 97887 << 20
	demoReserved = 591 << 20
)

// Demo is a Source that plays a scripted, deterministic scenario on an RTX
// PRO 6000: a model server starts, loads its weights over some seconds,
// allocates its KV cache and sits there; a second job comes and goes; then
// the memory is released, and it loops. It is for screenshots, the README
// and tests, and is always labelled "demo".
type Demo struct {
	// Now is the clock; tests set it to step through the scenario.
	Now   func() time.Time
	start time.Time
}

// NewDemo starts the scenario at its beginning.
func NewDemo() *Demo {
	return &Demo{Now: time.Now, start: time.Now()}
}

// demoUsage returns the server's and the second job's bytes at t into the
// cycle.
func demoUsage(t time.Duration) (server, job uint64) {
	const weights, kv, ctxMem = 61 << 30, 18 << 30, 512 << 20
	s := t.Seconds()
	switch {
	case s < 3: // idle card
	case s < 13: // CUDA context, then weights stream in over ten seconds
		server = ctxMem + uint64(float64(weights)*(s-3)/10)
	case s < 15: // KV cache allocated in one go
		server = ctxMem + weights + kv
	default:
		server = ctxMem + weights + kv
	}
	if s >= 50 { // server stopped: memory released
		server = 0
	}
	if s >= 30 && s < 42 { // a second job comes and goes
		job = 9 << 30
	}
	return server, job
}

// Sample returns the scenario at the current moment of its cycle.
func (d *Demo) Sample(context.Context) (Snapshot, error) {
	now := d.Now()
	t := now.Sub(d.start) % demoCycle
	server, job := demoUsage(t)
	used := server + job
	dev := Device{
		Name:               "NVIDIA RTX PRO 6000 Blackwell Workstation Edition",
		UUID:               "GPU-demo0000-0000-0000-0000-000000000000",
		ComputeCapability:  "12.0",
		Architecture:       "Blackwell",
		MemorySource:       "demo",
		Memory:             Memory{Total: Read(uint64(demoTotal)), Reserved: Read(uint64(demoReserved)), Used: Read(used), Free: Read(demoTotal - demoReserved - used)},
		UtilizationPercent: Read(0),
		TemperatureC:       Read(34),
		PowerW:             Read(22.0),
		PowerLimitW:        Read(600.0),
		Processes:          []Process{},
	}
	if server > 0 {
		dev.Processes = append(dev.Processes, Process{PID: 41210, Name: "python3", User: "ada", Command: "vllm serve Qwen/Qwen3-32B --max-model-len 32768", UsedBytes: Read(server)})
		dev.UtilizationPercent, dev.TemperatureC, dev.PowerW = Read(38), Read(52), Read(214.0)
	}
	if job > 0 {
		dev.Processes = append(dev.Processes, Process{PID: 52877, Name: "python3", User: "ada", Command: "python finetune_lora.py", UsedBytes: Read(job)})
		dev.UtilizationPercent, dev.TemperatureC, dev.PowerW = Read(97), Read(71), Read(488.0)
	}
	SortProcesses(dev.Processes)
	return Snapshot{Time: now, Source: KindDemo, DriverVersion: "580.95.05", CUDAVersion: "13.0", Devices: []Device{dev}, Notes: []string{"demo: a scripted scenario, not a live reading"}}, nil
}

// Close does nothing.
func (*Demo) Close() error { return nil }
