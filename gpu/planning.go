package gpu

import (
	"context"
	"time"
)

// Planning is a Source that reports a card with nothing in use. It answers
// "what could I run on this card when it is empty?". The card catalogue
// fills it in (catalog.Plan).
type Planning struct {
	Name              string
	MemoryBytes       uint64 // what a process can use on the empty card
	ComputeCapability string // "" when unknown
	UnifiedMemory     bool
	// Reason says why planning mode is in use, e.g. why NVML could not be
	// read; empty when the user asked for it with --gpu.
	Reason string
}

// Banner is the line every view shows in planning mode.
func (p Planning) Banner() string {
	return "planning for " + p.Name + ": not a live reading"
}

// Sample returns the card, empty. Reserved is left unknown: the catalogue
// holds the marketed capacity, not what the driver keeps back.
func (p Planning) Sample(context.Context) (Snapshot, error) {
	d := Device{
		Name:          p.Name,
		UnifiedMemory: p.UnifiedMemory,
		MemorySource:  "catalogue",
		Memory: Memory{
			Total: Read(p.MemoryBytes),
			Used:  Read(uint64(0)),
			Free:  Read(p.MemoryBytes),
		},
		Processes:         []Process{},
		ComputeCapability: p.ComputeCapability,
	}
	snap := Snapshot{Time: time.Now(), Source: KindPlanning, Devices: []Device{d}, Notes: []string{p.Banner()}}
	if p.Reason != "" {
		snap.Notes = append(snap.Notes, p.Reason)
	}
	return snap, nil
}

// Close does nothing.
func (Planning) Close() error { return nil }
