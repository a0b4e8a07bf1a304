package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// cardsCmd is `headroom cards`: every card of the catalogue graded with
// the model catalogue, then a verdict on the live card (or --gpu).
type cardsCmd struct {
	Precision string `name:"precision" default:"native" placeholder:"P" help:"native, bf16, fp8, int8, awq4, q8_0, q6_k, q5_k_m or q4_k_m."`
	Runtime   string `name:"runtime" placeholder:"R" help:"vllm, llama.cpp or transformers (default: llama.cpp for the GGUF types q8_0…q4_k_m, else vllm)."`
	Price     int    `name:"price" placeholder:"USD" help:"Judge the verdict's card at this price (what you paid) instead of the catalogue's launch price."`
	JSON      bool   `name:"json" help:"Print JSON instead of a table."`
}

// Judged-card choices, as the verdict reports them.
const (
	chosenLive    = "live GPU"
	chosenFlag    = "--gpu"
	chosenDefault = "default"
	chosenDemo    = "demo"
)

// judged is the card the verdict is about and how it was chosen.
type judged struct {
	card     gpu.Card
	chosenBy string
	note     string // why the default was taken; "" otherwise
}

// Run prints the comparison and the verdict.
func (c *cardsCmd) Run(a *app) error {
	r, err := c.request(int(a.cli.Context))
	if err != nil {
		return err
	}
	models, cards, err := a.catalogues()
	if err != nil {
		return err
	}
	j, err := c.judged(a, cards)
	if err != nil {
		return err
	}
	specs := make([]fit.CardSpec, len(cards))
	for i, cd := range cards {
		specs[i] = cardSpec(cd)
	}
	t, err := fit.CompareCards(models, specs, r)
	if err != nil {
		return usageError{fmt.Errorf("--precision %s --runtime %s: %w", r.Precision, r.Runtime, err)}
	}
	v, err := t.Judge(j.card.Name, c.Price)
	if err != nil {
		return fmt.Errorf("judging %s: %w", j.card.Name, err)
	}
	if c.JSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cardsReportOf(t, v, j, c.Price > 0, len(models)))
	}
	names := make(map[string]string, len(models))
	for _, m := range models {
		names[m.ID] = gpu.Clean(m.Name)
	}
	printCards(a.stdout, t, v, j, names, len(models))
	return nil
}

// request reads the flags; a bad value is a usage error naming its flag.
func (c *cardsCmd) request(ctx int) (fit.Request, error) {
	p, rt, err := precisionAndRuntime(c.Precision, c.Runtime)
	if err != nil {
		return fit.Request{}, err
	}
	if c.Price < 0 || c.Price > 100_000_000 {
		return fit.Request{}, usageError{fmt.Errorf("--price: $%d is out of range (1 to 100,000,000)", c.Price)}
	}
	return fit.Request{Precision: p, Runtime: rt, Context: ctx, TP: 1}, nil
}

// judged picks the verdict's card: --gpu, else the live GPU's entry in
// the catalogue, else the default card, saying why.
func (c *cardsCmd) judged(a *app, cards []gpu.Card) (judged, error) {
	if a.cli.GPU != "" {
		cd, err := a.card(a.cli.GPU)
		return judged{card: cd, chosenBy: chosenFlag}, err
	}
	fallback := func(why string) (judged, error) {
		cd, err := a.defaultCard(cards)
		if err != nil {
			return judged{}, usageError{fmt.Errorf("%s; %w", why, err)}
		}
		return judged{card: cd, chosenBy: chosenDefault, note: why}, nil
	}
	src, err := a.source()
	var nf errNoGPU
	if errors.As(err, &nf) {
		return fallback(oneLine(err.Error()))
	}
	if err != nil {
		return judged{}, err
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := src.Sample(ctx)
	if err != nil {
		return fallback("sampling the GPU: " + oneLine(err.Error()))
	}
	if len(snap.Devices) == 0 {
		return fallback("the driver reports no GPU")
	}
	name := snap.Devices[0].Name
	cd, err := gpu.FindCard(cards, name)
	if err != nil {
		return fallback(fmt.Sprintf("the live GPU %q is not in the card catalogue", gpu.Clean(name)))
	}
	j := judged{card: cd, chosenBy: chosenLive}
	if a.cli.Demo {
		j.chosenBy = chosenDemo
	}
	if len(snap.Devices) > 1 {
		j.note = fmt.Sprintf("GPU 0 of %d", len(snap.Devices))
	}
	return j, nil
}

// cardSpec is what the comparison needs of a catalogue card.
func cardSpec(c gpu.Card) fit.CardSpec {
	s := fit.CardSpec{Name: c.Name, Class: c.Class, MemoryBytes: c.MemoryBytes, Unified: c.UnifiedMemory}
	if c.BandwidthBytesPerS != nil {
		s.BandwidthBytesPerS = *c.BandwidthBytesPerS
	}
	if c.LaunchPriceUSD != nil {
		s.PriceUSD = *c.LaunchPriceUSD
	}
	return s
}
