package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/headroom-dev/headroom/gpu"
)

// snapshotCmd is `headroom snapshot`.
type snapshotCmd struct {
	JSON   bool `name:"json" help:"Print one JSON object instead of a table."`
	Device int  `name:"device" default:"0" placeholder:"N" help:"Which GPU the fit list is computed for."`
}

// Run takes one sample and prints it. Without a live GPU (and without
// --gpu or --demo) it exits 3.
func (c *snapshotCmd) Run(a *app) error {
	src, err := a.source()
	if err != nil {
		if _, ok := err.(errNoGPU); ok {
			return statusError{3, fmt.Errorf("%w (use --gpu NAME to plan for a card, or --demo)", err)}
		}
		return err
	}
	defer src.Close()
	return a.printSnapshot(src, c.JSON)
}

// printSnapshot samples src once and prints it.
func (a *app) printSnapshot(src gpu.Source, asJSON bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := src.Sample(ctx)
	if err != nil {
		return fmt.Errorf("sampling the GPU: %w", err)
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(snap)
	}
	for _, n := range snap.Notes {
		fmt.Fprintln(a.stdout, n)
	}
	for _, d := range snap.Devices {
		m := d.Memory
		fmt.Fprintf(a.stdout, "GPU %d  %s  total %s  used %s  free %s\n", d.Index, d.Name,
			gib(m.Total), gib(m.Used), gib(m.Free))
	}
	return nil
}

// gib formats a memory reading in GiB, or "n/a" when it was not read.
func gib(r gpu.Reading[uint64]) string {
	if !r.OK {
		return "n/a"
	}
	return fmt.Sprintf("%.1f GiB", float64(r.Value)/(1<<30))
}
