package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// snapshotCmd is `headroom snapshot`.
type snapshotCmd struct {
	JSON   bool `name:"json" help:"Print one JSON object instead of a table."`
	Device int  `name:"device" default:"0" placeholder:"N" help:"Which GPU the fit list is computed for."`
}

// sampleTimeout bounds one sample: NVML calls cannot be interrupted, but a
// driver that hangs longer than this is reported rather than waited on.
const sampleTimeout = 10 * time.Second

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
	return a.writeSnapshot(src, c.JSON, c.Device)
}

// printSnapshot samples src once and prints it as a table, fits computed
// for the first GPU.
func (a *app) printSnapshot(src gpu.Source, asJSON bool) error {
	return a.writeSnapshot(src, asJSON, 0)
}

// snapshotOut is the JSON form of `headroom snapshot`. Anything that could
// not be read is null.
type snapshotOut struct {
	Time          time.Time    `json:"time"`
	Source        gpu.Kind     `json:"source"`
	DriverVersion *string      `json:"driver_version"`
	CUDAVersion   *string      `json:"cuda_version"`
	Devices       []gpu.Device `json:"devices"`
	Notes         []string     `json:"notes"`
	// FitsDevice is the index of the GPU the fits are for.
	FitsDevice int      `json:"fits_device"`
	Fits       []fitOut `json:"fits"`
}

// fitOut is one model at one precision, graded against one GPU.
type fitOut struct {
	Model         string        `json:"model"`
	Precision     fit.Precision `json:"precision"`
	Runtime       fit.Runtime   `json:"runtime"`
	Context       int           `json:"context"`
	RequiredBytes uint64        `json:"required_bytes"`
	// Status is the grade's name, or "n/a" when the request could not be
	// graded (Reason says why), as the UI shows it.
	Status     string `json:"status"`
	MaxContext int    `json:"max_context"`
	// Reason says why a request could not be graded (a precision the
	// runtime cannot load); absent otherwise.
	Reason string `json:"reason,omitempty"`
}

// writeSnapshot samples src once, grades the catalogue against GPU device,
// and prints both.
func (a *app) writeSnapshot(src gpu.Source, asJSON bool, device int) error {
	ctx, cancel := context.WithTimeout(context.Background(), sampleTimeout)
	defer cancel()
	snap, err := src.Sample(ctx)
	if err != nil {
		return statusError{3, fmt.Errorf("reading the GPU: %w", err)}
	}
	if device < 0 || device >= len(snap.Devices) {
		return usageError{fmt.Errorf("--device %d: there is no such GPU (%s)", device, gpuCount(len(snap.Devices)))}
	}
	models, cards, err := a.catalogues()
	if err != nil {
		return err
	}
	ctxLen := int(a.cli.Context)
	fits, why := gradeAll(models, snap.Devices[device], cards, ctxLen)
	if why != "" {
		snap.Notes = append(snap.Notes, "not graded: "+why)
	}
	if asJSON {
		out := snapshotOut{
			Time: snap.Time, Source: snap.Source,
			DriverVersion: nonEmpty(snap.DriverVersion), CUDAVersion: nonEmpty(snap.CUDAVersion),
			Devices: snap.Devices, Notes: snap.Notes, FitsDevice: device, Fits: fits,
		}
		if out.Notes == nil {
			out.Notes = []string{}
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing the snapshot: %w", err)
		}
		return nil
	}
	return writeSnapshotText(a.stdout, snap, device, fits, models, ctxLen)
}

// gradeAll grades every model at every precision, each under the runtime
// that loads it, against dev's memory as it is now. When the memory cannot be read it grades nothing and says
// why.
func gradeAll(models []fit.Model, dev gpu.Device, cards []gpu.Card, ctxLen int) ([]fitOut, string) {
	fits := []fitOut{}
	b, err := catalog.Budget(dev)
	if err != nil {
		return fits, err.Error()
	}
	if c, ok := exactCard(cards, dev.Name); ok && c.BandwidthBytesPerS != nil {
		b.BandwidthBytesPerS = *c.BandwidthBytesPerS
	}
	for _, m := range models {
		for _, p := range fit.Precisions {
			rt := fit.RuntimeFor(p, fit.VLLM)
			v := fit.Grade(m, fit.Request{Precision: p, Runtime: rt, Context: ctxLen}, b)
			fits = append(fits, fitOut{
				Model: m.ID, Precision: p, Runtime: rt, Context: ctxLen, RequiredBytes: v.RequiredBytes,
				Status: statusName(v), MaxContext: v.MaxContext, Reason: v.Reason,
			})
		}
	}
	return fits, ""
}

// notGraded is the status of a request the engine could not grade.
const notGraded = "n/a"

// statusName is v's status as the JSON and the text name it: "n/a" when
// v carries a reason it could not be graded.
func statusName(v fit.Verdict) string {
	if v.Reason != "" {
		return notGraded
	}
	return v.Status.String()
}

// exactCard finds the catalogue card whose name or an alias is name,
// ignoring case: the name NVML reports, or a planned card's own. Unlike
// gpu.FindCard it never guesses from a part.
func exactCard(cards []gpu.Card, name string) (gpu.Card, bool) {
	c, err := gpu.FindCard(cards, name)
	if err != nil {
		return gpu.Card{}, false
	}
	for _, n := range append([]string{c.Name}, c.Aliases...) {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return c, true
		}
	}
	return gpu.Card{}, false
}

// nonEmpty is s, or nil (JSON null) when s is empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
