package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// Config is what the UI needs from the command line.
type Config struct {
	Source   gpu.Source
	Models   []fit.Model
	Cards    []gpu.Card
	Interval time.Duration
	Context  int
	NoColor  bool
}

// Model is the root model of the terminal UI.
type Model struct {
	cfg    Config
	width  int
	height int
	snap   gpu.Snapshot
	err    error
}

// New builds the root model.
func New(cfg Config) Model {
	return Model{cfg: cfg}
}

// sampleMsg carries one snapshot, or the error that prevented it.
type sampleMsg struct {
	snap gpu.Snapshot
	err  error
}

// tickMsg asks for the next sample.
type tickMsg time.Time

// sample reads the source off the event loop.
func sample(src gpu.Source, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		snap, err := src.Sample(ctx)
		return sampleMsg{snap, err}
	}
}

// tick schedules the next sample after d.
func tick(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Init takes the first sample at once.
func (m Model) Init() tea.Cmd {
	return sample(m.cfg.Source, m.cfg.Interval)
}

// Update handles keys, resizes and samples. The next tick is scheduled only
// when a sample returns, so a slow driver never stacks up samples.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "ctrl+c":
			return m, tea.Quit
		}
	case sampleMsg:
		m.snap, m.err = msg.snap, msg.err
		return m, tick(m.cfg.Interval)
	case tickMsg:
		return m, sample(m.cfg.Source, m.cfg.Interval)
	}
	return m, nil
}

// View draws the screen.
func (m Model) View() tea.View {
	var b strings.Builder
	for _, n := range m.snap.Notes {
		b.WriteString(n + "\n")
	}
	for _, d := range m.snap.Devices {
		fmt.Fprintf(&b, "GPU %d %s  free %s of %s\n", d.Index, d.Name,
			fit.FormatGiB(d.Memory.Free.Value), fit.FormatGiB(d.Memory.Total.Value))
	}
	if m.err != nil {
		b.WriteString("sample failed: " + m.err.Error() + "\n")
	}
	fmt.Fprintf(&b, "%d models in the catalogue · context %s · q quits\n", len(m.cfg.Models), fit.FormatContext(m.cfg.Context))
	v := tea.NewView(b.String())
	v.AltScreen = true
	return v
}
