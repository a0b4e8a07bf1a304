package gpu

import (
	"context"
	"time"
)

// Planning is a Source that reports a catalogue card with nothing in use.
// It answers "what could I run on this card when it is empty?".
type Planning struct {
	Card Card
	// Reason says why planning mode is in use, e.g. why NVML could not be
	// read; empty when the user asked for it with --gpu.
	Reason string
}

// Banner is the line every view shows in planning mode.
func (p Planning) Banner() string {
	return "planning for " + p.Card.Name + ": not a live reading"
}

// Sample returns the card, empty. Reserved is left unknown: the catalogue
// holds the marketed capacity, not what the driver keeps back.
func (p Planning) Sample(context.Context) (Snapshot, error) {
	d := Device{
		Name:          p.Card.Name,
		UnifiedMemory: p.Card.UnifiedMemory,
		MemorySource:  "catalogue",
		Memory: Memory{
			Total: Read(p.Card.MemoryBytes),
			Used:  Read(uint64(0)),
			Free:  Read(p.Card.MemoryBytes),
		},
		Processes: []Process{},
	}
	if p.Card.ComputeCapability != nil {
		d.ComputeCapability = *p.Card.ComputeCapability
	}
	snap := Snapshot{Time: time.Now(), Source: KindPlanning, Devices: []Device{d}, Notes: []string{p.Banner()}}
	if p.Reason != "" {
		snap.Notes = append(snap.Notes, p.Reason)
	}
	return snap, nil
}

// Close does nothing.
func (Planning) Close() error { return nil }
