package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
)

// cardsView is the card comparison, toggled with v: every card of the
// catalogue graded empty with every model, under the selected precision,
// runtime and context: the table of `headroom cards`, in fewer columns.
// The live card's row is marked; a live GPU the catalogue does not hold is
// graded from its own memory and added. The table is worked out again only
// when the request or the live card changes.
type cardsView struct {
	common
	models []fit.Model
	specs  []fit.CardSpec // the catalogue's cards
	req    fit.Request    // what table was worked out for
	live   catalog.Card   // the card being read; its Name is "" before a sample
	done   bool
	table  fit.CardTable
	err    error
	top    int // the first row shown: j and k scroll
}

// cardsContext is the context the comparison uses: one length for every
// model, so "model max" compares at 8K.
func cardsContext(chosen int) int {
	if chosen == modelMax {
		return 8 << 10
	}
	return chosen
}

// update works the table out for r with the live card, unless it already
// is.
func (c *cardsView) update(r fit.Request, live catalog.Card) {
	r.TP = 1
	same := live.Name == c.live.Name && live.MemoryBytes == c.live.MemoryBytes && live.Unlisted == c.live.Unlisted
	if c.done && r == c.req && same {
		return
	}
	c.req, c.live, c.done = r, live, true
	specs := c.specs
	if live.Unlisted && live.MemoryBytes > 0 {
		specs = append(specs[:len(specs):len(specs)], catalog.Spec(live))
	}
	c.table, c.err = fit.CompareCards(c.models, specs, r)
}

// View draws the table into c.height lines at most.
func (c *cardsView) View() []string {
	s := c.styles
	r := c.req
	title := fmt.Sprintf("Cards, graded empty: %s · %s · %s context (v closes)", r.Precision, r.Runtime, fit.FormatContext(r.Context))
	lines := []string{s.Title.Render(title)}
	switch {
	case len(c.specs) == 0:
		return append(lines, s.Faint.Render("the card catalogue is empty"))
	case c.err != nil:
		return append(lines, s.Faint.Render("no comparison: "+c.err.Error()))
	}
	lines = append(lines, s.Faint.Render(fmt.Sprintf("  %-30s %-11s %7s %5s  %-24s %6s %7s",
		"CARD", "CLASS", "MEMORY", "FITS", "LARGEST THAT FITS", "Q32B/s", "$/GB")))
	var rows []string
	for _, row := range c.table.Rows {
		l := cardLine(row)
		if row.Card.Name == c.live.Name {
			l = s.Title.Render("▶ " + l[2:])
		}
		rows = append(rows, l)
	}
	notes := []string{"Q32B/s: estimated decode tokens/s of " + fit.ReferenceModel + " at native precision; * unified memory, not monitorable by NVML"}
	if c.live.Unlisted {
		notes = append(notes, "▶ the GPU being read is "+catalog.NotListed)
	}
	if slices.ContainsFunc(c.table.Rows, func(r fit.CardRow) bool { return r.WeightOnly }) {
		notes = append(notes, fmt.Sprintf("‡ runs %s weight-only, without its tensor cores: same memory, slower prefill", r.Precision))
	}
	// The rows scroll (j, k) in what the title, the header and the notes
	// leave; a line says which are shown when not all are.
	room := c.height - len(lines) - len(notes)
	if room < len(rows) {
		room--
	}
	room = max(room, 1)
	c.top = max(min(c.top, len(rows)-room), 0)
	end := min(c.top+room, len(rows))
	lines = append(lines, rows[c.top:end]...)
	if c.top > 0 || end < len(rows) {
		lines = append(lines, s.Faint.Render(fmt.Sprintf("  cards %d–%d of %d · j/k scroll", c.top+1, end, len(rows))))
	}
	for _, n := range notes {
		lines = append(lines, s.Faint.Render(n))
	}
	if len(lines) > c.height {
		lines = lines[:max(c.height, 0)]
	}
	return lines
}

// cardLine is one card's row; unknown figures are "-", never guessed.
func cardLine(r fit.CardRow) string {
	name := r.Card.Name
	if r.Card.Unified {
		name += " *"
	}
	if r.WeightOnly {
		name += " ‡"
	}
	largest, tps, perGB := "-", "-", "-"
	if r.Largest != "" {
		largest = r.Largest[strings.LastIndexByte(r.Largest, '/')+1:]
	}
	if r.ReferenceTokensPerS > 0 {
		tps = fmt.Sprintf("%.0f", r.ReferenceTokensPerS)
	}
	if r.PricePerGB > 0 {
		perGB = fmt.Sprintf("%.0f", r.PricePerGB)
	}
	return fmt.Sprintf("  %-30s %-11s %7s %5d  %-24s %6s %7s", clip(name, 30), r.Card.Class,
		fmt.Sprintf("%.1fG", float64(r.Card.MemoryBytes)/fit.GiB), r.FittingModels(), clip(largest, 24), tps, perGB)
}
