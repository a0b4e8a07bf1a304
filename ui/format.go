package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// gib writes bytes in GiB with one decimal and no unit: "15.5".
func gib(b uint64) string {
	return strconv.FormatFloat(float64(b)/fit.GiB, 'f', 1, 64)
}

// gibReading writes a memory reading as "15.5 GiB", or "n/a" when the
// driver could not read it.
func gibReading(r gpu.Reading[uint64]) string {
	if !r.OK {
		return "n/a"
	}
	return fit.FormatGiB(r.Value)
}

// gibShort writes bytes in at most six cells for a matrix cell: "8.1G",
// "61G", "1.2T".
func gibShort(b uint64) string {
	g := float64(b) / fit.GiB
	switch {
	case g < 9.95:
		return strconv.FormatFloat(g, 'f', 1, 64) + "G"
	case g < 999.5:
		return strconv.FormatFloat(g, 'f', 0, 64) + "G"
	}
	return strconv.FormatFloat(g/1024, 'f', 1, 64) + "T"
}

// fit1 cuts or pads s, which may hold ANSI styling, to exactly width cells.
func fit1(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return s + strings.Repeat(" ", width-w)
}

// clip cuts s to at most width cells, adding "…" when it cut.
func clip(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// frame joins lines into a screen of at most width × height cells: every
// line is clipped, and lines past height are dropped. It is the last step
// of every View, so no line can ever overflow the pane.
func frame(lines []string, width, height int) string {
	if height < len(lines) {
		lines = lines[:max(height, 0)]
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(clip(l, width))
	}
	return b.String()
}

// join puts parts together with sep, skipping empty ones.
func join(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
