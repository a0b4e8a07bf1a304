package fit

// Grade grades m under r against budget b.
func Grade(m Model, r Request, b Budget) Verdict {
	r = r.normal()
	if r.Compute == 0 {
		r.Compute = b.Compute
	}
	s, err := m.shape()
	if err != nil {
		return Verdict{Status: TooBig, Reason: err.Error()}
	}
	if err := m.RunsOn(r, r.Compute); err != nil {
		return Verdict{Status: TooBig, Reason: err.Error()}
	}
	usable := b.usable()
	limit := m.ContextLimit()
	// Past max_position_embeddings vLLM refuses to start: the most any
	// runtime serves is the model's own context, so grade at that.
	capped := limit > 0 && r.Context > limit
	if capped {
		r.Context = limit
	}
	w, err := s.weightBytes(r.Precision, r.Runtime, m.QuantizationConfig, m.WeightsBytes)
	if err != nil {
		return Verdict{Status: TooBig, Reason: err.Error()}
	}
	n, err := s.need(r, w, r.Context)
	if err != nil {
		return Verdict{Status: TooBig, Reason: err.Error()}
	}
	v := Verdict{RequiredBytes: n.total(), AtModelLimit: capped, ContextLimitUnknown: !m.ContextLimitKnown()}
	if r.Runtime == VLLM {
		pct, _ := room(VLLM, b.FreeBytes, usable, n.outside)
		v.GPUMemoryUtilization = float64(pct) / 100
	}
	fits := fitsIn(r.Runtime, &n, b.FreeBytes, usable)
	known := 0 // a context known to fit: the search starts there
	if fits {
		known = r.Context
	}
	v.MaxContext = s.maxContext(r, w, b.FreeBytes, usable, limit, known)
	switch {
	case fits:
		v.Status = Fits
		_, in := room(r.Runtime, b.FreeBytes, usable, n.outside)
		if r.Runtime == VLLM {
			v.RoomBytes = in - n.inside
		} else {
			v.RoomBytes = in - n.total()
		}
	case v.MaxContext > 0 && v.MaxContext >= minContext(limit):
		v.Status = FitsShorter
	case fitsIn(r.Runtime, &n, usable, usable):
		v.Status = NeedsFreeing
		v.ToFreeBytes = toFree(r.Runtime, &n, b.FreeBytes, usable)
	default:
		v.Status = TooBig
		v.SmallestFittingPrecision = s.firstFitting(m, r, usable)
		v.CardsNeeded = s.cardsNeeded(r, w, usable)
	}
	return v
}

// UnknownContextLimit is the context a model whose config states no
// limit is graded up to: the 4K that every model of the catalogue's era
// serves, rather than a guess that a runtime may refuse. Falcon-40B, which
// states none, was trained at 2K; most others state theirs.
const UnknownContextLimit = 4096

// ContextLimit is the longest context the model's config allows
// (max_position_embeddings), or UnknownContextLimit when the config does
// not say (ContextLimitKnown is then false).
func (m Model) ContextLimit() int {
	if n := m.text().MaxPositionEmbeddings; n > 0 {
		return n
	}
	return UnknownContextLimit
}

// ContextLimitKnown reports whether the config states the model's longest
// context.
func (m Model) ContextLimitKnown() bool { return m.text().MaxPositionEmbeddings > 0 }

// maxContext is the largest context, in steps of 256 tokens up to limit
// (or, when the limit is unknown, 1M tokens or known if longer), that fits free bytes now; 0
// when none from minContext(limit) up does. known, when not 0, is a
// context already seen to fit: the search starts from it, so that a
// request that fits never reports a shorter maximum than itself. The
// search is a bisection over at most MaxContextTokens/256 steps, and a
// need too large to compute counts as not fitting.
func (s *shape) maxContext(r Request, w int64, free, usable uint64, limit, known int) int {
	floor := minContext(limit)
	if limit <= 0 {
		limit = max(1<<20, known) // unknown: 1M tokens, or the request
	}
	limit = min(limit, MaxContextTokens)
	fits := func(ctx int) bool {
		n, err := s.need(r, w, ctx)
		return err == nil && fitsIn(r.Runtime, &n, free, usable)
	}
	lo := known
	if lo <= 0 || lo > limit {
		if !fits(floor) {
			return 0
		}
		lo = floor
	}
	if fits(limit) {
		return limit
	}
	hi := limit // lo fits; hi does not
	for hi-lo > 256 {
		mid := (lo + (hi-lo)/2) / 256 * 256
		if mid <= lo {
			mid = lo + 256
		}
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// firstFitting is the first precision, most bits first, at which m fits
// the empty card under r; "" when none does.
func (s *shape) firstFitting(m Model, r Request, usable uint64) Precision {
	for _, p := range Precisions {
		q := r
		q.Precision = p
		if m.RunsOn(q, r.Compute) != nil {
			continue
		}
		w, err := s.weightBytes(p, r.Runtime, m.QuantizationConfig, m.WeightsBytes)
		if err != nil {
			continue
		}
		n, err := s.need(q, w, r.Context)
		if err == nil && fitsIn(r.Runtime, &n, usable, usable) {
			return p
		}
	}
	return ""
}

// cardsNeeded is the fewest cards, 2, 4 or 8, over which tensor
// parallelism fits m at r's precision; 0 when 8 are not enough.
func (s *shape) cardsNeeded(r Request, w int64, usable uint64) int {
	for _, tp := range []int{2, 4, 8} {
		if tp <= r.TP || s.heads%tp != 0 {
			continue
		}
		q := r
		q.TP = tp
		n := needs{sumsOnly: true}
		if s.needInto(&n, q, w, r.Context) == nil && fitsIn(r.Runtime, &n, usable, usable) {
			return tp
		}
	}
	return 0
}
