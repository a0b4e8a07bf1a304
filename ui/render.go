package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// compose draws the whole screen for the current size and state. It runs
// in Update, only when something changed; View returns its result.
func (m *Model) compose() string {
	w, h := m.com.width, m.com.height
	if w <= 0 || h <= 0 {
		return ""
	}
	var lines []string
	switch l := layoutFor(w, h); l {
	case layoutTiny:
		lines = []string{m.summary()}
	case layoutNarrow:
		lines = m.narrow(w, h)
	default:
		lines = m.wide(w, h, l == layoutFull)
	}
	return frame(lines, w, h)
}

// wide is the compact (80×24) and full layouts: notices, GPUs, the status
// line, the matrix with the detail or processes pane, and the key help.
func (m *Model) wide(w, h int, full bool) []string {
	limit := 2
	if full {
		limit = 4
	}
	banners := m.banners(limit)
	m.header.full, m.header.selected = full, m.sel.gpu
	m.header.SetSize(w, max(h/3, 1))
	lines := append(banners, m.header.View()...)
	lines = append(lines, m.statusLine(w))
	bodyH := h - len(lines) - 1
	body := m.body(w, bodyH, full)
	body = append(body, make([]string, max(bodyH-len(body), 0))...)
	return append(append(lines, body...), m.footer(w))
}

// body is the matrix and the pane beside or below it, or the full help.
func (m *Model) body(w, h int, full bool) []string {
	if h <= 0 {
		return nil
	}
	if m.showHelp {
		m.help.SetWidth(w)
		lines := strings.Split(m.help.FullHelpView(m.com.keys.FullHelp()), "\n")
		lines = append(lines, "", m.com.styles.Faint.Render("esc or ? closes this help"), "")
		for _, l := range m.placesHelp() {
			lines = append(lines, m.com.styles.Faint.Render(clip(oneLine(l), w)))
		}
		return lines
	}
	if m.showFleet {
		return m.fleetBody(w, h)
	}
	if m.showCards {
		return m.cardsBody(w, h)
	}
	natural := 30 + cellWidth*len(m.matrix.columns())
	if full {
		mw := min(natural, w*6/10)
		if pw := w - mw - 3; pw >= 70 {
			m.matrix.SetSize(mw, h)
			return beside(m.matrix.View(), m.pane(pw, h), mw, m.com.styles.Faint.Render(" │ "))
		}
	}
	paneH := min(9, h/2)
	if h < 8 {
		paneH = 0
	}
	m.matrix.SetSize(w, h-paneH)
	lines := m.matrix.View()
	lines = append(lines, make([]string, max(h-paneH-len(lines), 0))...)
	if paneH > 0 {
		lines = append(lines, m.pane(w, paneH)...)
	}
	return lines
}

// cardsBody is the card comparison under the selected precision, runtime
// and context, with the card being read marked.
func (m *Model) cardsBody(w, h int) []string {
	p := m.matrix.precision()
	var live catalog.Card
	if d, ok := m.deviceOK(); ok {
		live = catalog.ForDevice(m.cfg.Cards, d)
	}
	m.cards.update(fit.Request{Precision: p, Runtime: fit.RuntimeFor(p, m.sel.runtimeName()),
		Context: cardsContext(m.sel.context())}, live)
	m.cards.SetSize(w, h)
	return m.cards.View()
}

// pane is the detail pane, or the processes panel when it is toggled on.
func (m *Model) pane(w, h int) []string {
	if m.showProcs {
		m.procs.device = m.device()
		m.procs.SetSize(w, h)
		return m.procs.View()
	}
	m.detail.SetSize(w, h)
	return m.detail.View(m.focus())
}

// beside puts two columns of lines side by side, the left one padded to
// width lw.
func beside(left, right []string, lw int, sep string) []string {
	n := max(len(left), len(right))
	out := make([]string, n)
	for i := range n {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = fit1(l, lw) + sep + r
	}
	return out
}

// borrowedLabel names the shown columns the chosen runtime cannot load,
// and the runtime they are graded under instead: " (q4_k_m: llama.cpp)";
// more than two are named by kind, so that the line stays short.
func (m *Model) borrowedLabel() string {
	rt := m.sel.runtimeName()
	var ps []string
	for _, p := range m.matrix.columns() {
		if fit.RuntimeFor(p, rt) != rt {
			ps = append(ps, string(p))
		}
	}
	switch {
	case len(ps) == 0:
		return ""
	case len(ps) > 2 && rt == fit.LlamaCpp:
		ps = []string{"non-GGUF"}
	case len(ps) > 2:
		ps = []string{"GGUF"}
	}
	return " (" + strings.Join(ps, ", ") + ": " + string(otherRuntime(rt)) + ")"
}

// statusLine shows what the fit is computed for (context, runtime, GPUs,
// precision, sort, filter) and the legend of the cells.
func (m *Model) statusLine(w int) string {
	s := m.com.styles
	st := join(" · ",
		s.Title.Render("context "+m.sel.contextLabel()),
		s.Title.Render(string(m.sel.runtimeName()))+m.borrowedLabel(),
		m.sel.tpLabel(len(m.snap.Devices)),
		"sort "+sortNames[m.matrix.sort],
	)
	if m.matrix.filter != "" || m.filtering {
		st += " · filter " + fmt.Sprintf("%q", m.matrix.filter)
	}
	for _, wide := range []bool{true, false} {
		lg := legend(s, wide)
		if gap := w - ansi.StringWidth(st) - ansi.StringWidth(lg); gap >= 2 {
			return st + strings.Repeat(" ", gap) + lg
		}
	}
	return st
}

// footer is the key help, or the filter being typed.
func (m *Model) footer(w int) string {
	m.help.SetWidth(w)
	if m.filtering {
		return "/" + m.matrix.filter + "▏  " + m.help.ShortHelpView(m.com.keys.filterHelp())
	}
	return m.help.ShortHelpView(m.com.keys.ShortHelp())
}

// narrow is the layout for small panes: one notice, the selected GPU's
// gauge, and the models that can be loaded now.
func (m *Model) narrow(w, h int) []string {
	s := m.com.styles
	lines := m.banners(1)
	if d, ok := m.deviceOK(); ok {
		m.header.SetSize(w, 1)
		m.header.selected = m.sel.gpu
		lines = append(lines, m.header.line(m.sel.gpu, d))
	} else {
		lines = append(lines, m.header.noDevice())
	}
	if m.showHelp {
		return append(lines, m.narrowHelp(w, h-len(lines))...)
	}
	lines = append(lines, s.Faint.Render(m.modeTag()+fmt.Sprintf("loadable now · %s · %s:", m.sel.contextLabel(), m.sel.runtimeName())))
	ok := m.matrix.fitting()
	if len(ok) == 0 && m.matrix.grid.graded {
		lines = append(lines, s.Faint.Render("nothing fits in the free memory now"))
	}
	// j and k scroll the list; the last line says how.
	m.narrowTop = max(min(m.narrowTop, len(ok)-1), 0)
	shown := 0
	for n := m.narrowTop; n < len(ok) && len(lines) < h-1; n++ {
		l := ok[n]
		v := m.matrix.verdict(l.model, l.precision)
		lines = append(lines, statusStyle(s, v).Render(fit1(cellText(v), cellWidth-1))+" "+
			m.matrix.models[l.model].Name+" "+s.Faint.Render(string(l.precision)))
		shown++
	}
	more := ""
	if m.narrowTop > 0 || m.narrowTop+shown < len(ok) {
		more = fmt.Sprintf("%d–%d of %d · j/k scroll · ", m.narrowTop+1, m.narrowTop+shown, len(ok))
	}
	return append(lines, s.Faint.Render(clip(more+"? keys · q quit", w)))
}

// narrowHelp is the keys, one a line, for a small pane.
func (m *Model) narrowHelp(w, h int) []string {
	lines := []string{m.com.styles.Title.Render("keys (? or esc closes, q quits)")}
	for _, col := range m.com.keys.FullHelp() {
		for _, k := range col {
			if len(lines) >= h {
				return lines
			}
			lines = append(lines, clip(fmt.Sprintf("%-7s %s", k.Help().Key, k.Help().Desc), w))
		}
	}
	return lines
}

// modeTag marks a screen that is not a live reading, for the layouts too
// small for the banner: "planning · " or "demo · ".
func (m *Model) modeTag() string {
	switch m.snap.Source {
	case gpu.KindPlanning:
		return "planning · "
	case gpu.KindDemo:
		return "demo · "
	}
	return ""
}

// summary is the one line a very small pane gets.
func (m *Model) summary() string {
	d, ok := m.deviceOK()
	switch {
	case !ok && m.sampled:
		return "headroom: no GPU"
	case !ok:
		return "headroom: waiting"
	}
	return m.modeTag() + fmt.Sprintf("GPU%d %s/%sG free · %d fit", d.Index, short(d.Memory.Free), short(d.Memory.Total), len(m.matrix.fitting()))
}
