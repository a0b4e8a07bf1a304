package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
)

// The golden screens: each mode at the three sizes the UI is built for,
// without colour so the files read as the user sees them. Refresh them
// with go test ./ui -run TestGolden -update.
func TestGolden(t *testing.T) {
	models := catalogue(t, goldenModels...)
	modes := []struct {
		name string
		snap gpu.Snapshot
	}{
		{"live", liveSnapshot(40)},
		{"planning", planningSnapshot(t)},
		{"demo", demoSnapshot(t)},
	}
	sizes := [][2]int{{120, 40}, {80, 24}, {40, 12}}
	for _, mode := range modes {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", mode.name, sz[0], sz[1]), func(t *testing.T) {
				m := newTestModel(t, models, sz[0], sz[1], mode.snap)
				golden.RequireEqual(t, screen(m))
			})
		}
	}
}

// Every size from 1×1 up draws without a panic, and no line is wider
// than the pane or past its bottom, in every mode and pane.
func TestEverySizeFits(t *testing.T) {
	models := catalogue(t)
	snaps := map[string]gpu.Snapshot{"live": liveSnapshot(70), "planning": planningSnapshot(t), "demo": demoSnapshot(t)}
	two := liveSnapshot(10)
	second := rtxPro6000(80)
	second.Index, second.UUID = 1, "GPU-test-1"
	two.Devices = append(two.Devices, second)
	snaps["two GPUs"] = two
	for name, snap := range snaps {
		t.Run(name, func(t *testing.T) {
			sweepSizes(t, newTestModel(t, models, 1, 1, snap))
		})
	}
	t.Run("empty catalogue", func(t *testing.T) {
		sweepSizes(t, newTestModel(t, nil, 1, 1, liveSnapshot(10)))
	})
	t.Run("before the first sample", func(t *testing.T) {
		sweepSizes(t, update(New(Config{Source: fixedSource{}, Models: models, NoColor: true}), tea.WindowSizeMsg{Width: 1, Height: 1}))
	})
}

// sweepSizes draws base at sizes from 1×1 to 204×64, in several panes,
// and checks every line against the size.
func sweepSizes(t *testing.T, base Model) {
	t.Helper()
	for _, keys := range [][]string{nil, {"P"}, {"?"}, {"a", "right", "right"}, {"/", "q", "w"}} {
		m := press(base, keys...)
		for w := 1; w <= 210; w += 7 {
			for h := 1; h <= 64; h += 3 {
				m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
				lines := strings.Split(m.View().Content, "\n")
				require.LessOrEqual(t, len(lines), h, "%dx%d keys %v: too many lines", w, h, keys)
				for i, l := range lines {
					require.LessOrEqual(t, ansi.StringWidth(l), w, "%dx%d keys %v line %d: %q", w, h, keys, i, l)
				}
			}
		}
	}
}

// The layout changes with the pane: a summary line, then the fitting
// models, then the matrix.
func TestLayoutBySize(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 20, 5, liveSnapshot(40))
	s := screen(m)
	assert.Equal(t, 1, strings.Count(strings.TrimRight(s, "\n"), "\n")+1, "a tiny pane gets one line: %q", s)
	assert.Contains(t, s, "GPU0 ")

	m = update(m, tea.WindowSizeMsg{Width: 40, Height: 12})
	assert.Contains(t, screen(m), "loadable now")
	assert.NotContains(t, screen(m), "MODEL")

	m = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	assert.Contains(t, screen(m), "MODEL")
	assert.Contains(t, screen(m), "context 8K · vllm")
}

// Colour is on by default and gone with NoColor; the status is told by
// its symbol either way.
func TestColourAndNoColour(t *testing.T) {
	models := catalogue(t, goldenModels...)
	for _, noColor := range []bool{false, true} {
		m := New(Config{Source: fixedSource{liveSnapshot(40)}, Models: models, Cards: cards(t), NoColor: noColor})
		m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		m = update(m, sampleMsg{snap: liveSnapshot(40)})
		raw := m.View().Content
		hasColour := strings.Contains(raw, "\x1b[32m") || strings.Contains(raw, "\x1b[3")
		assert.Equal(t, !noColor, hasColour, "NoColor %v", noColor)
		assert.Contains(t, ansi.Strip(raw), symbolFits+" ")
	}
}
