package exporter

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/headroom-dev/headroom/gpu"
)

// fixed is a source that always gives one snapshot.
type fixed struct{ snap gpu.Snapshot }

func (f fixed) Sample(context.Context) (gpu.Snapshot, error) { return f.snap, nil }
func (fixed) Close() error                                   { return nil }

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:9835": true, "localhost:9835": true, "[::1]:9835": true,
		"0.0.0.0:9835": false, ":9835": false, "10.0.0.2:9835": false, "9835": false,
	} {
		assert.Equal(t, want, Loopback(addr), addr)
	}
}

// Sample builds the page from the source on its own interval, and serves
// the driver's absence when the source cannot be opened.
func TestSampleLoop(t *testing.T) {
	ls, cards := catalogues(t)
	e := New(ls[:1], cards, Options{Hostname: "h"})
	ctx, cancel := context.WithTimeout(context.Background(), 350*time.Millisecond)
	defer cancel()
	e.Sample(ctx, func() (gpu.Source, error) { return fixed{snapshot(rtxPro(0, 0))}, nil }, 100*time.Millisecond)
	page := string(e.page.Load().metrics)
	assert.Contains(t, page, "headroom_nvml_up 1")
	assert.Contains(t, page, `headroom_gpu_up{Hostname="h"`)

	e = New(ls[:1], cards, Options{})
	ctx, cancel = context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	opened := 0
	e.Sample(ctx, func() (gpu.Source, error) { opened++; return nil, errors.New("NVML library not found") }, 50*time.Millisecond)
	assert.Equal(t, 1, opened, "a missing driver is tried again only every ReopenEvery")
	assert.True(t, strings.Contains(string(e.page.Load().metrics), "headroom_nvml_up 0"))
}
