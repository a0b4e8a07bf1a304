package ui

import (
	"context"
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

// tickMsg asks for the next sample.
type tickMsg struct{}

// sample reads the source off the event loop. A driver that hangs is given
// up on after timeout; the next tick tries again.
func sample(src gpu.Source, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		snap, err := src.Sample(ctx)
		return sampleMsg{snap: snap, err: err, took: time.Since(start)}
	}
}

// minTickGap keeps a slow driver from being sampled back to back.
const minTickGap = 50 * time.Millisecond

// tick schedules the next sample one interval after the last one began:
// the time the sample took is taken off, so a 1 s interval stays 1 s. The
// next tick is only ever scheduled from a returned sample, so slow samples
// never stack up.
func tick(interval, took time.Duration) tea.Cmd {
	return tea.Tick(tickDelay(interval, took), func(time.Time) tea.Msg { return tickMsg{} })
}

// tickDelay is the wait before the next sample.
func tickDelay(interval, took time.Duration) time.Duration {
	return max(interval-took, minTickGap)
}
