package ui

import (
	"strconv"

	"charm.land/lipgloss/v2"

	"github.com/headroom-dev/headroom/fit"
)

// Status symbols: every status is told by its symbol as well as its colour.
const (
	symbolFits         = "✓"
	symbolShorter      = "◐"
	symbolNeedsFreeing = "!"
	symbolTooBig       = "✗"
	symbolNA           = "·"
	// markModelLimit follows the room in a cell graded at the model's own
	// maximum context, shorter than the one asked: it fits, limited by the
	// model, not by memory.
	markModelLimit = "ᵐ"
)

// cellWidth is the cells one matrix column takes, a space included.
const cellWidth = 9

// gradable reports whether the engine could grade the request at all (a
// precision the runtime cannot load cannot).
func gradable(v fit.Verdict) bool { return v.Reason == "" }

// cellText is a verdict in at most eight cells: its symbol, then the room
// left (fits), the longest context that fits (fits-shorter), what must be
// freed (needs-freeing) or what it needs (too-big).
func cellText(v fit.Verdict) string {
	if !gradable(v) {
		return symbolNA + " n/a"
	}
	switch v.Status {
	case fit.Fits:
		if v.AtModelLimit {
			return symbolFits + " " + gibShort(v.RoomBytes) + markModelLimit
		}
		return symbolFits + " " + gibShort(v.RoomBytes)
	case fit.FitsShorter:
		return symbolShorter + " " + contextShort(v.MaxContext)
	case fit.NeedsFreeing:
		return symbolNeedsFreeing + " " + gibShort(v.ToFreeBytes)
	}
	return symbolTooBig + " " + gibShort(v.RequiredBytes)
}

// cellKind sorts verdicts by how they are drawn.
type cellKind int

const (
	kindFits cellKind = iota
	kindShorter
	kindNeedsFreeing
	kindTooBig
	kindNA
	cellKinds
)

// kindOf is the way a verdict is drawn.
func kindOf(v fit.Verdict) cellKind {
	if !gradable(v) {
		return kindNA
	}
	switch v.Status {
	case fit.Fits:
		return kindFits
	case fit.FitsShorter:
		return kindShorter
	case fit.NeedsFreeing:
		return kindNeedsFreeing
	}
	return kindTooBig
}

// cellStyle is the colour of a kind of verdict.
func (s *Styles) cellStyle(k cellKind) lipgloss.Style {
	return [cellKinds]lipgloss.Style{s.Fits, s.Shorter, s.NeedsFreeing, s.TooBig, s.Faint}[k]
}

// statusStyle is the colour of a verdict.
func statusStyle(s *Styles, v fit.Verdict) lipgloss.Style { return s.cellStyle(kindOf(v)) }

// statusWords is a verdict in words, for the detail pane.
func statusWords(v fit.Verdict) string {
	if !gradable(v) {
		return symbolNA + " cannot be graded: " + v.Reason
	}
	switch v.Status {
	case fit.Fits:
		if v.AtModelLimit {
			return symbolFits + " fits at its whole " + fit.FormatContext(v.MaxContext) + " context (the model's maximum), " +
				fit.FormatGiB(v.RoomBytes) + " to spare"
		}
		return symbolFits + " fits, " + fit.FormatGiB(v.RoomBytes) + " to spare"
	case fit.FitsShorter:
		return symbolShorter + " fits now only up to " + fit.FormatContext(v.MaxContext) + " context"
	case fit.NeedsFreeing:
		return symbolNeedsFreeing + " needs " + fit.FormatGiB(v.ToFreeBytes) + " freed first"
	}
	w := symbolTooBig + " too big: needs " + fit.FormatGiB(v.RequiredBytes)
	if v.SmallestFittingPrecision != "" {
		w += "; " + string(v.SmallestFittingPrecision) + " fits the empty card"
	}
	if v.CardsNeeded > 0 {
		w += "; " + strconv.Itoa(v.CardsNeeded) + " cards with tensor parallel"
	}
	return w
}

// legend explains the cells in one line.
func legend(s *Styles, wide bool) string {
	if !wide {
		return s.Fits.Render(symbolFits+" room") + " " + s.Shorter.Render(symbolShorter+" max ctx") + " " +
			s.NeedsFreeing.Render(symbolNeedsFreeing+" to free") + " " + s.TooBig.Render(symbolTooBig+" needs")
	}
	return s.Fits.Render(symbolFits+" fits (room left)") + "  " + s.Shorter.Render(symbolShorter+" fits shorter (max context)") + "  " +
		s.NeedsFreeing.Render(symbolNeedsFreeing+" free memory first (to free)") + "  " + s.TooBig.Render(symbolTooBig+" too big (needs)") +
		"  " + markModelLimit + " at the model's own max context"
}

// contextShort is fit.FormatContext: one notation and one rounding
// (down) in the cells, the detail pane and the commands.
func contextShort(n int) string { return fit.FormatContext(n) }
