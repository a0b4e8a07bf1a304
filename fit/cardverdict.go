package fit

import (
	"cmp"
	"fmt"
	"slices"
)

// QuantisedRequests are the quantised runs the verdict compares decode
// speeds at: Q4_K_M under llama.cpp and FP8 under vLLM, the two most
// common ways to run a model too big for a card at 16 bits.
var QuantisedRequests = []Request{{Precision: Q4_K_M, Runtime: LlamaCpp}, {Precision: FP8, Runtime: VLLM}}

// CardVerdict judges one card of a CardTable against the others. Every
// field is taken from the table's grades.
type CardVerdict struct {
	Card CardRow
	// PriceUSD is the price the card is judged at: the one given to
	// Judge, else the catalogue's; 0 when unknown.
	PriceUSD int
	// ClassRank is the card's place among the ClassSize cards of its
	// class by fitting models (1: none fits more). ClassAhead fit more,
	// ClassTied as many; ClassCheaperPerModel cost less per fitting model
	// (known prices only).
	ClassRank, ClassSize int
	ClassAhead           []string
	ClassTied            []string
	ClassCheaperPerModel []string
	// Same are the other cards that fit exactly the same models.
	Same []CardSpec
	// Up are the cards that fit more models, grouped by what they fit,
	// fewest first: Up[0] is the next step. Down are those that fit
	// fewer, most first.
	Up, Down []CardStep
	// TooBig are the catalogue models that need more memory than the
	// empty card has at the requested context; FitsNowhere those of them
	// no card of the table holds. AtModelLimit are the models whose config
	// allows less context than requested: each is graded at its own
	// maximum, as a runtime would serve it.
	TooBig       []string
	FitsNowhere  []string
	AtModelLimit []string
	// Versus is the precision this one is set against on the judged card,
	// FP8 for those smaller than it ("" for FP8 and larger);
	// VersusGained the models that fit the empty card at this precision
	// and not at Versus.
	Versus       Precision
	VersusGained []string
	// Cheaper are the cards with a known price below PriceUSD, lowest
	// first; nil when PriceUSD is unknown.
	Cheaper []CardDiff
	// Speed lists where a quantised model decodes at least as fast as on
	// this card: on Cheaper cards, or, when PriceUSD is unknown, on every
	// card with a known price.
	Speed []CardSpeed
}

// CardStep is a group of cards that fit the same models.
type CardStep struct {
	Cards         []CardSpec // in table order
	FittingModels int
	// Changed are, a step up, the models it fits that the judged card
	// does not; a step down, those the judged card fits that it does not.
	Changed []string
	// Delta is the part of Changed the step before (nearer the judged
	// card) did not have, when Nested; all of Changed otherwise.
	Delta []string
	// Nested holds when this step changes every model the step before
	// did, so that it reads "also without" (or "also adds") Delta. A card
	// with more memory that fits fewer models (one that cannot run the
	// precision's kernels) breaks the chain.
	Nested bool
}

// CardDiff is another card set against the judged one.
type CardDiff struct {
	Card          CardSpec
	FittingModels int
	Lost          []string // fit the judged card, not this one
	Gained        []string // fit this card, not the judged one
}

// CardSpeed is a quantised run that decodes at least as fast on Card as
// on the judged card, because Card's bandwidth is at least as high.
type CardSpeed struct {
	Card    CardSpec
	Request Request
	// Models fit both cards under Request; Example is the one quoted:
	// ReferenceModel when it fits both, else the largest.
	Models                       []string
	Example                      string
	TokensPerS, JudgedTokensPerS float64
}

// Judge judges the card named name (exactly as in its CardSpec). priceUSD,
// when more than 0, is the price to judge it at in place of the
// catalogue's (what was paid).
func (t CardTable) Judge(name string, priceUSD int) (CardVerdict, error) {
	row, ok := t.Row(name)
	if !ok {
		return CardVerdict{}, fmt.Errorf("card %q is not in the comparison", name)
	}
	v := CardVerdict{Card: row, PriceUSD: cmp.Or(priceUSD, row.Card.PriceUSD)}
	t.judgeClass(&v)
	for i, m := range t.models {
		if lim := m.ContextLimit(); lim > 0 && t.Request.Context > lim {
			v.AtModelLimit = append(v.AtModelLimit, m.ID)
		}
		if row.fits[i] {
			continue
		}
		v.TooBig = append(v.TooBig, m.ID)
		if !slices.ContainsFunc(t.Rows, func(r CardRow) bool { return r.fits[i] }) {
			v.FitsNowhere = append(v.FitsNowhere, m.ID)
		}
	}
	t.judgeSteps(&v)
	t.judgeVersus(&v)
	var priced []CardSpec
	for _, r := range t.Rows {
		if r.Card.Name == name || r.Card.PriceUSD == 0 {
			continue
		}
		if v.PriceUSD == 0 {
			priced = append(priced, r.Card)
			continue
		}
		if r.Card.PriceUSD < v.PriceUSD {
			lost, gained := t.diff(row, r)
			v.Cheaper = append(v.Cheaper, CardDiff{r.Card, r.FittingModels(), lost, gained})
			priced = append(priced, r.Card)
		}
	}
	slices.SortStableFunc(v.Cheaper, func(a, b CardDiff) int { return cmp.Compare(a.Card.PriceUSD, b.Card.PriceUSD) })
	v.Speed = t.speeds(row.Card, priced)
	return v, nil
}

// judgeClass places the card among the cards of its class.
func (t CardTable) judgeClass(v *CardVerdict) {
	me := v.Card
	if me.Card.Class == "" {
		return // a card of unknown class has no rank: ClassRank and ClassSize stay 0
	}
	perModel := 0.0
	if v.PriceUSD > 0 && me.FittingModels() > 0 {
		perModel = float64(v.PriceUSD) / float64(me.FittingModels())
	}
	for _, r := range t.Rows {
		if r.Card.Class != me.Card.Class {
			continue
		}
		v.ClassSize++
		if r.Card.Name == me.Card.Name {
			continue
		}
		switch {
		case r.FittingModels() > me.FittingModels():
			v.ClassAhead = append(v.ClassAhead, r.Card.Name)
		case r.FittingModels() == me.FittingModels():
			v.ClassTied = append(v.ClassTied, r.Card.Name)
		}
		if perModel > 0 && r.PricePerModel > 0 && r.PricePerModel < perModel {
			v.ClassCheaperPerModel = append(v.ClassCheaperPerModel, r.Card.Name)
		}
	}
	v.ClassRank = len(v.ClassAhead) + 1
}

// judgeSteps groups the other cards by the models they fit: the same as
// the judged card, more (Up) or fewer (Down).
func (t CardTable) judgeSteps(v *CardVerdict) {
	me := v.Card
	byKey := map[string]int{} // fitting set → index into steps
	var steps []CardStep
	for _, r := range t.Rows {
		if r.Card.Name == me.Card.Name {
			continue
		}
		lost, gained := t.diff(me, r)
		if len(lost) == 0 && len(gained) == 0 {
			v.Same = append(v.Same, r.Card)
			continue
		}
		key := fmt.Sprint(r.fits)
		i, ok := byKey[key]
		if !ok {
			i = len(steps)
			byKey[key] = i
			changed := gained
			if r.FittingModels() < me.FittingModels() {
				changed = lost
			}
			steps = append(steps, CardStep{FittingModels: r.FittingModels(), Changed: changed})
		}
		steps[i].Cards = append(steps[i].Cards, r.Card)
	}
	for _, s := range steps {
		if s.FittingModels > me.FittingModels() {
			v.Up = append(v.Up, s)
		} else {
			v.Down = append(v.Down, s)
		}
	}
	slices.SortStableFunc(v.Up, func(a, b CardStep) int { return cmp.Compare(a.FittingModels, b.FittingModels) })
	slices.SortStableFunc(v.Down, func(a, b CardStep) int { return cmp.Compare(b.FittingModels, a.FittingModels) })
	for _, ss := range [][]CardStep{v.Up, v.Down} {
		for i := range ss {
			ss[i].Delta = ss[i].Changed
			if i == 0 || !subset(ss[i-1].Changed, ss[i].Changed) {
				continue
			}
			ss[i].Nested, ss[i].Delta = true, nil
			for _, id := range ss[i].Changed {
				if !slices.Contains(ss[i-1].Changed, id) {
					ss[i].Delta = append(ss[i].Delta, id)
				}
			}
		}
	}
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// diff lists the models a fits that b does not (lost), and the reverse.
func (t CardTable) diff(a, b CardRow) (lost, gained []string) {
	for i, m := range t.models {
		switch {
		case a.fits[i] && !b.fits[i]:
			lost = append(lost, m.ID)
		case b.fits[i] && !a.fits[i]:
			gained = append(gained, m.ID)
		}
	}
	return lost, gained
}

// speeds finds, among others, the cards on which each of
// QuantisedRequests decodes at least as fast as on card: those with at
// least its bandwidth, since the estimate is proportional to bandwidth.
func (t CardTable) speeds(card CardSpec, others []CardSpec) []CardSpeed {
	if card.BandwidthBytesPerS == 0 {
		return nil
	}
	var out []CardSpeed
	for _, q := range QuantisedRequests {
		q.Context, q.KVDType, q.TP = t.Request.Context, t.Request.KVDType, 1
		var mine []bool
		for _, o := range others {
			if o.BandwidthBytesPerS < card.BandwidthBytesPerS {
				continue
			}
			if mine == nil {
				mine = make([]bool, len(t.models))
				for i, m := range t.models {
					mine[i] = fitsEmpty(m, q, card)
				}
			}
			s := CardSpeed{Card: o, Request: q}
			best := -1
			for i, m := range t.models {
				if !mine[i] || !fitsEmpty(m, q, o) {
					continue
				}
				s.Models = append(s.Models, m.ID)
				if m.ID == ReferenceModel || best < 0 ||
					(t.models[best].ID != ReferenceModel && m.Params() > t.models[best].Params()) {
					best = i
				}
			}
			if best < 0 {
				continue
			}
			s.Example = t.models[best].ID
			s.TokensPerS = decode(t.models[best], q, o)
			s.JudgedTokensPerS = decode(t.models[best], q, card)
			out = append(out, s)
		}
	}
	return out
}

// judgeVersus sets a precision smaller than FP8 against FP8 on the judged
// card: the models the smaller one adds. Each is graded under the runtime
// that loads it (RuntimeFor), as the matrix does.
func (t CardTable) judgeVersus(v *CardVerdict) {
	p := t.Request.Precision
	if p == Native || p == BF16 || p == FP8 || p == Q8_0 || p == INT8 || p == GPTQ8 {
		return
	}
	v.Versus = FP8
	q := t.Request
	q.Precision = FP8
	q.Runtime = RuntimeFor(FP8, q.Runtime)
	for i, m := range t.models {
		if v.Card.fits[i] && !fitsEmpty(m, q, v.Card.Card) {
			v.VersusGained = append(v.VersusGained, m.ID)
		}
	}
}
