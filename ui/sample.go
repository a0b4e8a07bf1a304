package ui

import (
	"context"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/gpu"
)

// sampleMsg carries one snapshot, or the error that prevented it, and how
// long the source took.
type sampleMsg struct {
	snap gpu.Snapshot
	err  error
	took time.Duration
}

// read samples the source once. A driver that hangs is given up on after
// timeout; the next sample tries again.
func read(src gpu.Source, timeout time.Duration) sampleMsg {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	snap, err := src.Sample(ctx)
	return sampleMsg{snap: snap, err: err, took: time.Since(start)}
}

// sample reads the source at once, off the event loop.
func sample(src gpu.Source, timeout time.Duration) tea.Cmd {
	return func() tea.Msg { return read(src, timeout) }
}

// sampleAfter reads the source when delay has passed: a tea.Tick whose
// message is the sample itself, so each interval costs one command and
// one trip through Update. It is only ever issued for a sample that has
// returned, so slow samples never stack up.
func sampleAfter(src gpu.Source, delay, timeout time.Duration) tea.Cmd {
	return tea.Tick(delay, func(time.Time) tea.Msg { return read(src, timeout) })
}

// minTickGap keeps a slow driver from being sampled back to back.
const minTickGap = 50 * time.Millisecond

// tickDelay is the wait before the next sample: one interval after the
// last one began, so a 1 s interval stays 1 s however long the driver
// took, and never less than minTickGap.
func tickDelay(interval, took time.Duration) time.Duration {
	return max(interval-took, minTickGap)
}

// sameDevices reports whether two readings show the same thing, so that a
// sample that changed nothing costs no redraw. It is written out rather
// than left to reflect.DeepEqual, which costs more than the sample itself.
func sameDevices(a, b []gpu.Device) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Index != y.Index || x.Name != y.Name || x.UUID != y.UUID || x.Memory != y.Memory ||
			x.ComputeCapability != y.ComputeCapability || x.Architecture != y.Architecture || x.MemorySource != y.MemorySource ||
			x.UtilizationPercent != y.UtilizationPercent || x.TemperatureC != y.TemperatureC ||
			x.PowerW != y.PowerW || x.PowerLimitW != y.PowerLimitW || x.Lost != y.Lost || x.MIG != y.MIG ||
			x.UnifiedMemory != y.UnifiedMemory || x.ProcessNote != y.ProcessNote ||
			!slices.Equal(x.Processes, y.Processes) {
			return false
		}
	}
	return true
}
