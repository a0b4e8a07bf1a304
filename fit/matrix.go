package fit

import "slices"

// Matrix is the fit of every model at every precision and context for
// one runtime, KV type and TP, worked out once against the empty card.
// Overlay then grades it against the free memory of the moment, cheaply
// enough to run on every sample.
type Matrix struct {
	req        Request
	usable     uint64
	nModels    int
	precisions []Precision
	contexts   []int // ascending
	floors     []int // per model: the shortest context fits-shorter offers
	limits     []int // per model: max_position_embeddings; 0 unknown
	cells      []cell
	reasons    []string // cell.reason indexes this; reasons[0] is ""
}

// cell is one (model, precision, context) need, precomputed.
type cell struct {
	inside, outside uint64
	reason          uint16 // index in Matrix.reasons of why the runtime cannot run it; 0 when it can
	fitsEmpty       bool
	capped          bool // past the model's max_position_embeddings: graded at that maximum
	smallest        int8 // index in Precisions of the first that fits empty; -1 none
	cards           int8 // CardsNeeded at this precision
}

// NewMatrix works out the matrix for models × precisions × contexts under
// r (its runtime, KV type and TP; its precision and context are ignored)
// on a card with usable bytes. contexts are sorted ascending.
func NewMatrix(models []Model, precisions []Precision, contexts []int, r Request, usable uint64) *Matrix {
	r = r.normal()
	mx := &Matrix{req: r, usable: usable, nModels: len(models),
		precisions: slices.Clone(precisions), contexts: slices.Clone(contexts), reasons: []string{""}}
	slices.Sort(mx.contexts)
	np, nc := len(precisions), len(mx.contexts)
	mx.cells = make([]cell, len(models)*np*nc)
	var all [32]struct { // every precision's weights, for SmallestFittingPrecision
		w   int64
		err error
	}
	smallest := make([]int8, len(mx.contexts)) // per context; -2 not yet known
	for mi, m := range models {
		for i := range smallest {
			smallest[i] = -2
		}
		mx.floors = append(mx.floors, minContext(m.ContextLimit()))
		mx.limits = append(mx.limits, m.ContextLimit())
		s, err := m.shape()
		for i, p := range Precisions {
			if err == nil {
				all[i].w, all[i].err = s.weightBytes(p, r.Runtime, m.QuantizationConfig, m.WeightsBytes)
				if gerr := m.RunsOn(Request{Precision: p, Runtime: r.Runtime}, r.Compute); gerr != nil {
					all[i].err = gerr
				}
			}
		}
		for pi, p := range mx.precisions {
			q := r
			q.Precision = p
			var w int64
			werr := err
			if werr == nil {
				if k := slices.Index(Precisions, p); k >= 0 {
					w, werr = all[k].w, all[k].err // worked out above, gate included
				} else if werr = m.RunsOn(q, r.Compute); werr == nil {
					w, werr = s.weightBytes(p, r.Runtime, m.QuantizationConfig, m.WeightsBytes)
				}
			}
			for ci, ctx := range mx.contexts {
				c := &mx.cells[(mi*np+pi)*nc+ci]
				c.smallest = -1
				if lim := m.ContextLimit(); lim > 0 && ctx > lim {
					ctx, c.capped = lim, true // as Grade: at the model's own maximum
				}
				if werr != nil {
					c.reason = mx.reason(werr)
					continue
				}
				n := needs{sumsOnly: true}
				if nerr := s.needInto(&n, q, w, ctx); nerr != nil {
					c.reason = mx.reason(nerr)
					continue
				}
				c.inside, c.outside = n.inside, n.outside
				c.fitsEmpty = fitsIn(r.Runtime, &n, usable, usable)
				if !c.fitsEmpty {
					q.Context = ctx
					c.cards = int8(s.cardsNeeded(q, w, usable))
					if smallest[ci] == -2 {
						smallest[ci] = s.smallestIndex(q, all[:len(Precisions)], ctx, usable)
					}
					c.smallest = smallest[ci]
				}
			}
		}
	}
	return mx
}

// reason files err's message, once, and returns its index.
func (mx *Matrix) reason(err error) uint16 {
	msg := err.Error()
	if i := slices.Index(mx.reasons, msg); i >= 0 {
		return uint16(i)
	}
	if len(mx.reasons) == 1<<16-1 {
		return uint16(len(mx.reasons) - 1) // a catalogue with 65,535 distinct errors: reuse the last
	}
	mx.reasons = append(mx.reasons, msg)
	return uint16(len(mx.reasons) - 1)
}

// smallestIndex is the index in Precisions of the first precision whose
// weights (all[i]) fit the empty card at ctx; -1 when none does.
func (s *shape) smallestIndex(r Request, all []struct {
	w   int64
	err error
}, ctx int, usable uint64) int8 {
	for i, p := range Precisions {
		if all[i].err != nil {
			continue
		}
		q := r
		q.Precision = p
		n := needs{sumsOnly: true}
		if s.needInto(&n, q, all[i].w, ctx) == nil && fitsIn(r.Runtime, &n, usable, usable) {
			return int8(i)
		}
	}
	return -1
}

// Len is the number of cells: models × precisions × contexts.
func (mx *Matrix) Len() int { return len(mx.cells) }

// Precisions are the matrix's precisions, in the order given.
func (mx *Matrix) Precisions() []Precision { return mx.precisions }

// Contexts are the matrix's contexts, ascending.
func (mx *Matrix) Contexts() []int { return mx.contexts }

// Index is where the cell for a model, precision and context (indexes
// into the models, Precisions and Contexts) lies in Overlay's output.
func (mx *Matrix) Index(model, precision, context int) int {
	return (model*len(mx.precisions)+precision)*len(mx.contexts) + context
}

// Overlay grades every cell against free bytes, into dst, and returns it.
// It allocates nothing when dst has the capacity for Len cells. A cell's
// MaxContext is the largest of the matrix's contexts that fits now, and
// fits-shorter means a shorter one of them, no shorter than MinContext (or
// the model's whole context), fits.
func (mx *Matrix) Overlay(free uint64, dst []Verdict) []Verdict {
	if cap(dst) < len(mx.cells) {
		dst = make([]Verdict, len(mx.cells))
	}
	dst = dst[:len(mx.cells)]
	rt, usable, nc := mx.req.Runtime, mx.usable, len(mx.contexts)
	perModel := nc * len(mx.precisions)
	for row := 0; row < len(mx.cells); row += nc {
		maxCtx, floor, limit := 0, mx.floors[row/perModel], mx.limits[row/perModel]
		for ci := range nc {
			c := &mx.cells[row+ci]
			v := &dst[row+ci]
			*v = Verdict{RequiredBytes: c.inside + c.outside, AtModelLimit: c.capped}
			if c.reason != 0 {
				v.Status, v.Reason = TooBig, mx.reasons[c.reason]
				continue
			}
			pct, in := room(rt, free, usable, c.outside)
			if rt == VLLM {
				v.GPUMemoryUtilization = float64(pct) / 100
			}
			n := needs{inside: c.inside, outside: c.outside}
			switch {
			case fitsIn(rt, &n, free, usable):
				v.Status = Fits
				v.RoomBytes = in - n.inside
				if rt != VLLM {
					v.RoomBytes = in - n.total()
				}
				maxCtx = mx.contexts[ci]
				if c.capped {
					maxCtx = limit
				}
			case maxCtx > 0 && maxCtx >= floor:
				v.Status = FitsShorter
			case c.fitsEmpty:
				v.Status, v.ToFreeBytes = NeedsFreeing, toFree(rt, &n, free, usable)
			default:
				v.Status, v.CardsNeeded = TooBig, int(c.cards)
				if c.smallest >= 0 {
					v.SmallestFittingPrecision = Precisions[c.smallest]
				}
			}
		}
		for ci := range nc {
			dst[row+ci].MaxContext = maxCtx
		}
	}
	return dst
}
