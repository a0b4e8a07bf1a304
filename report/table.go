package report

import (
	"bytes"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// table is a text table that fits a width: when its rows are wider, it
// leaves out columns in the order of their drop rank (lowest first), then
// shortens the clippable ones, and says which were left out. Width 0 (a
// pipe, a file) keeps every column.
type table struct {
	heads []string
	drop  []int  // per column: 0 never dropped; 1 dropped first, then 2, …
	clip  []bool // per column: may be shortened with "…"
	rows  [][]string
}

// column adds a column.
func (t *table) column(head string, drop int, clip bool) {
	t.heads, t.drop, t.clip = append(t.heads, head), append(t.drop, drop), append(t.clip, clip)
}

// row adds a row, one cell per column.
func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the table to w in at most width cells a line, and returns
// the heads of the columns it left out.
func (t *table) write(w *page, width int) (left []string) {
	keep := make([]bool, len(t.heads))
	for i := range keep {
		keep[i] = true
	}
	ranks := slices.Clone(t.drop)
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	clipTo := 0 // 0: no clipping
	for {
		out := t.render(keep, clipTo)
		if width <= 0 || widest(out) <= width {
			w.Write(out)
			return left
		}
		dropped := false
		for _, r := range ranks {
			if r == 0 {
				continue
			}
			for i := range keep {
				if keep[i] && t.drop[i] == r {
					keep[i], dropped = false, true
					left = append(left, t.heads[i])
				}
			}
			if dropped {
				break
			}
		}
		if dropped {
			continue
		}
		// Nothing left to drop: shorten the clippable columns, down to 12.
		if clipTo == 0 {
			clipTo = 40
		}
		if clipTo <= 12 {
			w.Write(out)
			return left
		}
		clipTo -= 4
	}
}

// render lays the kept columns out, clipping clippable cells to clipTo.
func (t *table) render(keep []bool, clipTo int) []byte {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	line := func(cells []string) {
		var kept []string
		for i, c := range cells {
			if !keep[i] {
				continue
			}
			if clipTo > 0 && t.clip[i] && utf8.RuneCountInString(c) > clipTo {
				c = string([]rune(c)[:clipTo-1]) + "…"
			}
			kept = append(kept, c)
		}
		tw.Write([]byte(strings.Join(kept, "\t") + "\n"))
	}
	line(t.heads)
	for _, r := range t.rows {
		line(r)
	}
	tw.Flush() // into a bytes.Buffer: cannot fail
	return b.Bytes()
}

// widest is the longest line of text, in runes.
func widest(text []byte) int {
	n := 0
	for _, l := range bytes.Split(text, []byte("\n")) {
		n = max(n, utf8.RuneCount(l))
	}
	return n
}
