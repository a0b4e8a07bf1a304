package main

import (
	"context"
	"fmt"
	"time"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/fleet"
	"github.com/headroom-dev/headroom/report"
)

// fleetCmd is `headroom fleet`: which GPU of the fleet can load a model now.
type fleetCmd struct {
	Prometheus string        `required:"" placeholder:"URL" help:"Prometheus server to read the fleet from, e.g. http://prometheus:9090 (user:password@ for basic authentication)."`
	Model      []string      `placeholder:"MODEL" help:"Models to place (repeatable; default every catalogue model)."`
	Precision  []string      `placeholder:"P" help:"Precisions to place them at (repeatable; default native)."`
	Runtime    string        `default:"vllm" placeholder:"R" help:"Runtime preferred where a precision has a choice: vllm, llama.cpp or transformers."`
	TP         bool          `name:"tp" help:"Grade each host's GPUs together, with tensor parallelism over them."`
	Timeout    time.Duration `default:"5s" help:"How long to wait for Prometheus."`
	JSON       bool          `name:"json" help:"Print one JSON object instead of text."`
}

// Run reads the fleet from Prometheus and places each model asked for.
func (c *fleetCmd) Run(a *app) error {
	rt, err := fit.ParseRuntime(c.Runtime)
	if err != nil {
		return usageError{fmt.Errorf("--runtime: %w", err)}
	}
	precisions := []fit.Precision{fit.Native}
	if len(c.Precision) > 0 {
		precisions = nil
		for _, s := range c.Precision {
			p, err := fit.ParsePrecision(s)
			if err != nil {
				return usageError{fmt.Errorf("--precision: %w", err)}
			}
			precisions = append(precisions, p)
		}
	}
	if c.Timeout <= 0 || c.Timeout > 5*time.Minute {
		return usageError{fmt.Errorf("--timeout: %s is out of range (above 0, at most 5m)", c.Timeout)}
	}
	rd, err := fleet.NewReader(c.Prometheus, c.Timeout)
	if err != nil {
		return usageError{err}
	}
	models, cards, err := a.catalogues()
	if err != nil {
		return err
	}
	chosen := models
	if len(c.Model) > 0 {
		chosen = nil
		for _, id := range c.Model {
			m, err := catalog.FindModel(models, id)
			if err != nil {
				return usageError{fmt.Errorf("--model: %w", err)}
			}
			chosen = append(chosen, m)
		}
	}
	now := time.Now()
	gpus, err := rd.Read(context.Background(), now)
	if err != nil {
		return err
	}
	var fits []report.FleetFit
	for _, m := range chosen {
		for _, p := range precisions {
			r := fleet.Request{Model: m, Request: fit.Request{Precision: p, Runtime: m.RuntimeFor(p, rt), Context: a.cli.Context.Last()}}
			fits = append(fits, report.NewFleetFit(r, c.TP, fleet.Placements(gpus, cards, r, c.TP)))
		}
	}
	rep := report.NewFleet(fleet.Redact(c.Prometheus), now, gpus, fits)
	if c.JSON {
		return report.WriteJSON(a.stdout, rep)
	}
	return report.WriteFleetText(a.stdout, rep)
}
