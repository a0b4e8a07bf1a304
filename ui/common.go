package ui

// common is what every child model shares: the size the root gave it, and
// the one Styles and KeyMap of the program.
type common struct {
	width, height int
	styles        *Styles
	keys          *KeyMap
}

// SetSize records the cells a child may draw in.
func (c *common) SetSize(width, height int) {
	c.width, c.height = max(width, 0), max(height, 0)
}

// layout is how much the screen can show, chosen from the pane's size.
type layout int

const (
	// layoutTiny is one summary line, for panes too small for anything else.
	layoutTiny layout = iota
	// layoutNarrow is the selected GPU's gauge and the models that fit now.
	layoutNarrow
	// layoutCompact fits 80×24: one line per GPU, the matrix, a short detail.
	layoutCompact
	// layoutFull has the sparklines and the detail pane beside the matrix.
	layoutFull
)

// layoutFor picks the layout for a pane of width × height cells.
func layoutFor(width, height int) layout {
	switch {
	case width < 30 || height < 8:
		return layoutTiny
	case width < 64 || height < 16:
		return layoutNarrow
	case width < 110 || height < 34:
		return layoutCompact
	}
	return layoutFull
}
