package ui

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
)

// scanMsg carries what a scan of this machine found.
type scanMsg struct {
	res  local.Result
	took time.Duration
}

// scanLocal runs the scan off the event loop.
func scanLocal(scan func() local.Result) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		res := scan()
		return scanMsg{res: res, took: time.Since(start)}
	}
}

// startScan starts a scan of this machine, unless one is running or
// scanning is off.
func (m *Model) startScan() tea.Cmd {
	if m.cfg.Scan == nil {
		m.flash = "scanning is off (--no-scan)"
		return nil
	}
	if m.scanning {
		return nil
	}
	m.scanning = true
	return scanLocal(m.cfg.Scan)
}

// takeScan merges what the scan found into the matrix: the catalogue's
// models, then the usable ones found here. The selected and watched
// models, the filter, the sort and the columns stay as they were.
func (m *Model) takeScan(msg scanMsg) {
	m.scanning = false
	m.scan = &msg.res
	m.listed = local.Merge(m.catalogue, msg.res.Models)
	models := local.Models(m.listed)
	chosen, watched := m.modelID(m.matrix.chosen), ""
	if m.watch != nil {
		watched = m.modelID(m.watch.model)
	}
	old := m.matrix
	m.cfg.Models = models
	m.matrix = newMatrix(m.com, models, m.sel.contexts)
	m.matrix.all, m.matrix.col, m.matrix.filter, m.matrix.sort, m.matrix.mine = old.all, old.col, old.filter, old.sort, old.mine
	m.matrix.local = make([]bool, len(models))
	for i, l := range m.listed {
		m.matrix.local[i] = l.Found != nil
	}
	m.matrix.chosen = slices.IndexFunc(models, func(x fit.Model) bool { return x.ID == chosen })
	if m.watch != nil {
		if i := slices.IndexFunc(models, func(x fit.Model) bool { return x.ID == watched }); i >= 0 {
			m.watch.model, m.matrix.watch = i, i
		} else {
			m.watch = nil
		}
	}
	m.regrade()
	m.matrix.arrange()
	n, partial := 0, 0
	for _, f := range msg.res.Models {
		if f.Usable() {
			n++
		} else {
			partial++
		}
	}
	m.flash = fmt.Sprintf("found %s on this machine in %s", plural(n, "model"), msg.took.Round(time.Millisecond))
	if n+partial == 0 {
		m.flash = "no model found on this machine (? lists where headroom looked)"
	}
	if partial > 0 {
		m.flash += fmt.Sprintf(" (%d more not ready; ? lists them)", partial)
	}
	m.cfg.Log.Printf("scan: %d models, %d not ready, %d places, %s", n, partial, len(msg.res.Places), msg.took)
}

// modelID is model i's id; "" for none.
func (m *Model) modelID(i int) string {
	if i < 0 || i >= len(m.cfg.Models) {
		return ""
	}
	return m.cfg.Models[i].ID
}

// foundAt is where model i was found on this machine; nil for a
// catalogue model not found here.
func (m *Model) foundAt(i int) *local.Found {
	if i < 0 || i >= len(m.listed) {
		return nil
	}
	return m.listed[i].Found
}

// placesHelp lists where the scan looked, for the help screen.
func (m *Model) placesHelp() []string {
	switch {
	case m.cfg.Scan == nil:
		return []string{"models on this machine: not scanned (--no-scan)"}
	case m.scan == nil:
		return []string{"models on this machine: scanning…"}
	}
	lines := []string{"models on this machine (M scans again, m shows only these):"}
	for _, p := range m.scan.Places {
		s := fmt.Sprintf("  %s: %d", p.Label, p.Found)
		if p.Note != "" {
			s += " (" + p.Note + ")"
		}
		lines = append(lines, s+"  "+p.Path)
	}
	for _, f := range m.scan.Models {
		switch {
		case f.Partial != "":
			lines = append(lines, "  "+f.Name+": "+f.Partial)
		case f.Problem != "":
			lines = append(lines, "  "+f.Name+": "+f.Problem)
		}
	}
	return lines
}

// plural writes n things: "1 model", "2 models".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// predictServers says what each recognised model server on the GPUs
// should hold, and marks the models that run: on a changed sample only.
func (m *Model) predictServers() {
	catalog.PredictServers(&m.snap, m.cfg.Cards, m.listed)
	running := make([]bool, len(m.cfg.Models))
	anyRunning := false
	for _, d := range m.snap.Devices {
		for _, p := range d.Processes {
			if p.Serving == nil {
				continue
			}
			if l, ok := local.Lookup(m.listed, p.Serving.Model); ok {
				if i := slices.IndexFunc(m.cfg.Models, func(x fit.Model) bool { return x.ID == l.Model.ID }); i >= 0 {
					running[i], anyRunning = true, true
					if p.Serving.PredictedBytes != nil {
						m.cfg.Log.Printf("server %d: %s; %s", p.PID, p.Serving.Label(), p.Serving.Versus(p.UsedBytes.Value, p.UsedBytes.OK))
					}
				}
			}
		}
	}
	if !anyRunning {
		running = nil
	}
	m.matrix.running = running
}

// servingModel is the server running model i, and the process; nil when
// none does.
func (m *Model) servingModel(i int) (*gpu.Process, bool) {
	if i < 0 || i >= len(m.cfg.Models) {
		return nil, false
	}
	for _, d := range m.snap.Devices {
		for pi, p := range d.Processes {
			if p.Serving == nil {
				continue
			}
			if l, ok := local.Lookup(m.listed, p.Serving.Model); ok && l.Model.ID == m.cfg.Models[i].ID {
				return &d.Processes[pi], true
			}
		}
	}
	return nil, false
}
