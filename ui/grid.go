package ui

import (
	"slices"

	"github.com/headroom-dev/headroom/fit"
)

// contextLadder are the contexts the engine's matrix is worked out at,
// besides the choices of the context key and each model's own limit. A
// fits-shorter cell reports the largest of them that fits now, so they
// are spaced about 1.5× apart; the detail pane gives the exact figure.
var contextLadder = []int{2 << 10, 3 << 10, 4 << 10, 6 << 10, 8 << 10, 12 << 10, 16 << 10, 24 << 10, 32 << 10,
	48 << 10, 64 << 10, 96 << 10, 128 << 10, 192 << 10, 256 << 10, 384 << 10, 512 << 10, 768 << 10, 1 << 20}

// gridKey is what the engine's matrix depends on beyond the catalogue.
type gridKey struct {
	runtime fit.Runtime
	tp      int
	usable  uint64
	compute fit.Capability
}

// grid is every model × precision verdict at the chosen context, for the
// selected GPU's free memory now. The engine's matrices are worked out
// once per runtime, tensor parallelism and card; each sample only overlays
// the free memory on them. Two runtimes are in play: the chosen one, and
// the one that loads the precisions it cannot (fit.RuntimeFor: llama.cpp
// for the GGUF types under vLLM, vLLM for fp8, int8 and awq4 under
// llama.cpp), so that no column is empty for want of a runtime.
type grid struct {
	models   []fit.Model
	contexts []int // the matrix's contexts, ascending
	key      gridKey
	mx       [2]*fit.Matrix   // [0] the chosen runtime's, [1] the other's
	overlay  [2][]fit.Verdict // reused by every Overlay
	verdicts []fit.Verdict    // row-major: a model's precisions in fit.Precisions order
	graded   bool             // a budget has been graded against
}

// otherRuntime is the runtime that loads what rt cannot.
func otherRuntime(rt fit.Runtime) fit.Runtime {
	if rt == fit.LlamaCpp {
		return fit.VLLM
	}
	return fit.LlamaCpp
}

func newGrid(models []fit.Model, chosen []int) grid {
	ctxs := slices.Clone(contextLadder)
	for _, c := range chosen {
		if c != modelMax {
			ctxs = append(ctxs, c)
		}
	}
	for _, m := range models {
		if l := m.ContextLimit(); l > 0 {
			ctxs = append(ctxs, l)
		}
	}
	slices.Sort(ctxs)
	return grid{models: models, contexts: slices.Compact(ctxs),
		verdicts: make([]fit.Verdict, len(models)*len(fit.Precisions))}
}

// at is model i's verdict at precision p.
func (g grid) at(i int, p fit.Precision) fit.Verdict {
	j := slices.Index(fit.Precisions, p)
	if !g.graded || j < 0 {
		return fit.Verdict{}
	}
	return g.verdicts[i*len(fit.Precisions)+j]
}

// grade grades every cell against budget b under the user's selection. It
// works the matrix out again only when the runtime, the tensor
// parallelism or the card changed.
func (g *grid) grade(b fit.Budget, sel selection) {
	key := gridKey{runtime: sel.runtimeName(), tp: sel.tpFor(b.GPUs), usable: usable(b), compute: b.Compute}
	if g.mx[0] == nil || key != g.key {
		for k, rt := range []fit.Runtime{key.runtime, otherRuntime(key.runtime)} {
			g.mx[k] = fit.NewMatrix(g.models, fit.Precisions, g.contexts, fit.Request{Runtime: rt, TP: key.tp, Compute: key.compute}, key.usable)
		}
		g.key = key
	}
	for k := range g.mx {
		g.overlay[k] = g.mx[k].Overlay(b.FreeBytes, g.overlay[k])
	}
	np := len(fit.Precisions)
	for i, m := range g.models {
		for j, p := range fit.Precisions {
			k := 0
			rt := m.RuntimeFor(p, key.runtime)
			if rt != key.runtime {
				k = 1
			}
			v := g.cell(k, i, j, sel.context(), m.ContextLimit())
			if v.Reason == "" && (v.Status == fit.Fits || v.Status == fit.FitsShorter) {
				// The longest context exactly, in steps of 256 as the
				// engine finds it, not the longest of the matrix's
				// columns: one number everywhere it is shown.
				r := fit.Request{Precision: p, Runtime: rt, TP: key.tp, Context: v.MaxContext}
				if exact := fit.Grade(m, r, b).MaxContext; exact >= v.MaxContext {
					v.MaxContext = exact
				}
			}
			g.verdicts[i*np+j] = v
		}
	}
	g.graded = true
}

// cell is model i's verdict at precision j and the chosen context, from
// matrix k. A context past the model's limit is graded at the limit (the
// most any runtime serves), and says so (AtModelLimit): fitting there is
// fitting, limited by the model. MaxContext is the largest matrix context
// within the limit that fits now.
func (g *grid) cell(k, i, j, chosen, limit int) fit.Verdict {
	if limit <= 0 {
		limit = g.contexts[len(g.contexts)-1]
		if chosen == modelMax {
			return fit.Verdict{Status: fit.TooBig, Reason: "the model's longest context is not known"}
		}
	}
	eff := chosen
	if chosen == modelMax || chosen > limit {
		eff = limit
	}
	mx, overlay := g.mx[k], g.overlay[k]
	v := overlay[mx.Index(i, j, slices.Index(g.contexts, eff))]
	v.MaxContext = 0
	for c := len(g.contexts) - 1; c >= 0; c-- {
		if g.contexts[c] > limit {
			continue
		}
		if w := overlay[mx.Index(i, j, c)]; w.Reason == "" && w.Status == fit.Fits {
			v.MaxContext = g.contexts[c]
			break
		}
	}
	v.AtModelLimit = chosen != modelMax && eff < chosen
	return v
}

// usable is the memory a process could have on the empty card: total less
// the driver's reservation, or the total where that is unknown.
func usable(b fit.Budget) uint64 {
	if b.UsableBytes > 0 {
		return b.UsableBytes
	}
	return b.TotalBytes
}
