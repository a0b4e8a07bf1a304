package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/fleet"
)

// fakeFleet answers reads with fixed GPUs, or an error, and counts them.
type fakeFleet struct {
	gpus  []fleet.GPU
	err   error
	reads *int
}

func (f fakeFleet) Read(context.Context, time.Time) ([]fleet.GPU, error) {
	*f.reads++
	return f.gpus, f.err
}

// fleetGPU is an RTX PRO 6000 of the fleet with usedGiB taken.
func fleetGPU(host, idx string, usedGiB uint64) fleet.GPU {
	d := rtxPro6000(usedGiB)
	return fleet.GPU{Hostname: host, Index: idx, UUID: "GPU-" + host + idx, Name: d.Name,
		TotalBytes: d.Memory.Total.Value, FreeBytes: d.Memory.Free.Value, UsedBytes: d.Memory.Used.Value, ReservedBytes: d.Memory.Reserved.Value}
}

// fleetModel is a test UI with a fleet reader, the fleet view open on
// Qwen3-32B and its first read taken.
func fleetModel(t *testing.T, f fakeFleet) Model {
	t.Helper()
	m := newTestModel(t, catalogue(t), 120, 40, liveSnapshot(0))
	m.cfg.Fleet, m.fleet.address = f, "http://prom:9090"
	m = selectModel(t, m, "Qwen3-32B")
	next, cmd := m.Update(keyMsg("F"))
	m = next.(Model)
	require.NotNil(t, cmd, "F reads the fleet")
	assert.Contains(t, screen(m), "reading the fleet from Prometheus")
	return update(m, cmd())
}

// F shows where the selected model fits across the fleet, graded as the
// fit engine grades each GPU; t grades each host's GPUs together.
func TestFleetViewPlacesTheSelectedModel(t *testing.T) {
	reads := 0
	gpus := []fleet.GPU{fleetGPU("boxA", "0", 60), fleetGPU("boxB", "0", 0), fleetGPU("boxB", "1", 0), fleetGPU("boxC", "0", 0)}
	gpus[3].Stale = true
	m := fleetModel(t, fakeFleet{gpus: gpus, reads: &reads})
	assert.Equal(t, 1, reads)
	s := screen(m)
	assert.Contains(t, s, "Fleet from http://prom:9090: Qwen3-32B · native · vllm · 8K")

	models := catalogue(t)
	md, err := catalog.FindModel(models, "Qwen/Qwen3-32B")
	require.NoError(t, err)
	want := fleet.Placements(gpus, cards(t), fleet.Request{Model: md, Request: fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192}}, false)
	assert.Contains(t, s, "fits on 2 of 4 GPUs now")
	require.Equal(t, 2, fleet.FitsNow(want), "the engine agrees")
	assert.Contains(t, lineWith(m, "boxB/0"), "fits")
	assert.Contains(t, lineWith(m, "boxA/0"), "needs-freeing")
	assert.Contains(t, lineWith(m, "boxC/0"), "stale")

	m = press(m, "t")
	assert.Contains(t, screen(m), "of 3 hosts now")
	assert.Contains(t, lineWith(m, "boxB/0,1"), "fits", "boxB's two GPUs together")

	m = press(m, "F")
	assert.NotContains(t, screen(m), "Fleet from", "F closes")
	next, cmd := m.Update(fleetTickMsg{})
	assert.Nil(t, cmd, "no reads while the view is closed")
	_ = next
}

// A read that fails says so in one line, and keeps the last good fleet.
func TestFleetViewFaults(t *testing.T) {
	reads := 0
	m := fleetModel(t, fakeFleet{err: errors.New("the Prometheus server at http://prom:9090: dial tcp: connection refused"), reads: &reads})
	assert.Contains(t, screen(m), "no fleet: the Prometheus server at http://prom:9090: dial tcp: connection refused")

	m = newTestModel(t, catalogue(t), 120, 40, liveSnapshot(0))
	m = press(m, "F")
	assert.Contains(t, screen(m), "no fleet: start headroom with --prometheus URL")

	m = fleetModel(t, fakeFleet{gpus: []fleet.GPU{fleetGPU("boxA", "0", 0)}, reads: &reads})
	next, cmd := m.Update(fleetMsg{err: errors.New("timeout"), at: time.Now()})
	m = next.(Model)
	require.NotNil(t, cmd, "the next read is scheduled")
	assert.Contains(t, lineWith(m, "boxA/0"), "fits", "the last good fleet stays")
	assert.Contains(t, screen(m), "last read failed: timeout")
}
