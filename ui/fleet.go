package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/fleet"
)

// FleetReader reads the fleet; *fleet.Reader does, from Prometheus.
type FleetReader interface {
	Read(ctx context.Context, now time.Time) ([]fleet.GPU, error)
}

// fleetEvery is how often the fleet view reads Prometheus while it is
// shown: a few scrapes apart, for a scrape interval of a few seconds.
const fleetEvery = 5 * time.Second

// fleetMsg is one read of the fleet.
type fleetMsg struct {
	gpus []fleet.GPU
	err  error
	at   time.Time
}

// fleetTickMsg asks for the next read, if the view is still shown.
type fleetTickMsg struct{}

// readFleet reads the fleet off the event loop.
func readFleet(r FleetReader) tea.Cmd {
	return func() tea.Msg {
		now := time.Now()
		gpus, err := r.Read(context.Background(), now)
		return fleetMsg{gpus: gpus, err: err, at: now}
	}
}

// fleetView is the fleet, toggled with F: every GPU Prometheus knows,
// graded for the selected model, precision and context, where it fits now
// first, by headroom. t grades each host's GPUs together.
type fleetView struct {
	common
	address string // the server, credentials taken out
	gpus    []fleet.GPU
	err     error
	read    time.Time // when the last read was asked for
	reading bool
	tp      bool
}

// View draws the placements of r into the view's height.
func (f fleetView) View(r fleet.Request, cards []catalog.Card) []string {
	s := f.styles
	unit := "GPU"
	if f.tp {
		unit = "host"
	}
	title := fmt.Sprintf("Fleet from %s: %s · %s · %s · %s (F closes, t %s)", f.address, r.Model.Name, r.Precision, r.Runtime,
		fit.FormatContext(r.Context), map[bool]string{false: "tensor parallel per host", true: "one GPU each"}[f.tp])
	lines := []string{s.Title.Render(clip(title, f.width))}
	switch {
	case f.read.IsZero() || (f.reading && f.gpus == nil && f.err == nil):
		return append(lines, s.Faint.Render("reading the fleet from Prometheus…"))
	case f.err != nil && f.gpus == nil:
		return append(lines, s.Faint.Render(clip("no fleet: "+oneLine(f.err.Error()), f.width)))
	case len(f.gpus) == 0:
		return append(lines, s.Faint.Render("Prometheus holds no DCGM_FI_DEV_FB_* series: is dcgm-exporter or headroom serve scraped?"))
	}
	ps := fleet.Placements(f.gpus, cards, r, f.tp)
	head := fmt.Sprintf("fits on %d of %s now", fleet.FitsNow(ps), plural(len(ps), unit))
	if f.err != nil {
		head += " · last read failed: " + oneLine(f.err.Error())
	}
	lines = append(lines, clip(head, f.width))
	lines = append(lines, s.Faint.Render(fmt.Sprintf("  %-24s %-14s %10s %9s", "HOST/GPU", "STATUS", "HEADROOM", "MAX CTX")))
	for _, p := range ps {
		room, ctx := "-", "-"
		switch p.Status {
		case fleet.Status(fit.Fits.String()):
			room = fmt.Sprintf("%.1fG", float64(p.HeadroomBytes)/fit.GiB)
			ctx = fit.FormatContext(p.MaxContext)
		case fleet.Status(fit.FitsShorter.String()):
			ctx = fit.FormatContext(p.MaxContext)
		case fleet.Status(fit.NeedsFreeing.String()):
			room = fmt.Sprintf("-%.1fG", float64(p.ToFreeBytes)/fit.GiB)
		}
		where := p.Hostname + "/" + strings.Join(p.GPUs, ",")
		lines = append(lines, fmt.Sprintf("  %-24s %-14s %10s %9s", clip(where, 24), p.Status, room, ctx))
	}
	if len(lines) > f.height {
		hidden := len(lines) - f.height + 1
		lines = append(lines[:max(f.height-1, 0)], s.Faint.Render(fmt.Sprintf("  … %d more", hidden)))
	}
	return lines
}

// toggleFleet shows or hides the fleet view, reading the fleet when it
// opens.
func (m *Model) toggleFleet() tea.Cmd {
	if m.cfg.Fleet == nil {
		m.flash = "no fleet: start headroom with --prometheus URL"
		return nil
	}
	m.showFleet = !m.showFleet
	if !m.showFleet || m.fleet.reading {
		return nil
	}
	m.fleet.reading, m.fleet.read = true, time.Now()
	return readFleet(m.cfg.Fleet)
}

// takeFleet stores a read and schedules the next while the view is shown.
func (m *Model) takeFleet(msg fleetMsg) tea.Cmd {
	m.fleet.reading = false
	m.fleet.err = msg.err
	if msg.err == nil {
		m.fleet.gpus = msg.gpus
	} else {
		m.cfg.Log.Printf("fleet read failed: %v", msg.err)
	}
	if !m.showFleet {
		return nil
	}
	return tea.Tick(fleetEvery, func(time.Time) tea.Msg { return fleetTickMsg{} })
}

// fleetTick reads the fleet again if the view is still shown.
func (m *Model) fleetTick() tea.Cmd {
	if !m.showFleet || m.fleet.reading {
		return nil
	}
	m.fleet.reading, m.fleet.read = true, time.Now()
	return readFleet(m.cfg.Fleet)
}

// fleetBody is the fleet view for the selected model and precision.
func (m *Model) fleetBody(w, h int) []string {
	m.fleet.SetSize(w, h)
	i, ok := m.matrix.selected()
	if !ok {
		return []string{m.com.styles.Faint.Render("no model selected")}
	}
	md := m.cfg.Models[i]
	p := m.matrix.precision()
	r := fleet.Request{Model: md, Request: fit.Request{Precision: p, Runtime: md.RuntimeFor(p, m.sel.runtimeName()),
		Context: cardsContext(m.sel.context())}}
	return m.fleet.View(r, m.cfg.Cards)
}
