package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/headroom-dev/headroom/fit"
)

// sortOrder is how the matrix orders its rows.
type sortOrder int

const (
	sortSize     sortOrder = iota // parameters, smallest first
	sortName                      // name, A to Z
	sortHeadroom                  // least memory needed at the chosen precision first
)

var sortNames = [...]string{"size", "name", "headroom"}

// defaultColumns are the precisions shown until the full set is asked for.
var defaultColumns = []fit.Precision{fit.Native, fit.FP8, fit.NVFP4, fit.Q4_K_M}

// matrix is the main panel: one row per catalogue model, one column per
// precision, each cell the model's status at the chosen context against
// the selected GPU's free memory now.
type matrix struct {
	common
	models  []fit.Model
	params  []int64 // each model's parameter count, for the size sort
	grid    grid    // every model × precision, graded
	rows    []int   // the models shown, filtered and sorted: indices into models
	all     bool    // every precision, not just defaultColumns
	col     int     // the selected column
	chosen  int     // the selected model, an index into models; -1 when none is shown
	offset  int     // the first row drawn
	filter  string
	sort    sortOrder
	watch   int    // the watched model, -1 for none
	local   []bool // per model: found on this machine
	running []bool // per model: a server on a GPU runs it; nil when none does
	mine    bool   // only the models found on this machine
}

// toggleMine shows only the models found on this machine, or all.
func (mx *matrix) toggleMine() {
	mx.mine = !mx.mine
	mx.arrange()
}

// isLocal reports whether model i was found on this machine.
func (mx matrix) isLocal(i int) bool { return i < len(mx.local) && mx.local[i] }

func newMatrix(c common, models []fit.Model, contexts []int) matrix {
	mx := matrix{common: c, models: models, params: make([]int64, len(models)), chosen: -1, watch: -1}
	for i, m := range models {
		mx.params[i] = m.Params()
	}
	mx.grid = newGrid(models, contexts)
	mx.arrange()
	return mx
}

// columns are the precisions drawn.
func (mx matrix) columns() []fit.Precision {
	if mx.all {
		return fit.Precisions
	}
	return defaultColumns
}

// precision is the selected column's precision.
func (mx matrix) precision() fit.Precision { return mx.columns()[mx.col] }

// verdict is a model's grade at a precision.
func (mx matrix) verdict(model int, p fit.Precision) fit.Verdict { return mx.grid.at(model, p) }

// selected is the model under the cursor, and false when no row is shown.
func (mx matrix) selected() (int, bool) { return mx.chosen, mx.chosen >= 0 }

// cursor is the selected model's row.
func (mx matrix) cursor() int { return max(slices.Index(mx.rows, mx.chosen), 0) }

// move steps the cursor by n rows.
func (mx *matrix) move(n int) {
	if len(mx.rows) == 0 {
		return
	}
	mx.chosen = mx.rows[min(max(mx.cursor()+n, 0), len(mx.rows)-1)]
	mx.scroll()
}

// moveColumn steps the selected precision by n columns.
func (mx *matrix) moveColumn(n int) {
	mx.col = min(max(mx.col+n, 0), len(mx.columns())-1)
	if mx.sort == sortHeadroom {
		mx.arrange() // headroom is the selected precision's
	}
}

// toggleAllPrecisions shows every precision or the default few, keeping
// the selected precision where it is still shown.
func (mx *matrix) toggleAllPrecisions() {
	p := mx.precision()
	mx.all = !mx.all
	mx.col = max(slices.Index(mx.columns(), p), 0)
}

// cycleSort moves to the next sort order.
func (mx *matrix) cycleSort() {
	mx.sort = (mx.sort + 1) % sortOrder(len(sortNames))
	mx.arrange()
}

// setFilter shows only the models whose name or id holds f.
func (mx *matrix) setFilter(f string) {
	mx.filter = f
	mx.arrange()
}

// arrange rebuilds the rows from the filter and the sort order, keeping
// the selected model when it is still shown.
func (mx *matrix) arrange() {
	f := strings.ToLower(mx.filter)
	mx.rows = mx.rows[:0]
	for i, m := range mx.models {
		if mx.mine && !mx.isLocal(i) {
			continue
		}
		if f == "" || strings.Contains(strings.ToLower(m.Name), f) || strings.Contains(strings.ToLower(m.ID), f) {
			mx.rows = append(mx.rows, i)
		}
	}
	p := mx.precision()
	slices.SortStableFunc(mx.rows, func(a, b int) int {
		switch mx.sort {
		case sortName:
			return strings.Compare(strings.ToLower(mx.models[a].Name), strings.ToLower(mx.models[b].Name))
		case sortHeadroom:
			va, vb := mx.verdict(a, p), mx.verdict(b, p)
			if gradable(va) != gradable(vb) {
				return boolOrder(gradable(va))
			}
			return cmp.Compare(va.RequiredBytes, vb.RequiredBytes)
		}
		return cmp.Compare(mx.params[a], mx.params[b])
	})
	switch {
	case len(mx.rows) == 0:
		mx.chosen = -1
	case !slices.Contains(mx.rows, mx.chosen):
		mx.chosen = mx.rows[0]
	}
	mx.scroll()
}

// SetSize records the panel's size and keeps the cursor in view.
func (mx *matrix) SetSize(width, height int) {
	mx.common.SetSize(width, height)
	mx.scroll()
}

// scroll moves the window of drawn rows so that the cursor is in it.
func (mx *matrix) scroll() {
	visible := max(mx.height-1, 1)
	c := mx.cursor()
	mx.offset = min(max(mx.offset, c-visible+1), c)
	mx.offset = max(min(mx.offset, len(mx.rows)-visible), 0)
}

// nameWidth is the width of the model column.
func (mx matrix) nameWidth() int {
	w := 10
	for _, i := range mx.rows {
		w = max(w, ansi.StringWidth(mx.models[i].Name)+3) // the watch mark and a space
	}
	return min(w, 30, max(mx.width-cellWidth*len(mx.columns()), 12))
}

// View draws the header row and as many model rows as fit the height.
func (mx matrix) View() []string {
	s := mx.styles
	cols := mx.columns()
	nameW := mx.nameWidth()
	// When the columns do not all fit, draw a window of them around the
	// selected one.
	fitCols := max((mx.width-nameW)/cellWidth, 1)
	first := min(max(mx.col-fitCols+1, 0), max(len(cols)-fitCols, 0))
	last := min(first+fitCols, len(cols))

	title := "MODEL"
	if n := len(mx.rows); n > mx.height-1 {
		title = fmt.Sprintf("MODEL %d–%d of %d", mx.offset+1, min(mx.offset+mx.height-1, n), n)
	}
	var b strings.Builder
	b.WriteString(s.paints.faint.render(fit1(title, nameW)))
	for c := first; c < last; c++ {
		p := s.paints.faint
		if c == mx.col {
			p = s.paints.title
		}
		b.WriteString(p.render(fit1(string(cols[c]), cellWidth)))
	}
	lines := []string{b.String()}
	switch {
	case len(mx.models) == 0:
		return append(lines, s.Faint.Render("the model catalogue is empty"))
	case len(mx.rows) == 0 && mx.mine && mx.filter == "":
		return append(lines, s.Faint.Render("no model found on this machine yet (m shows all)"))
	case len(mx.rows) == 0:
		return append(lines, s.Faint.Render("no model matches the filter "+fmt.Sprintf("%q", mx.filter)))
	}
	for r := mx.offset; r < len(mx.rows) && len(lines) < mx.height; r++ {
		lines = append(lines, mx.row(mx.rows[r], nameW, first, last))
	}
	return lines
}

// row draws one model's line.
func (mx matrix) row(i, nameW, first, last int) string {
	s := mx.styles
	cols := mx.columns()
	mark := "  "
	switch {
	case i == mx.watch:
		mark = "◆ "
	case i < len(mx.running) && mx.running[i]:
		mark = "▸ " // running on a GPU now
	case mx.isLocal(i):
		mark = "• " // on this machine
	}
	var b strings.Builder
	name := fit1(mark+mx.models[i].Name, nameW-1) + " "
	if i == mx.chosen {
		name = s.paints.selected.render(name)
	}
	b.WriteString(name)
	for c := first; c < last; c++ {
		if !mx.grid.graded {
			b.WriteString(fit1("…", cellWidth))
			continue
		}
		v := mx.verdict(i, cols[c])
		sel := 0
		if i == mx.chosen && c == mx.col {
			sel = 1
		}
		b.WriteString(s.paints.cell[kindOf(v)][sel].render(fit1(cellText(v), cellWidth-1)))
		b.WriteByte(' ')
	}
	return b.String()
}

// loadable is a model that can be loaded now, at the precision it would
// best be loaded at.
type loadable struct {
	model     int
	precision fit.Precision
}

// fitting returns the shown models that can be loaded now, for the narrow
// layout: each at the first of the shown precisions (most bits first) at
// which it fits, or failing that fits at a shorter context.
func (mx matrix) fitting() []loadable {
	var out []loadable
	for _, i := range mx.rows {
		best := fit.Precision("")
		for _, p := range mx.columns() {
			v := mx.verdict(i, p)
			if !gradable(v) {
				continue
			}
			if v.Status == fit.Fits {
				best = p
				break
			}
			if v.Status == fit.FitsShorter && best == "" {
				best = p
			}
		}
		if best != "" {
			out = append(out, loadable{i, best})
		}
	}
	return out
}

// boolOrder sorts true before false.
func boolOrder(first bool) int {
	if first {
		return -1
	}
	return 1
}
