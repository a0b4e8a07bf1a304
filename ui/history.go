package ui

import "strings"

// historyLen is how many samples each GPU's sparkline keeps: four minutes
// at the default 1 s interval, wider than any pane draws.
const historyLen = 240

// history is a bounded ring of one GPU's used-memory fractions, oldest
// first. Its memory never grows after the first historyLen samples.
type history struct {
	vals  [historyLen]float32
	next  int // where the next value goes
	count int
}

// push records one sample: used as a fraction of total, 0 to 1.
func (h *history) push(frac float64) {
	h.vals[h.next] = float32(min(max(frac, 0), 1))
	h.next = (h.next + 1) % historyLen
	h.count = min(h.count+1, historyLen)
}

// last returns the i-th most recent value (0 is the newest).
func (h *history) last(i int) float32 {
	return h.vals[(h.next-1-i+2*historyLen)%historyLen]
}

// sparkBlocks are the eight heights of a sparkline cell.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the newest width samples, oldest on the left, on a fixed
// 0–100% scale so that a flat line means flat memory.
func (h *history) sparkline(width int) string {
	n := min(width, h.count)
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(n * 3)
	for i := n - 1; i >= 0; i-- {
		idx := int(h.last(i)*float32(len(sparkBlocks)-1) + 0.5)
		b.WriteRune(sparkBlocks[idx])
	}
	return b.String()
}
