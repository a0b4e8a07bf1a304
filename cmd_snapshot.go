package main

import (
	"errors"
	"fmt"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/report"
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
	var nf *noGPUError
	if errors.As(err, &nf) {
		return statusError{3, fmt.Errorf("%w (use --gpu NAME to plan for a card, or --demo)", err)}
	}
	if err != nil {
		return err
	}
	defer src.Close()
	return a.writeSnapshot(src, c.JSON, c.Device)
}

// writeSnapshot samples src once, grades the catalogue against GPU device,
// and prints both.
func (a *app) writeSnapshot(src gpu.Source, asJSON bool, device int) error {
	snap, err := gpu.SampleOnce(src)
	if err != nil {
		return statusError{3, fmt.Errorf("reading the GPU: %w", err)}
	}
	if device < 0 || device >= len(snap.Devices) {
		return usageError{fmt.Errorf("--device %d: there is no such GPU (%s)", device, gpuCount(len(snap.Devices)))}
	}
	cards, err := a.cards()
	if err != nil {
		return err
	}
	ls, err := a.listed()
	if err != nil {
		return err
	}
	rep := report.NewSnapshot(snap, device, ls, cards, a.cli.Context.Last())
	if asJSON {
		return report.WriteJSON(a.stdout, rep)
	}
	return report.WriteSnapshotText(a.stdout, rep)
}

// gpuCount says how many GPUs there are and how they are numbered.
func gpuCount(n int) string {
	switch n {
	case 0:
		return "no GPU was found"
	case 1:
		return "there is one GPU: 0"
	}
	return fmt.Sprintf("there are %d GPUs: 0 to %d", n, n-1)
}
