package ui

import (
	"bytes"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/fit"
)

// benchModel is the full catalogue at 200×60 with every precision shown,
// on a live reading.
func benchModel(b *testing.B) Model {
	m := newTestModel(b, catalogue(b), 200, 60, liveSnapshot(40))
	return press(m, "a")
}

// View as the renderer calls it on every frame: the screen was composed
// when the data last changed.
func BenchmarkView(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// Composing the whole screen, as a key press or a change of memory does.
func BenchmarkCompose(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		m.screen = m.compose()
	}
}

// One sample whose memory changed: overlay the matrix, check the watch,
// compose the screen.
func BenchmarkSampleChanged(b *testing.B) {
	m := benchModel(b)
	snaps := []tea.Msg{sampleMsg{snap: liveSnapshot(40)}, sampleMsg{snap: liveSnapshot(41)}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		next, _ := m.Update(snaps[i%2])
		m = next.(Model)
		i++
	}
}

// One sample that changed nothing, the common case for an idle card.
func BenchmarkSampleUnchanged(b *testing.B) {
	m := benchModel(b)
	for range historyLen {
		m = update(m, sampleMsg{snap: liveSnapshot(40)})
	}
	msg := sampleMsg{snap: liveSnapshot(40)}
	b.ReportAllocs()
	for b.Loop() {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
}

// From the catalogue's bytes to the first full screen: load the models,
// build the model (which works out the fit matrix), take the size and the
// first sample.
func BenchmarkFirstFrame(b *testing.B) {
	raw, err := os.ReadFile("../models.json")
	if err != nil {
		b.Fatal(err)
	}
	cs := cards(b)
	snap := liveSnapshot(40)
	b.ReportAllocs()
	for b.Loop() {
		models, err := fit.Load(bytes.NewReader(raw), "models.json")
		if err != nil {
			b.Fatal(err)
		}
		m := New(Config{Source: fixedSource{snap}, Models: models, Cards: cs, Interval: time.Second})
		m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		m = update(m, sampleMsg{snap: snap})
		if m.View().Content == "" {
			b.Fatal("no first frame")
		}
	}
}

// Composing with colour on, as most terminals run it.
func BenchmarkComposeColour(b *testing.B) {
	m := New(Config{Source: fixedSource{}, Models: catalogue(b), Cards: cards(b), Interval: time.Second})
	m = update(m, tea.WindowSizeMsg{Width: 200, Height: 60})
	m = update(m, sampleMsg{snap: liveSnapshot(40)})
	m = press(m, "a")
	b.ReportAllocs()
	for b.Loop() {
		m.screen = m.compose()
	}
}
