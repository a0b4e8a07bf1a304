package ui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// key answers one key press. Any key dismisses the last alert and flash.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.com.keys
	m.alert, m.flash = "", ""
	if m.filtering {
		return m.filterKey(msg)
	}
	narrow := layoutFor(m.com.width, m.com.height) == layoutNarrow
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Dismiss) && (m.showHelp || m.showCards || m.showFleet || m.showProcs):
		// esc closes whatever is open over the matrix.
		m.showHelp, m.showCards, m.showFleet, m.showProcs = false, false, false, false
	case key.Matches(msg, k.Up) && narrow:
		m.narrowTop = max(m.narrowTop-1, 0)
	case key.Matches(msg, k.Down) && narrow:
		m.narrowTop++
	case key.Matches(msg, k.Up) && m.showCards:
		m.cards.top = max(m.cards.top-1, 0)
	case key.Matches(msg, k.Down) && m.showCards:
		m.cards.top++
	case key.Matches(msg, k.Up):
		m.matrix.move(-1)
	case key.Matches(msg, k.Down):
		m.matrix.move(1)
	case key.Matches(msg, k.Left):
		m.matrix.moveColumn(-1)
	case key.Matches(msg, k.Right):
		m.matrix.moveColumn(1)
	case key.Matches(msg, k.AllPrecisions):
		m.matrix.toggleAllPrecisions()
	case key.Matches(msg, k.Context):
		m.sel.cycleContext(1)
		m.regrade()
	case key.Matches(msg, k.ContextBack):
		m.sel.cycleContext(-1)
		m.regrade()
	case key.Matches(msg, k.Runtime):
		m.sel.runtime = (m.sel.runtime + 1) % len(fit.Runtimes)
		m.regrade()
	case key.Matches(msg, k.TensorParallel) && m.showFleet:
		m.fleet.tp = !m.fleet.tp
	case key.Matches(msg, k.TensorParallel):
		if len(m.snap.Devices) < 2 {
			m.flash = "tensor parallel needs two or more GPUs"
			return nil
		}
		m.sel.tp = !m.sel.tp
		m.regrade()
	case key.Matches(msg, k.NextGPU):
		if n := len(m.snap.Devices); n < 2 {
			m.flash = "g moves to the next GPU: there is only one"
			return nil
		}
		m.sel.gpu = (m.sel.gpu + 1) % len(m.snap.Devices)
		m.regrade()
	case key.Matches(msg, k.Sort):
		m.matrix.cycleSort()
	case key.Matches(msg, k.Filter):
		m.filtering = true
	case key.Matches(msg, k.Watch):
		return m.toggleWatch()
	case key.Matches(msg, k.Copy):
		return m.copyLaunch()
	case key.Matches(msg, k.Processes):
		m.showProcs = !m.showProcs
	case key.Matches(msg, k.Cards):
		m.showCards = !m.showCards
	case key.Matches(msg, k.Fleet):
		return m.toggleFleet()
	case key.Matches(msg, k.Mine):
		m.matrix.toggleMine()
		if m.matrix.mine {
			m.flash = "showing only the models on this machine (m shows all)"
		}
	case key.Matches(msg, k.Rescan):
		return m.startScan()
	case key.Matches(msg, k.ResetPeaks):
		m.peaks = newPeaks(time.Now())
		m.peaks.record(time.Now(), m.snap.Devices)
		m.header.peaks, m.procs.peaks = m.peaks, m.peaks
		m.flash = "peaks reset: counting from now"
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
	}
	return nil
}

// filterKey edits the name filter while it is typed: text adds to it,
// backspace takes away, enter keeps it and esc clears it.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.com.keys
	f := m.matrix.filter
	switch {
	case msg.String() == "ctrl+c":
		return tea.Quit
	case key.Matches(msg, k.Accept):
		m.filtering = false
	case key.Matches(msg, k.Dismiss):
		m.filtering = false
		f = ""
	case msg.Code == tea.KeyBackspace:
		if r := []rune(f); len(r) > 0 {
			f = string(r[:len(r)-1])
		}
	case msg.Text != "" && len([]rune(f)) < maxFilter:
		f += gpu.Clean(msg.Text)
	}
	m.matrix.setFilter(f)
	return nil
}

// maxFilter bounds the filter, which is drawn on one line.
const maxFilter = 40
