package ui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is every style the UI draws with. NewStyles builds it once; the
// child models read it through their common struct.
//
// Colours come from the 16-colour ANSI palette, which the user's terminal
// theme maps to shades readable on its own background. Yellow, blue and the
// bright and grey shades are left out: they vanish on light or dark themes.
// Nothing is told by colour alone: every status also has its symbol, and
// the gauges use distinct characters.
type Styles struct {
	Title    lipgloss.Style // GPU names and pane titles
	Faint    lipgloss.Style // secondary text: units, legends
	Selected lipgloss.Style // the cursor's row and cell

	Fits         lipgloss.Style
	Shorter      lipgloss.Style
	NeedsFreeing lipgloss.Style
	TooBig       lipgloss.Style

	GaugeUsed     lipgloss.Style // memory in use on the gauge
	GaugeReserved lipgloss.Style // the driver's reservation
	GaugeFree     lipgloss.Style // free memory
	Sparkline     lipgloss.Style

	Weights  lipgloss.Style // the detail pane's breakdown bar
	KV       lipgloss.Style
	Overhead lipgloss.Style

	Banner lipgloss.Style // planning, demo and other plain notices
	Alert  lipgloss.Style // a watched model started or stopped fitting
	Error  lipgloss.Style // a lost GPU, a failed sample

	Help help.Styles

	paints paints // the matrix's styles, precomputed
}

// paint is a style reduced to the escape codes around its text. The
// matrix draws hundreds of cells a screen; wrapping each in two
// precomputed strings costs a fraction of a lipgloss Render.
type paint struct{ pre, post string }

// paintOf reduces a style without layout (no width, padding or border).
func paintOf(st lipgloss.Style) paint {
	const mark = "\uE000" // a private-use rune, which no style alters
	pre, post, ok := strings.Cut(st.Render(mark), mark)
	if !ok {
		return paint{}
	}
	return paint{pre, post}
}

// render wraps s in the paint.
func (p paint) render(s string) string { return p.pre + s + p.post }

// paints are the matrix's styles: each cell kind, plain and under the
// cursor, and the row and header styles.
type paints struct {
	cell                   [cellKinds][2]paint
	selected, faint, title paint
}

// NewStyles builds the UI's styles. With colour false they carry only bold,
// faint and reverse, as NO_COLOR asks.
func NewStyles(colour bool) *Styles {
	fg := func(s lipgloss.Style, c color.Color) lipgloss.Style {
		if !colour {
			return s
		}
		return s.Foreground(c)
	}
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	faint := plain.Faint(true)
	s := &Styles{
		Title:    bold,
		Faint:    faint,
		Selected: plain.Reverse(true),

		Fits:         fg(plain, lipgloss.Green),
		Shorter:      fg(plain, lipgloss.Cyan),
		NeedsFreeing: fg(plain, lipgloss.Magenta),
		TooBig:       fg(plain, lipgloss.Red),

		GaugeUsed:     fg(plain, lipgloss.Magenta),
		GaugeReserved: faint,
		GaugeFree:     fg(plain, lipgloss.Green),
		Sparkline:     fg(plain, lipgloss.Magenta),

		Weights:  fg(plain, lipgloss.Magenta),
		KV:       fg(plain, lipgloss.Cyan),
		Overhead: fg(plain, lipgloss.Red),

		Banner: fg(bold, lipgloss.Cyan),
		Alert:  bold.Reverse(true),
		Error:  fg(bold, lipgloss.Red),
	}
	for k := range cellKinds {
		st := s.cellStyle(k)
		s.paints.cell[k] = [2]paint{paintOf(st), paintOf(st.Reverse(true))}
	}
	s.paints.selected, s.paints.faint, s.paints.title = paintOf(s.Selected), paintOf(s.Faint), paintOf(s.Title)
	s.Help = help.Styles{
		ShortKey:       bold,
		ShortDesc:      plain,
		ShortSeparator: faint,
		Ellipsis:       faint,
		FullKey:        bold,
		FullDesc:       plain,
		FullSeparator:  faint,
	}
	return s
}
