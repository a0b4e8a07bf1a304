package main

import "github.com/headroom-dev/headroom/fit"

// cardsReport is what `headroom cards --json` prints. Unknown figures are
// null, never 0.
type cardsReport struct {
	Precision      fit.Precision   `json:"precision"`
	Runtime        fit.Runtime     `json:"runtime"`
	Context        int             `json:"context"`
	CatalogueSize  int             `json:"catalogue_models"`
	ReferenceModel *string         `json:"reference_model"`
	Cards          []cardJSON      `json:"cards"`
	Verdict        cardVerdictJSON `json:"verdict"`
}

// cardJSON is one row of the table.
type cardJSON struct {
	Name               string   `json:"name"`
	Class              string   `json:"class"`
	MemoryBytes        uint64   `json:"memory_bytes"`
	BandwidthBytesPerS *uint64  `json:"bandwidth_bytes_per_s"`
	LaunchPriceUSD     *int     `json:"launch_price_usd"`
	UnifiedMemory      bool     `json:"unified_memory"`
	NVMLMonitorable    bool     `json:"nvml_monitorable"`
	FittingModels      int      `json:"fitting_models"`
	FittingIDs         []string `json:"fitting_ids"`
	LargestFitting     *string  `json:"largest_fitting"`
	ReferenceTPS       *float64 `json:"reference_tokens_per_s"`
	LargestTPS         *float64 `json:"largest_tokens_per_s"`
	PricePerGB         *float64 `json:"price_per_gb_usd"`
	PricePerModel      *float64 `json:"price_per_fitting_model_usd"`
}

// cardVerdictJSON is the verdict: the judged card's row, then how it
// compares.
type cardVerdictJSON struct {
	cardJSON
	ChosenBy             string          `json:"chosen_by"`
	Note                 *string         `json:"note"`
	PriceUSD             *int            `json:"price_usd"`
	PriceFrom            *string         `json:"price_from"`
	ClassRank            int             `json:"class_rank"`
	ClassSize            int             `json:"class_size"`
	ClassAhead           []string        `json:"class_ahead"`
	ClassTied            []string        `json:"class_tied"`
	ClassCheaperPerModel []string        `json:"class_cheaper_per_model"`
	SameModelsOn         []string        `json:"same_models_on"`
	Cheaper              []cardDiffJSON  `json:"cheaper_cards"`
	NextStep             *cardStepJSON   `json:"next_step"`
	StepsUp              []cardStepJSON  `json:"steps_up"`
	StepsDown            []cardStepJSON  `json:"steps_down"`
	NeedMoreMemory       []string        `json:"need_more_memory"`
	FitsNoCard           []string        `json:"fits_no_card"`
	ContextTooLong       []string        `json:"context_too_long"`
	QuantisedAsFast      []cardSpeedJSON `json:"quantised_as_fast"`
}

// cardDiffJSON is a cheaper card set against the judged one.
type cardDiffJSON struct {
	Name           string   `json:"name"`
	LaunchPriceUSD int      `json:"launch_price_usd"`
	FittingModels  int      `json:"fitting_models"`
	SameModels     bool     `json:"same_models"`
	Lost           []string `json:"lost"`
	Gained         []string `json:"gained"`
}

// cardStepJSON is a group of cards that fit the same models.
type cardStepJSON struct {
	Cards         []stepCardJSON `json:"cards"`
	FittingModels int            `json:"fitting_models"`
	// Models are those gained (a step up) or lost (down) against the
	// judged card; New, those the step before did not already gain or lose.
	Models []string `json:"models"`
	New    []string `json:"new"`
}

type stepCardJSON struct {
	Name           string   `json:"name"`
	Class          string   `json:"class"`
	MemoryBytes    uint64   `json:"memory_bytes"`
	LaunchPriceUSD *int     `json:"launch_price_usd"`
	ReferenceTPS   *float64 `json:"reference_tokens_per_s"`
}

// cardSpeedJSON is a quantised run at least as fast on a cheaper card.
type cardSpeedJSON struct {
	Name               string        `json:"name"`
	LaunchPriceUSD     int           `json:"launch_price_usd"`
	BandwidthBytesPerS uint64        `json:"bandwidth_bytes_per_s"`
	Precision          fit.Precision `json:"precision"`
	Runtime            fit.Runtime   `json:"runtime"`
	Models             []string      `json:"models"`
	Example            string        `json:"example"`
	TokensPerS         float64       `json:"tokens_per_s"`
	JudgedTokensPerS   float64       `json:"judged_tokens_per_s"`
}

// cardsReportOf builds the JSON report from the table and the verdict.
func cardsReportOf(t fit.CardTable, v fit.CardVerdict, j judged, pricePaid bool, models int) cardsReport {
	rep := cardsReport{Precision: t.Request.Precision, Runtime: t.Request.Runtime, Context: t.Request.Context,
		CatalogueSize: models, ReferenceModel: nonEmpty(t.Reference), Cards: make([]cardJSON, len(t.Rows))}
	for i, r := range t.Rows {
		rep.Cards[i] = cardRowJSON(r)
	}
	vj := cardVerdictJSON{cardJSON: cardRowJSON(v.Card), ChosenBy: j.chosenBy, Note: nonEmpty(j.note),
		PriceUSD: positive(v.PriceUSD), ClassRank: v.ClassRank, ClassSize: v.ClassSize,
		ClassAhead: list(v.ClassAhead), ClassTied: list(v.ClassTied), ClassCheaperPerModel: list(v.ClassCheaperPerModel),
		SameModelsOn: []string{}, StepsUp: steps(t, v.Up), StepsDown: steps(t, v.Down),
		NeedMoreMemory: list(v.TooBig), FitsNoCard: list(v.FitsNowhere), ContextTooLong: list(v.ContextTooLong),
		QuantisedAsFast: []cardSpeedJSON{}}
	switch {
	case pricePaid:
		vj.PriceFrom = nonEmpty("--price")
	case v.PriceUSD > 0:
		vj.PriceFrom = nonEmpty("catalogue")
	}
	for _, c := range v.Same {
		vj.SameModelsOn = append(vj.SameModelsOn, c.Name)
	}
	if v.PriceUSD > 0 {
		vj.Cheaper = []cardDiffJSON{}
		for _, d := range v.Cheaper {
			vj.Cheaper = append(vj.Cheaper, cardDiffJSON{d.Card.Name, d.Card.PriceUSD, d.FittingModels,
				len(d.Lost) == 0 && len(d.Gained) == 0, list(d.Lost), list(d.Gained)})
		}
	}
	if len(vj.StepsUp) > 0 {
		vj.NextStep = &vj.StepsUp[0]
	}
	for _, s := range v.Speed {
		vj.QuantisedAsFast = append(vj.QuantisedAsFast, cardSpeedJSON{s.Card.Name, s.Card.PriceUSD, s.Card.BandwidthBytesPerS,
			s.Request.Precision, s.Request.Runtime, list(s.Models), s.Example, s.TokensPerS, s.JudgedTokensPerS})
	}
	rep.Verdict = vj
	return rep
}

func cardRowJSON(r fit.CardRow) cardJSON {
	c := r.Card
	return cardJSON{Name: c.Name, Class: c.Class, MemoryBytes: c.MemoryBytes, BandwidthBytesPerS: orNil(c.BandwidthBytesPerS),
		LaunchPriceUSD: positive(c.PriceUSD), UnifiedMemory: c.Unified, NVMLMonitorable: !c.Unified,
		FittingModels: r.FittingModels(), FittingIDs: list(r.FittingIDs), LargestFitting: nonEmpty(r.Largest),
		ReferenceTPS: known(r.ReferenceTokensPerS), LargestTPS: known(r.LargestTokensPerS),
		PricePerGB: known(r.PricePerGB), PricePerModel: known(r.PricePerModel)}
}

func steps(t fit.CardTable, ss []fit.CardStep) []cardStepJSON {
	out := make([]cardStepJSON, len(ss))
	for i, s := range ss {
		out[i] = cardStepJSON{FittingModels: s.FittingModels, Models: list(s.Changed), New: list(s.Delta)}
		for _, c := range s.Cards {
			row, _ := t.Row(c.Name)
			out[i].Cards = append(out[i].Cards, stepCardJSON{c.Name, c.Class, c.MemoryBytes, positive(c.PriceUSD),
				known(row.ReferenceTokensPerS)})
		}
	}
	return out
}

// list is s, or an empty list rather than null.
func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func positive(n int) *int {
	if n <= 0 {
		return nil
	}
	return &n
}

func known(f float64) *float64 {
	if f <= 0 {
		return nil
	}
	return &f
}
