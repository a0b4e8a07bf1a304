package ui

import (
	"fmt"
	"time"

	"github.com/headroom-dev/headroom/gpu"
)

// peaks are the highs and lows since start, or since R reset them, so
// that a spike between two glances is not lost: per GPU the most memory
// used and the least free, and per process the most it held.
type peaks struct {
	since time.Time
	gpus  map[string]*gpuPeak // by historyKey
	procs map[procKey]uint64
}

// gpuPeak is one GPU's most used and least free memory, and when.
type gpuPeak struct {
	used, free     uint64
	usedAt, freeAt time.Time
}

// procKey names a process on a GPU.
type procKey struct {
	gpu string
	pid uint32
}

// newPeaks starts counting at t.
func newPeaks(t time.Time) peaks {
	return peaks{since: t, gpus: map[string]*gpuPeak{}, procs: map[procKey]uint64{}}
}

// record takes one sample's devices, read at t.
func (p *peaks) record(t time.Time, devs []gpu.Device) {
	if p.gpus == nil {
		*p = newPeaks(t)
	}
	for _, d := range devs {
		m := d.Memory
		if d.Lost || !m.Used.OK || !m.Free.OK {
			continue
		}
		k := historyKey(d)
		g, ok := p.gpus[k]
		if !ok {
			g = &gpuPeak{used: m.Used.Value, free: m.Free.Value, usedAt: t, freeAt: t}
			p.gpus[k] = g
		}
		if m.Used.Value > g.used {
			g.used, g.usedAt = m.Used.Value, t
		}
		if m.Free.Value < g.free {
			g.free, g.freeAt = m.Free.Value, t
		}
		for _, pr := range d.Processes {
			if pk := (procKey{k, pr.PID}); pr.UsedBytes.OK && pr.UsedBytes.Value > p.procs[pk] {
				p.procs[pk] = pr.UsedBytes.Value
			}
		}
	}
	// Bounded: processes of GPUs no longer there are dropped.
	if len(p.procs) > 4096 {
		for pk := range p.procs {
			if _, ok := p.gpus[pk.gpu]; !ok {
				delete(p.procs, pk)
			}
		}
	}
}

// of is a GPU's peak; nil before its first reading.
func (p peaks) of(d gpu.Device) *gpuPeak { return p.gpus[historyKey(d)] }

// process is the most a process has held on d.
func (p peaks) process(d gpu.Device, pid uint32) uint64 { return p.procs[procKey{historyKey(d), pid}] }

// clock writes a time as the detail pane shows it.
func clock(t time.Time) string { return t.Format("15:04:05") }

// peakFigure is "peak 61.2 at 14:02:11" for the header.
func peakFigure(g *gpuPeak) string {
	if g == nil {
		return ""
	}
	return fmt.Sprintf("peak %s at %s", gib(g.used), clock(g.usedAt))
}

// GiB is a binary gigabyte.
const GiB = 1 << 30

// sampleTime is when a sample was read: its own time, or now.
func sampleTime(s gpu.Snapshot) time.Time {
	if s.Time.IsZero() {
		return time.Now()
	}
	return s.Time
}
