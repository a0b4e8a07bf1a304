package main

import (
	"errors"
	"fmt"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/report"
)

// cardsCmd is `headroom cards`: every card of the catalogue graded with
// the model catalogue, then a verdict on the live card (or --gpu).
type cardsCmd struct {
	Precision string `name:"precision" default:"native" placeholder:"P" help:"native, bf16, fp8, int8, gptq8, nvfp4, mxfp4, awq4, gptq4, nf4, or a GGUF type: q8_0, q6_k, q5_k_m, q4_k_m, iq4_xs, q3_k_m, iq3_xxs, q2_k."`
	Runtime   string `name:"runtime" placeholder:"R" help:"vllm, llama.cpp or transformers (default: llama.cpp for the GGUF types, else vllm)."`
	Price     int    `name:"price" placeholder:"USD" help:"Judge the verdict's card at this price (what you paid) instead of the catalogue's launch price."`
	JSON      bool   `name:"json" help:"Print JSON instead of a table."`
}

// Run prints the comparison and the verdict. A live GPU the catalogue
// does not hold is graded from its own memory, beside the catalogue's.
func (c *cardsCmd) Run(a *app) error {
	r, err := c.request(a.cli.Context.Last())
	if err != nil {
		return err
	}
	models, cards, err := a.catalogues()
	if err != nil {
		return err
	}
	j, err := c.judged(a)
	var nv noVerdict
	if errors.As(err, &nv) {
		t, err := fit.CompareCards(models, catalog.Specs(cards), r)
		if err != nil {
			return usageError{fmt.Errorf("--precision %s --runtime %s: %w", r.Precision, r.Runtime, err)}
		}
		rep := report.NewCardsWithoutVerdict(t, nv.why, models)
		if c.JSON {
			return report.WriteJSON(a.stdout, rep)
		}
		rep.SetWidth(a.textWidth())
		return report.WriteCardsText(a.stdout, rep)
	}
	if err != nil {
		return err
	}
	specs := catalog.Specs(cards)
	if j.Card.Unlisted {
		specs = append(specs, catalog.Spec(j.Card))
	}
	t, err := fit.CompareCards(models, specs, r)
	if err != nil {
		return usageError{fmt.Errorf("--precision %s --runtime %s: %w", r.Precision, r.Runtime, err)}
	}
	v, err := t.Judge(j.Card.Name, c.Price)
	if err != nil {
		return fmt.Errorf("judging %s: %w", j.Card.Name, err)
	}
	rep := report.NewCards(t, v, j, c.Price > 0, models)
	if c.JSON {
		return report.WriteJSON(a.stdout, rep)
	}
	rep.SetWidth(a.textWidth())
	return report.WriteCardsText(a.stdout, rep)
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

// judged picks the verdict's card: --gpu, else the live GPU's card (its
// catalogue entry, or one built from what the driver reports), else the
// default card, saying why.
func (c *cardsCmd) judged(a *app) (report.Judged, error) {
	if a.cli.GPU != "" {
		cd, err := a.card(a.cli.GPU)
		return report.Judged{Card: cd, ChosenBy: report.ChosenFlag}, err
	}
	fallback := func(why string) (report.Judged, error) {
		cd, err := a.defaultCard()
		if err != nil {
			// The table stands without a verdict: say why, once.
			return report.Judged{}, noVerdict{fmt.Sprintf("%s, and %s", why, oneLine(err.Error()))}
		}
		return report.Judged{Card: cd, ChosenBy: report.ChosenDefault, Note: why}, nil
	}
	src, err := a.source()
	var nf *noGPUError
	if errors.As(err, &nf) {
		return fallback(oneLine(err.Error()))
	}
	if err != nil {
		return report.Judged{}, err
	}
	defer src.Close()
	snap, err := gpu.SampleOnce(src)
	if err != nil {
		return fallback("sampling the GPU: " + oneLine(err.Error()))
	}
	if len(snap.Devices) == 0 {
		return fallback("the driver reports no GPU")
	}
	d := snap.Devices[0]
	if d.Lost || !d.Memory.Total.OK {
		return fallback(fmt.Sprintf("GPU 0 (%s) has no memory reading", d.Name))
	}
	cards, err := a.cards()
	if err != nil {
		return report.Judged{}, err
	}
	j := report.Judged{Card: catalog.ForDevice(cards, d), ChosenBy: report.ChosenLive}
	if a.cli.Demo {
		j.ChosenBy = report.ChosenDemo
	}
	if len(snap.Devices) > 1 {
		j.Note = fmt.Sprintf("GPU 0 of %d", len(snap.Devices))
	}
	return j, nil
}

// noVerdict is a comparison with no card to judge: no live GPU, and a
// card catalogue without the default card. The table is printed; the
// verdict is replaced by why.
type noVerdict struct{ why string }

// Error is why.
func (e noVerdict) Error() string { return e.why }
