package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/absent"
)

// Fit is what `headroom fit --json` prints: the flat fields scripts read
// (id … launch), then the detail behind them.
type Fit struct {
	ID            string        `json:"id"`
	Params        int64         `json:"params"`
	ActiveParams  int64         `json:"active_params"`
	Precision     fit.Precision `json:"precision"`
	Runtime       fit.Runtime   `json:"runtime"`
	KVDType       fit.KVDType   `json:"kv_dtype"`
	Context       int           `json:"context"`
	TP            int           `json:"tp"`
	WeightsBytes  uint64        `json:"weights_bytes"`
	KVBytes       uint64        `json:"kv_bytes"`
	OverheadBytes uint64        `json:"overhead_bytes"`
	TotalBytes    uint64        `json:"total_bytes"`
	// Status and MaxContext are present only when there is a budget.
	Status     *string    `json:"status,omitempty"`
	MaxContext *int       `json:"max_context,omitempty"`
	FreeBytes  *uint64    `json:"free_bytes"`
	DecodeTPS  *float64   `json:"decode_tokens_per_s"`
	Launch     *FitLaunch `json:"launch"`
	// The detail: every overhead with its source, the part vLLM takes
	// outside its utilisation budget, the budget and the full verdict.
	CacheTokens  int         `json:"cache_tokens"`
	OutsideBytes uint64      `json:"outside_budget_bytes"`
	Overheads    []fit.Term  `json:"overheads"`
	Budget       *FitBudget  `json:"budget"`
	Verdict      *FitVerdict `json:"verdict"`
	Notes        []string    `json:"notes"`

	est     fit.Estimate // for the text
	width   int          // the text's width; 0 for any
	hbm     bool         // the budget's card has HBM (the decode estimate's efficiency)
	verdict fit.Verdict
	launch  fit.LaunchCommands
}

// FitBudget is what a fit was graded against.
type FitBudget struct {
	Device             string  `json:"device"` // "" for --free without a card
	Source             string  `json:"source"` // nvml, planning, demo or --free
	FreeBytes          uint64  `json:"free_bytes"`
	UsableBytes        uint64  `json:"usable_bytes"`
	TotalBytes         uint64  `json:"total_bytes"`
	BandwidthBytesPerS *uint64 `json:"bandwidth_bytes_per_s"`
	GPUs               int     `json:"gpus"`
}

// FitVerdict is the grade in full.
type FitVerdict struct {
	Status                   string        `json:"status"`
	RequiredBytes            uint64        `json:"required_bytes"`
	RoomBytes                uint64        `json:"room_bytes"`
	MaxContext               int           `json:"max_context"`
	ToFreeBytes              uint64        `json:"to_free_bytes"`
	SmallestFittingPrecision fit.Precision `json:"smallest_fitting_precision,omitempty"`
	CardsNeeded              int           `json:"cards_needed"`
	GPUMemoryUtilization     float64       `json:"gpu_memory_utilization"`
	Reason                   string        `json:"reason,omitempty"`
	// AtModelLimit: the config allows less context than asked, so the
	// grade is at the model's own maximum (MaxContext).
	AtModelLimit bool `json:"at_model_limit"`
}

// FitLaunch holds each runtime's command line, null where that runtime
// has none (the notes say why).
type FitLaunch struct {
	VLLM     *string `json:"vllm"`
	LlamaCpp *string `json:"llama.cpp"`
}

// NewFit is the report of model m's estimate e under request r, without a
// grade; Grade adds one.
func NewFit(m fit.Model, r fit.Request, e fit.Estimate) Fit {
	rep := Fit{ID: m.ID, Params: m.Params(), ActiveParams: m.ActiveParams(),
		Precision: r.Precision, Runtime: r.Runtime, KVDType: r.KVDType, Context: r.Context, TP: r.TP,
		WeightsBytes: e.WeightsBytes, KVBytes: e.KVBytes, OverheadBytes: e.OverheadBytes, TotalBytes: e.TotalBytes,
		CacheTokens: e.Context, OutsideBytes: e.OutsideBytes, Overheads: e.Overheads, est: e, Notes: []string{}}
	switch lim := m.ContextLimit(); {
	case !m.ContextLimitKnown():
		rep.Note(fmt.Sprintf("context limit unknown: the config states no max_position_embeddings, so it is graded up to %s only", fit.FormatContext(lim)))
	case r.Context > lim:
		rep.Note(fmt.Sprintf("the config allows %s of context (max_position_embeddings)", fit.FormatContext(lim)))
	}
	return rep
}

// Note adds a note, once.
func (f *Fit) Note(n string) {
	if n != "" && !slices.Contains(f.Notes, n) {
		f.Notes = append(f.Notes, n)
	}
}

// Grade grades m under r against b, as described by budget, and adds the
// verdict, both runtimes' launch lines and the decode estimate.
func (f *Fit) Grade(m fit.Model, r fit.Request, b fit.Budget, budget FitBudget) {
	budget.FreeBytes, budget.UsableBytes, budget.TotalBytes = b.FreeBytes, b.UsableBytes, b.TotalBytes
	budget.BandwidthBytesPerS, budget.GPUs = absent.Null(b.BandwidthBytesPerS), b.GPUs
	f.Budget = &budget
	v := fit.Grade(m, r, b)
	f.verdict = v
	f.Verdict = &FitVerdict{v.Status.String(), v.RequiredBytes, v.RoomBytes, v.MaxContext, v.ToFreeBytes,
		v.SmallestFittingPrecision, v.CardsNeeded, v.GPUMemoryUtilization, v.Reason, v.AtModelLimit}
	status, maxCtx, free := v.Status.String(), v.MaxContext, b.FreeBytes
	f.Status, f.MaxContext, f.FreeBytes = &status, &maxCtx, &free
	lc := fit.Launch(m, r, v, b)
	f.launch = lc
	f.Launch = &FitLaunch{absent.Null(lc.VLLM.Command), absent.Null(lc.LlamaCpp.Command)}
	for _, n := range launchNotes(lc) {
		f.Note(n)
	}
	f.hbm = b.HBM
	if tps, ok := fit.DecodeTokensPerSecond(m, r, b.BandwidthBytesPerS, b.HBM); ok {
		f.DecodeTPS = &tps
	}
}

// launchNotes are the notes a launch adds to the report: why a runtime
// has no line, then what the lines given need.
func launchNotes(lc fit.LaunchCommands) []string {
	var notes []string
	for _, l := range []struct {
		name string
		line fit.LaunchLine
	}{{"vLLM", lc.VLLM}, {"llama.cpp", lc.LlamaCpp}} {
		switch {
		case l.line.Command == "":
			notes = append(notes, "no "+l.name+" command line: "+l.line.Why)
		case l.line.Status == fit.NeedsFreeing:
			notes = append(notes, "the "+l.name+" command line holds once memory is freed")
		}
	}
	return append(notes, lc.Notes...)
}

// WriteFitText writes the report as text: the breakdown, then the grade.
func WriteFitText(w io.Writer, f Fit) error {
	b := page{width: f.width}
	e := f.est
	tp := ""
	if f.TP > 1 {
		tp = fmt.Sprintf(" · TP %d (per GPU)", f.TP)
	}
	fmt.Fprintf(&b, "%s  %s · %s · KV %s · %s context%s\n", f.ID, f.Precision, f.Runtime,
		f.KVDType, fit.FormatContext(f.Context), tp)
	line := func(name string, n uint64, src string) {
		head := fmt.Sprintf("  %-28s %10s  ", name, fit.FormatGiB(n))
		if f.width <= 0 || len(head)+len(src) <= b.limit() {
			fmt.Fprintln(&b, strings.TrimRight(head+src, " "))
			return
		}
		// A source too long for the terminal wraps under itself.
		wrap(&b, head, strings.Fields(src), strings.Repeat(" ", len(head)))
	}
	line("weights", e.WeightsBytes, "")
	line(fmt.Sprintf("KV cache (%d tokens)", e.Context), e.KVBytes, "")
	for _, t := range e.Overheads {
		line(t.Name, t.Bytes, t.Source)
	}
	line("total", e.TotalBytes, "")
	for _, n := range f.Notes {
		wrap(&b, "", strings.Fields(n), "  ")
	}
	if f.Budget != nil {
		writeGrade(&b, f)
	}
	return flush(w, &b)
}

// writeGrade writes the budget, the verdict, the launch lines and the
// decode estimate.
func writeGrade(b *page, f Fit) {
	bj, v := f.Budget, f.verdict
	dev := bj.Device
	if dev == "" {
		dev = bj.Source
	}
	of := bj.UsableBytes
	if of == 0 {
		of = bj.TotalBytes // the reserve is unknown: the card's whole memory
	}
	fmt.Fprintf(b, "%s: %s free of %s\n", dev, fit.FormatGiB(bj.FreeBytes), fit.FormatGiB(of))
	switch v.Status {
	case fit.Fits:
		if v.AtModelLimit {
			fmt.Fprintf(b, "Fits now at its whole context, %s (the model's own maximum), with %s to spare\n",
				fit.FormatContext(v.MaxContext), fit.FormatGiB(v.RoomBytes))
		} else {
			fmt.Fprintf(b, "Fits now, with %s to spare; up to %s of context fits\n", fit.FormatGiB(v.RoomBytes), fit.FormatContext(v.MaxContext))
		}
	case fit.FitsShorter:
		fmt.Fprintf(b, "Fits now only at a shorter context: up to %s\n", fit.FormatContext(v.MaxContext))
	case fit.NeedsFreeing:
		fmt.Fprintf(b, "Fits once %s more is freed\n", fit.FormatGiB(v.ToFreeBytes))
	case fit.TooBig:
		switch {
		case v.Reason != "":
			fmt.Fprintf(b, "Cannot be graded: %s\n", v.Reason)
		default:
			fmt.Fprintf(b, "Too big: never fits this card at %s", f.Precision)
			if v.SmallestFittingPrecision != "" {
				fmt.Fprintf(b, "; %s fits", v.SmallestFittingPrecision)
			}
			if v.CardsNeeded > 0 {
				fmt.Fprintf(b, "; %d such cards with --tp %d", v.CardsNeeded, v.CardsNeeded)
			}
			fmt.Fprintln(b)
		}
	}
	for _, l := range []string{f.launch.VLLM.Command, f.launch.LlamaCpp.Command} {
		if l != "" {
			fmt.Fprintln(b, "  "+l)
		}
	}
	if f.DecodeTPS != nil {
		eff := fit.DecodeEfficiency
		if f.hbm {
			eff = fit.DecodeEfficiencyHBM
		}
		wrap(b, fmt.Sprintf("decode ≈ %.0f tokens/s, one stream: an estimate, the bytes read a token at %.0f%% of %.0f GB/s plus %.0f µs a layer (within 8%% on average of 21 published llama-bench runs)",
			*f.DecodeTPS, eff*100, float64(*bj.BandwidthBytesPerS)/1e9, fit.DecodeLayerSeconds*1e6), nil, "  ")
	}
}

// SetWidth fits the text to width cells (the terminal's); 0, the default,
// keeps each term's source on its line, as for a pipe.
func (f *Fit) SetWidth(width int) { f.width = max(width, 0) }
