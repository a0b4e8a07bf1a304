package ui

import (
	"slices"
	"strconv"

	"github.com/headroom-dev/headroom/fit"
)

// modelMax stands for each model's own longest context in the context list.
const modelMax = 0

// defaultContexts are the contexts c and C cycle through.
var defaultContexts = []int{4 << 10, 8 << 10, 32 << 10, 128 << 10, modelMax}

// selection is the user's choices that the fit is computed for.
type selection struct {
	contexts []int // tokens; modelMax is each model's maximum
	ctx      int   // index into contexts
	runtime  int   // index into fit.Runtimes
	tp       bool  // split each model over every GPU
	gpu      int   // index into the snapshot's devices
}

// newSelection starts at the given context, adding it to the cycle when it
// is not one of the defaults; 0 starts at 8K.
func newSelection(start int) selection {
	if start <= 0 {
		start = 8 << 10
	}
	ctxs := slices.Clone(defaultContexts)
	i := slices.Index(ctxs, start)
	if i < 0 {
		ctxs = append(ctxs[:len(ctxs)-1], start, modelMax)
		slices.Sort(ctxs[:len(ctxs)-1])
		i = slices.Index(ctxs, start)
	}
	return selection{contexts: ctxs, ctx: i}
}

// context is the chosen context, or modelMax.
func (s selection) context() int { return s.contexts[s.ctx] }

// contextLabel names the chosen context: "32K", or "model max".
func (s selection) contextLabel() string {
	if c := s.context(); c != modelMax {
		return fit.FormatContext(c)
	}
	return "model max"
}

// cycleContext moves through the contexts, forward or back.
func (s *selection) cycleContext(step int) {
	n := len(s.contexts)
	s.ctx = ((s.ctx+step)%n + n) % n
}

// runtimeName is the chosen runtime.
func (s selection) runtimeName() fit.Runtime { return fit.Runtimes[s.runtime] }

// tpFor is how many GPUs a model is split over, given how many there are.
func (s selection) tpFor(gpus int) int {
	if s.tp && gpus > 1 {
		return gpus
	}
	return 1
}

// tpLabel describes tensor parallelism for the status line.
func (s selection) tpLabel(gpus int) string {
	if n := s.tpFor(gpus); n > 1 {
		return "TP " + strconv.Itoa(n)
	}
	return "1 GPU"
}
