package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/headroom-dev/headroom/gpu"
)

// When every GPU goes away mid-run, the screen says the driver reports
// none, at every size, rather than waiting for a first sample forever.
func TestAllGPUsVanishing(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}, {40, 12}, {20, 3}} {
		m := newTestModel(t, catalogue(t, goldenModels...), size[0], size[1], liveSnapshot(40))
		assert.NotContains(t, screen(m), "no GPU")
		m = update(m, sampleMsg{snap: gpu.Snapshot{Source: gpu.KindNVML, Devices: []gpu.Device{}}})
		s := screen(m)
		assert.NotContains(t, s, "waiting for the first sample", "at %dx%d", size[0], size[1])
		assert.Contains(t, s, "no GPU", "at %dx%d", size[0], size[1])
	}
}

// A MIG card is not graded as a whole: a model must fit one instance.
func TestMIGCardIsNotGradedAsAWhole(t *testing.T) {
	snap := liveSnapshot(10)
	snap.Devices[0].MIG = true
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, snap)
	_, err := m.budget()
	assert.ErrorContains(t, err, "MIG")
	assert.NotContains(t, lineWith(m, "Qwen3-32B"), "✓", "no model is shown fitting a MIG card")
	assert.Contains(t, screen(m), "not graded: GPU 0 has MIG on")
}
