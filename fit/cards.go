package fit

import (
	"cmp"
	"fmt"
	"slices"
)

// ReferenceModel is the model every card's decode speed is quoted for, at
// its native precision: a dense 32B model, the size a 96 GB card holds at
// full precision with room for a long context.
const ReferenceModel = "Qwen/Qwen3-32B"

// CardSpec is what the card comparison needs to know of a card.
type CardSpec struct {
	Name  string
	Class string // consumer, workstation, datacenter or unified
	// MemoryBytes is what a process can use on the empty card.
	MemoryBytes        uint64
	BandwidthBytesPerS uint64 // 0 when unknown
	PriceUSD           int    // launch price; 0 when unknown
	// Unified is memory shared with the CPU, which NVML cannot monitor.
	Unified bool
	// Compute is the card's compute capability; 0 when unknown.
	Compute Capability
	// HBM is high-bandwidth memory (HBM2e, HBM3…), whose peak single-
	// stream decode reaches a smaller share of than GDDR's (see
	// DecodeTokensPerSecond).
	HBM bool
}

// CardRow is one card's line of the comparison.
type CardRow struct {
	Card CardSpec
	// FittingIDs are the catalogue models that fit the empty card, in
	// catalogue order.
	FittingIDs []string
	// Largest is the fitting model with the most parameters; "" when none.
	Largest string
	// ReferenceTokensPerS is the estimated decode speed of ReferenceModel
	// at native precision; 0 when it does not fit or the bandwidth is
	// unknown. LargestTokensPerS is Largest's at the requested precision.
	ReferenceTokensPerS float64
	LargestTokensPerS   float64
	// PricePerGB is USD per GB (10^9 bytes) of MemoryBytes, PricePerModel
	// USD per fitting model; 0 when the price is unknown (or, for
	// PricePerModel, when nothing fits).
	PricePerGB    float64
	PricePerModel float64
	// WeightOnly says the card runs the precision only weight-only, for
	// want of its tensor cores (see WeightOnly): same memory, slower
	// prefill.
	WeightOnly bool

	fits []bool // by catalogue index
}

// FittingModels is how many catalogue models fit the empty card.
func (r CardRow) FittingModels() int { return len(r.FittingIDs) }

// CardTable compares cards by what the model catalogue fits on each,
// empty, under one request. Rows are sorted by fitting models (most
// first), then by price (lowest first, unknown last), then by memory.
type CardTable struct {
	Request Request
	// Reference is ReferenceModel when the catalogue holds it, else "".
	Reference string
	Rows      []CardRow

	models []Model
}

// Models are the models the table was worked out for, in catalogue order.
func (t CardTable) Models() []Model { return t.models }

// CompareCards grades every model on every card, empty, under r (one GPU
// each). It fails only when r's runtime cannot load r's precision.
func CompareCards(models []Model, cards []CardSpec, r Request) (CardTable, error) {
	r = r.normal()
	r.TP = 1
	if err := supports(r.Runtime, r.Precision); err != nil {
		return CardTable{}, fmt.Errorf("%s under %s: %w", r.Precision, r.Runtime, err)
	}
	t := CardTable{Request: r, Rows: make([]CardRow, len(cards)), models: models}
	ref := -1
	for i, m := range models {
		if m.ID == ReferenceModel {
			ref, t.Reference = i, m.ID
		}
	}
	refReq := r
	refReq.Precision = Native
	for i, c := range cards {
		row := gradeCard(models, c, r)
		if ref >= 0 && fitsEmpty(models[ref], refReq, c) {
			row.ReferenceTokensPerS = decode(models[ref], refReq, c)
		}
		t.Rows[i] = row
	}
	slices.SortStableFunc(t.Rows, compareRows)
	return t, nil
}

// gradeCard fills one card's row under r.
func gradeCard(models []Model, c CardSpec, r Request) CardRow {
	row := CardRow{Card: c, FittingIDs: []string{}, fits: make([]bool, len(models)),
		WeightOnly: WeightOnly(r.Precision, r.Runtime, c.Compute)}
	largest := -1
	for i, m := range models {
		if !fitsEmpty(m, r, c) {
			continue
		}
		row.fits[i] = true
		row.FittingIDs = append(row.FittingIDs, m.ID)
		if largest < 0 || m.Params() > models[largest].Params() {
			largest = i
		}
	}
	if largest >= 0 {
		row.Largest = models[largest].ID
		row.LargestTokensPerS = decode(models[largest], r, c)
	}
	if c.PriceUSD > 0 {
		row.PricePerGB = float64(c.PriceUSD) / (float64(c.MemoryBytes) / 1e9)
		if n := len(row.FittingIDs); n > 0 {
			row.PricePerModel = float64(c.PriceUSD) / float64(n)
		}
	}
	return row
}

// emptyCard is the budget of card c with nothing else on it.
func emptyCard(c CardSpec) Budget {
	return Budget{FreeBytes: c.MemoryBytes, UsableBytes: c.MemoryBytes, TotalBytes: c.MemoryBytes,
		BandwidthBytesPerS: c.BandwidthBytesPerS, GPUs: 1, Compute: c.Compute, HBM: c.HBM}
}

// fitsEmpty reports whether m fits card c, empty, at r's whole context.
func fitsEmpty(m Model, r Request, c CardSpec) bool {
	return Grade(m, r, emptyCard(c)).Status == Fits
}

// decode is m's estimated decode speed on c; 0 when unknown.
func decode(m Model, r Request, c CardSpec) float64 {
	tps, ok := DecodeTokensPerSecond(m, r, c.BandwidthBytesPerS, c.HBM)
	if !ok {
		return 0
	}
	return tps
}

// compareRows orders rows: most fitting models first, then the lowest
// known price, then the least memory, then by name.
func compareRows(a, b CardRow) int {
	if c := cmp.Compare(b.FittingModels(), a.FittingModels()); c != 0 {
		return c
	}
	if c := comparePrices(a.Card.PriceUSD, b.Card.PriceUSD); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Card.MemoryBytes, b.Card.MemoryBytes); c != 0 {
		return c
	}
	return cmp.Compare(a.Card.Name, b.Card.Name)
}

// comparePrices orders known prices low to high, unknown (0) last.
func comparePrices(a, b int) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	}
	return cmp.Compare(a, b)
}

// Row returns the row of the card named name, exactly as in its CardSpec.
func (t CardTable) Row(name string) (CardRow, bool) {
	for _, r := range t.Rows {
		if r.Card.Name == name {
			return r, true
		}
	}
	return CardRow{}, false
}
