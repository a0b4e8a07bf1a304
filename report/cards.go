package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/absent"
)

// Judged is the card a verdict is about, and how it was chosen.
type Judged struct {
	Card     catalog.Card
	ChosenBy ChosenBy
	Note     string // why the default was taken, or which GPU of several; "" otherwise
}

// ChosenBy says how the judged card was chosen.
type ChosenBy string

// The ways a card is chosen to be judged.
const (
	ChosenLive    ChosenBy = "live GPU"
	ChosenFlag    ChosenBy = "--gpu"
	ChosenDefault ChosenBy = "default"
	ChosenDemo    ChosenBy = "demo"
)

// Where the verdict's price came from.
const (
	PriceFromFlag      = "--price"
	PriceFromCatalogue = "catalogue"
)

// Cards is what `headroom cards --json` prints. Unknown figures are
// null, never 0.
type Cards struct {
	Precision      fit.Precision `json:"precision"`
	Runtime        fit.Runtime   `json:"runtime"`
	Context        int           `json:"context"`
	CatalogueSize  int           `json:"catalogue_models"`
	ReferenceModel *string       `json:"reference_model"`
	Cards          []CardLine    `json:"cards"`
	// Verdict is on the judged card; null, with NoVerdict saying why,
	// when no card could be judged.
	Verdict   *CardVerdict `json:"verdict"`
	NoVerdict *string      `json:"no_verdict"`

	table   fit.CardTable // for the text
	width   int           // the text's width; 0 for any
	verdict fit.CardVerdict
	judged  Judged
	names   map[string]string // model id → name
}

// CardLine is one card's row of the comparison.
type CardLine struct {
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
	// InCatalogue is false for a live GPU the card catalogue does not
	// hold, graded from the driver's memory reading.
	InCatalogue bool `json:"in_catalogue"`
	// WeightOnly is true where the card runs the precision only
	// weight-only, without the format's tensor cores (FP8 below compute
	// capability 8.9, NVFP4 below 10.0): the same memory, slower prefill.
	WeightOnly bool `json:"weight_only"`
}

// CardVerdict is the verdict: the judged card's row, then how it
// compares.
type CardVerdict struct {
	CardLine
	ChosenBy             ChosenBy   `json:"chosen_by"`
	Note                 *string    `json:"note"`
	PriceUSD             *int       `json:"price_usd"`
	PriceFrom            *string    `json:"price_from"`
	ClassRank            int        `json:"class_rank"`
	ClassSize            int        `json:"class_size"`
	ClassAhead           []string   `json:"class_ahead"`
	ClassTied            []string   `json:"class_tied"`
	ClassCheaperPerModel []string   `json:"class_cheaper_per_model"`
	SameModelsOn         []string   `json:"same_models_on"`
	Cheaper              []CardDiff `json:"cheaper_cards"`
	NextStep             *CardStep  `json:"next_step"`
	StepsUp              []CardStep `json:"steps_up"`
	StepsDown            []CardStep `json:"steps_down"`
	NeedMoreMemory       []string   `json:"need_more_memory"`
	FitsNoCard           []string   `json:"fits_no_card"`
	// AtModelLimit are the models whose config allows less context than
	// asked: each is graded at its own maximum.
	AtModelLimit    []string    `json:"at_model_limit"`
	QuantisedAsFast []CardSpeed `json:"quantised_as_fast"`
	// Versus sets a precision smaller than FP8 against FP8 on this card;
	// null for FP8 and larger.
	Versus *Versus `json:"versus"`
}

// Versus is what the requested precision fits on the judged card that
// Precision does not.
type Versus struct {
	Precision fit.Precision `json:"precision"`
	AlsoFits  []string      `json:"also_fits"`
}

// CardDiff is a cheaper card set against the judged one.
type CardDiff struct {
	Name           string   `json:"name"`
	LaunchPriceUSD int      `json:"launch_price_usd"`
	FittingModels  int      `json:"fitting_models"`
	SameModels     bool     `json:"same_models"`
	Lost           []string `json:"lost"`
	Gained         []string `json:"gained"`
}

// CardStep is a group of cards that fit the same models.
type CardStep struct {
	Cards         []StepCard `json:"cards"`
	FittingModels int        `json:"fitting_models"`
	// Models are those gained (a step up) or lost (down) against the
	// judged card; New, those the step before did not already gain or
	// lose, when Nested (this step gains or loses all the step before
	// did); all of Models otherwise.
	Models []string `json:"models"`
	New    []string `json:"new"`
	Nested bool     `json:"nested"`
}

// StepCard is one card of a step.
type StepCard struct {
	Name           string   `json:"name"`
	Class          string   `json:"class"`
	MemoryBytes    uint64   `json:"memory_bytes"`
	LaunchPriceUSD *int     `json:"launch_price_usd"`
	ReferenceTPS   *float64 `json:"reference_tokens_per_s"`
}

// CardSpeed is a quantised run at least as fast on a cheaper card.
type CardSpeed struct {
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

// SetWidth fits the text to width cells (the terminal's); 0, the
// default, keeps every column, as for a pipe.
func (c *Cards) SetWidth(width int) { c.width = max(width, 0) }

// NewCardsWithoutVerdict is the report of the comparison t alone, when no
// card can be judged, and why.
func NewCardsWithoutVerdict(t fit.CardTable, why string, models []fit.Model) Cards {
	rep := Cards{Precision: t.Request.Precision, Runtime: t.Request.Runtime, Context: t.Request.Context,
		CatalogueSize: len(models), ReferenceModel: absent.Null(t.Reference), Cards: make([]CardLine, len(t.Rows)),
		NoVerdict: &why, table: t, names: make(map[string]string, len(models))}
	for _, m := range models {
		rep.names[m.ID] = m.Name
	}
	for i, r := range t.Rows {
		rep.Cards[i] = cardLine(r, Judged{})
	}
	return rep
}

// NewCards is the report of the comparison t and the verdict v on the
// judged card j. pricePaid says v's price came from --price.
func NewCards(t fit.CardTable, v fit.CardVerdict, j Judged, pricePaid bool, models []fit.Model) Cards {
	names := make(map[string]string, len(models))
	for _, m := range models {
		names[m.ID] = m.Name
	}
	rep := Cards{Precision: t.Request.Precision, Runtime: t.Request.Runtime, Context: t.Request.Context,
		CatalogueSize: len(models), ReferenceModel: absent.Null(t.Reference), Cards: make([]CardLine, len(t.Rows)),
		table: t, verdict: v, judged: j, names: names}
	for i, r := range t.Rows {
		rep.Cards[i] = cardLine(r, j)
	}
	vj := CardVerdict{CardLine: cardLine(v.Card, j), ChosenBy: j.ChosenBy, Note: absent.Null(j.Note),
		PriceUSD: absent.Null(v.PriceUSD), ClassRank: v.ClassRank, ClassSize: v.ClassSize,
		ClassAhead: list(v.ClassAhead), ClassTied: list(v.ClassTied), ClassCheaperPerModel: list(v.ClassCheaperPerModel),
		SameModelsOn: []string{}, StepsUp: steps(t, v.Up), StepsDown: steps(t, v.Down),
		NeedMoreMemory: list(v.TooBig), FitsNoCard: list(v.FitsNowhere), AtModelLimit: list(v.AtModelLimit),
		QuantisedAsFast: []CardSpeed{}}
	switch {
	case pricePaid:
		vj.PriceFrom = absent.Null(string(PriceFromFlag))
	case v.PriceUSD > 0:
		vj.PriceFrom = absent.Null(string(PriceFromCatalogue))
	}
	for _, c := range v.Same {
		vj.SameModelsOn = append(vj.SameModelsOn, c.Name)
	}
	if v.PriceUSD > 0 {
		vj.Cheaper = []CardDiff{}
		for _, d := range v.Cheaper {
			vj.Cheaper = append(vj.Cheaper, CardDiff{d.Card.Name, d.Card.PriceUSD, d.FittingModels,
				len(d.Lost) == 0 && len(d.Gained) == 0, list(d.Lost), list(d.Gained)})
		}
	}
	if len(vj.StepsUp) > 0 {
		vj.NextStep = &vj.StepsUp[0]
	}
	for _, s := range v.Speed {
		vj.QuantisedAsFast = append(vj.QuantisedAsFast, CardSpeed{s.Card.Name, s.Card.PriceUSD, s.Card.BandwidthBytesPerS,
			s.Request.Precision, s.Request.Runtime, list(s.Models), s.Example, s.TokensPerS, s.JudgedTokensPerS})
	}
	if v.Versus != "" {
		vj.Versus = &Versus{v.Versus, list(v.VersusGained)}
	}
	rep.Verdict = &vj
	return rep
}

// cardLine is one row; j says whether it is a card the catalogue
// does not hold.
func cardLine(r fit.CardRow, j Judged) CardLine {
	c := r.Card
	return CardLine{Name: c.Name, Class: c.Class, MemoryBytes: c.MemoryBytes, BandwidthBytesPerS: absent.Null(c.BandwidthBytesPerS),
		LaunchPriceUSD: absent.Null(c.PriceUSD), UnifiedMemory: c.Unified, NVMLMonitorable: !c.Unified,
		FittingModels: r.FittingModels(), FittingIDs: list(r.FittingIDs), LargestFitting: absent.Null(r.Largest),
		ReferenceTPS: absent.Null(r.ReferenceTokensPerS), LargestTPS: absent.Null(r.LargestTokensPerS),
		PricePerGB: absent.Null(r.PricePerGB), PricePerModel: absent.Null(r.PricePerModel),
		InCatalogue: !(j.Card.Unlisted && c.Name == j.Card.Name), WeightOnly: r.WeightOnly}
}

func steps(t fit.CardTable, ss []fit.CardStep) []CardStep {
	out := make([]CardStep, len(ss))
	for i, s := range ss {
		out[i] = CardStep{FittingModels: s.FittingModels, Models: list(s.Changed), New: list(s.Delta), Nested: s.Nested}
		for _, c := range s.Cards {
			row, _ := t.Row(c.Name)
			out[i].Cards = append(out[i].Cards, StepCard{c.Name, c.Class, c.MemoryBytes, absent.Null(c.PriceUSD),
				absent.Null(row.ReferenceTokensPerS)})
		}
	}
	return out
}

// WriteCardsText writes the comparison table, then the verdict. Every
// statement is built from the comparison and the verdict.
func WriteCardsText(out io.Writer, c Cards) error {
	w := page{width: c.width}
	writeCards(&w, c)
	return flush(out, &w)
}

// writeCards writes the comparison table, then the verdict.
func writeCards(w *page, rep Cards) {
	t, v, j, names, models := rep.table, rep.verdict, rep.judged, rep.names, rep.CatalogueSize
	r := t.Request
	name := func(id string) string { return names[id] }
	ref := "-"
	if t.Reference != "" {
		ref = name(t.Reference)
	}
	fmt.Fprintf(w, "Cards at %s, each empty, one GPU; %d catalogue models\n\n", request(r), models)
	// Columns the width cannot hold are left out, least needed first:
	// $/MODEL, $/GB, LARGEST tok/s, CLASS, GB/s, the reference's tok/s,
	// PRICE; then the card and model names are shortened.
	var tb table
	for _, c := range []struct {
		head string
		drop int
		clip bool
	}{{"CARD", 0, true}, {"CLASS", 4, false}, {"MEMORY", 0, false}, {"GB/s", 5, false}, {"PRICE", 7, false},
		{"FITS", 0, false}, {"LARGEST FITTING", 0, true}, {ref + " tok/s", 6, false}, {"LARGEST tok/s", 3, false},
		{"$/GB", 2, false}, {"$/MODEL", 1, false}} {
		tb.column(c.head, c.drop, c.clip)
	}
	unified, unlisted, weightOnly := false, false, false
	for _, row := range t.Rows {
		c := row.Card
		mark := ""
		if c.Unified {
			mark, unified = " *", true
		}
		if j.Card.Unlisted && c.Name == j.Card.Name {
			mark, unlisted = " †", true
		}
		if row.WeightOnly {
			mark, weightOnly = mark+" ‡", true
		}
		largest := "-"
		if row.Largest != "" {
			largest = name(row.Largest)
		}
		tb.row(c.Name+mark, orDash(c.Class), fit.FormatGiB(c.MemoryBytes), gbps(c.BandwidthBytesPerS), usd(c.PriceUSD),
			strconv.Itoa(row.FittingModels()), largest, tps(row.ReferenceTokensPerS), tps(row.LargestTokensPerS),
			money(row.PricePerGB), money(row.PricePerModel))
	}
	left := tb.write(w, rep.width)
	notes := []string{}
	if len(left) > 0 {
		notes = append(notes, "Left out for the terminal's width: "+strings.Join(left, ", ")+" (a wider terminal, a pipe or --json shows them).")
	}
	if unified {
		notes = append(notes, "* unified memory, shared with the CPU: not monitorable by NVML")
	}
	if unlisted {
		notes = append(notes, "† the live GPU, "+catalog.NotListed)
	}
	if weightOnly {
		notes = append(notes, fmt.Sprintf("‡ runs %s weight-only, without the format's tensor cores (vLLM dequantises in its Marlin kernels): the same memory, slower prefill.", r.Precision))
	}
	notes = append(notes, fmt.Sprintf("tok/s: one stream's decode, an estimate: the bytes read a token at %.0f%% of the bandwidth (%.0f%% on HBM cards) plus %.0f µs a layer, fitted to published llama-bench runs; %s at native precision.",
		fit.DecodeEfficiency*100, fit.DecodeEfficiencyHBM*100, fit.DecodeLayerSeconds*1e6, ref), "Prices are launch list prices; - where none was published (never guessed).")
	for _, n := range notes {
		wrap(w, "", strings.Fields(n), "  ")
	}
	fmt.Fprintln(w)
	if rep.Verdict == nil {
		why := ""
		if rep.NoVerdict != nil {
			why = *rep.NoVerdict
		}
		wrap(w, "No verdict: "+why, nil, "  ")
		return
	}
	writeVerdict(w, t, v, j, name, models)
}

// writeVerdict writes the verdict on the judged card.
func writeVerdict(w *page, t fit.CardTable, v fit.CardVerdict, j Judged, name func(string) string, models int) {
	c, row := v.Card.Card, v.Card
	how := map[ChosenBy]string{ChosenLive: "the live GPU", ChosenFlag: "--gpu", ChosenDefault: "the default card", ChosenDemo: "the demo's card"}[j.ChosenBy]
	fmt.Fprintf(w, "Verdict for %s (%s)\n", c.Name, how)
	if j.Card.Unlisted {
		wrap(w, "  ", strings.Fields("It is "+catalog.NotListed+"."), "    ")
	}
	if j.Note != "" {
		wrap(w, "  ", strings.Fields(j.Note), "    ")
	}
	line := "Fits " + strconv.Itoa(row.FittingModels()) + " of " + strconv.Itoa(models) + " models at " + request(t.Request)
	if row.Largest != "" {
		line += "; the largest is " + name(row.Largest)
	}
	if row.ReferenceTokensPerS > 0 {
		line += fmt.Sprintf("; %s decodes at %s tok/s", name(t.Reference), tps(row.ReferenceTokensPerS))
	}
	wrap(w, "  "+line+".", nil, "    ")
	wrap(w, "  "+classLine(v)+".", nil, "    ")
	if len(v.Same) > 0 {
		wrap(w, "  Same models on:", commas(cardLabels(v.Same, false)), "    ")
	}
	printVersus(w, t, v, name)
	printCheaper(w, v, name)
	if len(v.Down) > 0 {
		fmt.Fprintln(w, "  Fewer models:")
	}
	for _, s := range v.Down {
		verb := "without"
		if s.Nested {
			verb = "also without"
		}
		head := fmt.Sprintf("    %s (%s): %s, %s", strings.Join(cardLabels(s.Cards, false), ", "), memRange(s.Cards), count(s.FittingModels, "model"), verb)
		wrap(w, head, commas(modelNames(s.Delta, name)), "      ")
	}
	if len(v.TooBig) > 0 {
		fmt.Fprintf(w, "  Need more than %s at %s: %s.\n", fit.FormatGiB(c.MemoryBytes), request(t.Request), count(len(v.TooBig), "model"))
	}
	for i, s := range v.Up {
		label, verb := "    next:", "adds"
		if i > 0 {
			label = "    then:"
		}
		if s.Nested {
			verb = "also adds"
		}
		head := fmt.Sprintf("%s %s (%s): %s, %s", label, strings.Join(cardLabels(s.Cards, i == 0), ", "), memRange(s.Cards), count(s.FittingModels, "model"), verb)
		wrap(w, head, commas(modelNames(s.Delta, name)), "      ")
		if i == 0 {
			printReferenceSpeeds(w, t, s.Cards, name)
		}
	}
	if len(v.FitsNowhere) > 0 {
		wrap(w, "    on no card of the catalogue:", commas(modelNames(v.FitsNowhere, name)), "      ")
	}
	if len(v.AtModelLimit) > 0 {
		head := fmt.Sprintf("  Configs allow less than %s of context, so these are graded at their own maximum:", fit.FormatContext(t.Request.Context))
		var items []string
		for _, id := range v.AtModelLimit {
			items = append(items, fmt.Sprintf("%s (%s),", name(id), fit.FormatContext(modelLimit(t, id))))
		}
		items[len(items)-1] = strings.TrimSuffix(items[len(items)-1], ",")
		wrap(w, head, items, "    ")
	}
	printSpeeds(w, v, name)
}

// printVersus writes what the precision fits on the judged card over
// FP8, and whether the card runs it weight-only.
func printVersus(w *page, t fit.CardTable, v fit.CardVerdict, name func(string) string) {
	p := t.Request.Precision
	if v.Card.WeightOnly {
		wrap(w, fmt.Sprintf("  It runs %s weight-only, without the format's tensor cores: the same memory as on a newer card, slower prefill.", p), nil, "    ")
	}
	if v.Versus == "" {
		return
	}
	if len(v.VersusGained) == 0 {
		wrap(w, fmt.Sprintf("  Over %s on this card, %s fits no more models.", v.Versus, p), nil, "    ")
		return
	}
	head := fmt.Sprintf("  Over %s on this card, %s also fits %s:", v.Versus, p, count(len(v.VersusGained), "model"))
	wrap(w, head, commas(modelNames(v.VersusGained, name)), "    ")
}

// modelLimit is the context limit of the model id in t's catalogue.
func modelLimit(t fit.CardTable, id string) int {
	for _, m := range t.Models() {
		if m.ID == id {
			return m.ContextLimit()
		}
	}
	return 0
}

// printReferenceSpeeds writes the reference model's decode speed on
// cards, when it is known on any of them.
func printReferenceSpeeds(w *page, t fit.CardTable, cards []fit.CardSpec, name func(string) string) {
	var speeds []string
	known := false
	for _, c := range cards {
		r, _ := t.Row(c.Name)
		known = known || r.ReferenceTokensPerS > 0
		speeds = append(speeds, c.Name+" "+tps(r.ReferenceTokensPerS))
	}
	if known {
		wrap(w, "      "+name(t.Reference)+" tok/s there:", commas(speeds), "      ")
	}
}

// classLine is where the card stands in its class.
func classLine(v fit.CardVerdict) string {
	c := v.Card.Card
	if c.Class == "" {
		return "In its class: unknown, as the card catalogue does not hold it"
	}
	s := fmt.Sprintf("In its class: %s of %d %s cards by models fitted", ordinal(v.ClassRank), v.ClassSize, c.Class)
	if len(v.ClassAhead) > 0 {
		s += "; " + strings.Join(v.ClassAhead, ", ") + " fit more"
	} else if classes := upClasses(v); len(classes) > 0 {
		s += "; only " + strings.Join(classes, " and ") + " cards fit more"
	}
	if len(v.ClassTied) > 0 {
		s += "; tied with " + strings.Join(v.ClassTied, ", ")
	}
	if len(v.ClassCheaperPerModel) > 0 {
		s += "; cheaper per fitting model: " + strings.Join(v.ClassCheaperPerModel, ", ")
	}
	return s
}

// upClasses lists, in table order, the classes of the cards that fit
// more models than the judged one.
func upClasses(v fit.CardVerdict) []string {
	var out []string
	for _, s := range v.Up {
		for _, c := range s.Cards {
			if !slices.Contains(out, c.Class) {
				out = append(out, c.Class)
			}
		}
	}
	return out
}

// printCheaper writes which cheaper cards fit the same models and which
// fit fewer, or why no card can be called cheaper.
func printCheaper(w *page, v fit.CardVerdict, name func(string) string) {
	if v.PriceUSD == 0 {
		wrap(w, "  Price: unknown (no launch price in the catalogue; --price USD judges it at what you paid), so no card can be called cheaper.", nil, "    ")
		return
	}
	if v.Card.FittingModels() == 0 {
		wrap(w, fmt.Sprintf("  Price: %s; no model of the catalogue fits it at this precision and context.", usd(v.PriceUSD)), nil, "    ")
	} else {
		wrap(w, fmt.Sprintf("  Price: %s, %s a fitting model.", usd(v.PriceUSD), money(perModel(v))), nil, "    ")
	}
	var same, more, fewer []string
	for _, d := range v.Cheaper {
		label := d.Card.Name + " " + usd(d.Card.PriceUSD)
		switch {
		case len(d.Lost) > 0:
			fewer = append(fewer, fmt.Sprintf("%s (%d fewer)", label, len(d.Lost)))
		case len(d.Gained) > 0:
			more = append(more, fmt.Sprintf("%s (%d more)", label, len(d.Gained)))
		default:
			same = append(same, label)
		}
	}
	switch {
	case len(v.Cheaper) == 0:
		fmt.Fprintln(w, "    No card with a known price is cheaper.")
	case len(same) == 0:
		fmt.Fprintln(w, "    No cheaper card fits exactly the same models.")
	default:
		wrap(w, "    Cheaper, same models:", commas(same), "      ")
	}
	if len(more) > 0 {
		wrap(w, "    Cheaper, more models:", commas(more), "      ")
	}
	if len(fewer) > 0 {
		wrap(w, "    Cheaper, fewer models:", commas(fewer), "      ")
	}
}

// printSpeeds writes where quantised models decode at least as fast.
func printSpeeds(w *page, v fit.CardVerdict, name func(string) string) {
	where := "cheaper cards"
	if v.PriceUSD == 0 {
		where = "cards with a known price"
	}
	if len(v.Speed) == 0 {
		if v.PriceUSD == 0 || len(v.Cheaper) > 0 {
			fmt.Fprintf(w, "  Quantised (q4_k_m, fp8): no %s decode as fast.\n", where)
		}
		return
	}
	fmt.Fprintf(w, "  Quantised, at least as fast on %s:\n", where)
	for _, s := range v.Speed {
		pace := "as fast as"
		if s.TokensPerS > s.JudgedTokensPerS {
			pace = "faster than"
		}
		wrap(w, fmt.Sprintf("    %s (%s): %s %s, %s GB/s: %s at %s tok/s, %s here (%s); %s fit both",
			s.Request.Precision, s.Request.Runtime, s.Card.Name, usd(s.Card.PriceUSD), gbps(s.Card.BandwidthBytesPerS),
			name(s.Example), tps(s.TokensPerS), pace, tps(s.JudgedTokensPerS), count(len(s.Models), "model")), nil, "      ")
	}
}

func perModel(v fit.CardVerdict) float64 {
	if n := v.Card.FittingModels(); n > 0 {
		return float64(v.PriceUSD) / float64(n)
	}
	return 0
}

// orDash is s, or "-" when it is unknown.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// request names a request as "native · vllm · 8K".
func request(r fit.Request) string {
	return fmt.Sprintf("%s · %s · %s", r.Precision, r.Runtime, fit.FormatContext(r.Context))
}

// cardLabels names cards with their known prices. detail gives each its
// class and price, saying "price unknown" where it is.
func cardLabels(cs []fit.CardSpec, detail bool) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
		switch {
		case detail:
			out[i] += " (" + c.Class + ", " + strings.Replace(usd(c.PriceUSD), "-", "price unknown", 1) + ")"
		case c.PriceUSD > 0:
			out[i] += " " + usd(c.PriceUSD)
		}
	}
	return out
}

// memRange is the cards' memory, as one figure or a range.
func memRange(cs []fit.CardSpec) string {
	lo, hi := cs[0].MemoryBytes, cs[0].MemoryBytes
	for _, c := range cs {
		lo, hi = min(lo, c.MemoryBytes), max(hi, c.MemoryBytes)
	}
	if fit.FormatGiB(lo) == fit.FormatGiB(hi) {
		return fit.FormatGiB(lo)
	}
	return strings.TrimSuffix(fit.FormatGiB(lo), " GiB") + "–" + fit.FormatGiB(hi)
}

func modelNames(ids []string, name func(string) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return out
}
