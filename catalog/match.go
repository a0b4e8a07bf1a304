package catalog

import (
	"strconv"
	"strings"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// Match is the card whose name or an alias is name, ignoring case and the
// spaces around it; false when none is. It never guesses from a part of a
// name: NVML's "NVIDIA L4" is not an "L40S".
func Match(cards []Card, name string) (Card, bool) {
	q := strings.TrimSpace(name)
	if q == "" {
		return Card{}, false
	}
	for _, c := range cards {
		if strings.EqualFold(c.Name, q) {
			return c, true
		}
		for _, a := range c.Aliases {
			if strings.EqualFold(a, q) {
				return c, true
			}
		}
	}
	return Card{}, false
}

// ForDevice is the card for a GPU as the driver reports it: its catalogue
// entry when the name NVML gives is a card's name or alias, else a card
// built from the driver's own figures (its name, total memory and compute
// capability) with class, bandwidth and price unknown and Unlisted set.
// Another card's figures are never borrowed.
func ForDevice(cards []Card, d gpu.Device) Card {
	if c, ok := Match(cards, d.Name); ok {
		return c
	}
	c := Card{Name: d.Name, UnifiedMemory: d.UnifiedMemory, NVML: true, Unlisted: true}
	if c.Name == "" {
		c.Name = "GPU " + strconv.Itoa(d.Index)
	}
	if d.Memory.Total.OK {
		c.MemoryBytes = d.Memory.Total.Value
	}
	if d.ComputeCapability != "" {
		cc := d.ComputeCapability
		c.ComputeCapability = &cc
	}
	return c
}

// NotListed is what every output says of a card ForDevice built: the
// figures it lacks and why.
const NotListed = "not in the card catalogue: graded from the driver's memory reading; bandwidth, price and class unknown"

// Spec is a card as the fit engine takes it: unknown figures are 0.
func Spec(c Card) fit.CardSpec {
	s := fit.CardSpec{Name: c.Name, Class: c.Class, MemoryBytes: c.MemoryBytes, Unified: c.UnifiedMemory,
		HBM: strings.HasPrefix(strings.ToUpper(c.MemoryType), "HBM")}
	if c.BandwidthBytesPerS != nil {
		s.BandwidthBytesPerS = *c.BandwidthBytesPerS
	}
	if c.LaunchPriceUSD != nil {
		s.PriceUSD = *c.LaunchPriceUSD
	}
	switch {
	case c.ComputeCapability != nil:
		s.Compute = fit.ParseCapability(*c.ComputeCapability)
	case !c.NVML:
		s.Compute = fit.NotCUDA // NVML does not see it: not NVIDIA's
	}
	return s
}

// Specs is Spec of every card, in order.
func Specs(cards []Card) []fit.CardSpec {
	out := make([]fit.CardSpec, len(cards))
	for i, c := range cards {
		out[i] = Spec(c)
	}
	return out
}

// Plan is the planning source for card c: the card, empty. reason says
// why planning is in use ("" when the user asked for it).
func Plan(c Card, reason string) gpu.Planning {
	p := gpu.Planning{Name: c.Name, MemoryBytes: c.MemoryBytes, UnifiedMemory: c.UnifiedMemory, Reason: reason}
	if c.ComputeCapability != nil {
		p.ComputeCapability = *c.ComputeCapability
	}
	return p
}
