package catalog

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/jsonpos"
	"github.com/headroom-dev/headroom/internal/sanitize"
)

// Card is one entry of the card catalogue (gpus.json): what a card offers
// a model, as its vendor's datasheet states it. Unknown figures are nil.
type Card struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	// Class is "consumer", "workstation", "datacenter" or "unified".
	Class              string  `json:"class"`
	MemoryBytes        uint64  `json:"memory_bytes"`
	BandwidthBytesPerS *uint64 `json:"bandwidth_bytes_per_s"`
	// MemoryType is the memory's kind as the datasheet names it: GDDR6X,
	// GDDR7, HBM3, LPDDR5X…; "" when unknown.
	MemoryType        string            `json:"memory_type"`
	ComputeCapability *string           `json:"compute_capability"`
	Precisions        map[string]bool   `json:"precisions"`
	TDPW              *int              `json:"tdp_w"`
	LaunchPriceUSD    *int              `json:"launch_price_usd"`
	LaunchYear        int               `json:"launch_year"`
	NVML              bool              `json:"nvml"`
	UnifiedMemory     bool              `json:"unified_memory"`
	Source            map[string]string `json:"source"`
	// Unlisted marks a card built from what the driver reports for a GPU
	// the catalogue does not hold (see ForDevice): its class, bandwidth
	// and price are unknown. A catalogue file cannot set it.
	Unlisted bool `json:"-"`
}

// Bounds on a card's figures: far beyond any real card, so that a typo
// (or a hostile catalogue) is an error rather than arithmetic on absurd
// numbers. Memory is bounded by gpu.MaxMemoryBytes.
const (
	// maxBandwidth is 1 PB/s, over a hundred times a B200's 8 TB/s.
	maxBandwidth = 1e15
	// maxPriceUSD is $10 million a card.
	maxPriceUSD = 10_000_000
	// maxTDPW is 10 kW, ten times the largest accelerator's.
	maxTDPW = 10_000
)

// computeCapability is how NVIDIA writes a compute capability: "8.9".
var computeCapability = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{1,2}$`)

// CardClasses lists the valid values of Card.Class.
var CardClasses = []string{"consumer", "workstation", "datacenter", "unified"}

// DefaultCard is the card planning mode assumes when no GPU can be read:
// the largest card an individual can buy, which headroom is built around.
const DefaultCard = "RTX PRO 6000 Blackwell Workstation"

// ReadCards reads a card catalogue. name is the file name used in errors,
// which give the line and the field of any bad entry.
func ReadCards(r io.Reader, name string) ([]Card, error) {
	elems, err := jsonpos.ReadArray(r, name)
	if err != nil {
		return nil, err
	}
	// seen maps each name and alias, in lower case, to the entry that has
	// it; an entry may repeat its own name as an alias.
	seen := map[string]jsonpos.Element{}
	cards := make([]Card, 0, len(elems))
	for _, e := range elems {
		var c Card
		if err := e.Decode(&c, true); err != nil {
			return nil, err
		}
		if err := checkCard(e, c); err != nil {
			return nil, err
		}
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			k := strings.ToLower(n)
			if other, dup := seen[k]; dup && other.Index != e.Index {
				return nil, e.Errorf("aliases", "%q is already used by entry %d, on line %d", n, other.Index+1, other.Line)
			}
			seen[k] = e
		}
		cards = append(cards, c)
	}
	if len(cards) == 0 {
		return nil, fmt.Errorf("%s: the card catalogue is empty", name)
	}
	return cards, nil
}

func checkCard(e jsonpos.Element, c Card) error {
	if f, v, bad := sanitize.UnsafeField(&c); bad {
		return e.Errorf(f, "%q holds control or invisible formatting characters; headroom will not print it", v)
	}
	switch {
	case strings.TrimSpace(c.Name) == "":
		return e.Errorf("name", "every card needs a name")
	case c.MemoryBytes == 0:
		return e.Errorf("memory_bytes", "card %q: memory must be more than 0 bytes", c.Name)
	case c.MemoryBytes > gpu.MaxMemoryBytes:
		return e.Errorf("memory_bytes", "card %q: %d bytes is beyond any real card (at most %d)", c.Name, c.MemoryBytes, uint64(gpu.MaxMemoryBytes))
	case c.BandwidthBytesPerS != nil && (*c.BandwidthBytesPerS == 0 || *c.BandwidthBytesPerS > maxBandwidth):
		return e.Errorf("bandwidth_bytes_per_s", "card %q: bandwidth must be more than 0 and at most %d bytes/s, or null when unknown", c.Name, uint64(maxBandwidth))
	case c.LaunchPriceUSD != nil && (*c.LaunchPriceUSD <= 0 || *c.LaunchPriceUSD > maxPriceUSD):
		return e.Errorf("launch_price_usd", "card %q: price must be more than 0 and at most %d, or null when unknown", c.Name, maxPriceUSD)
	case c.TDPW != nil && (*c.TDPW <= 0 || *c.TDPW > maxTDPW):
		return e.Errorf("tdp_w", "card %q: TDP must be more than 0 and at most %d W, or null when unknown", c.Name, maxTDPW)
	case c.LaunchYear != 0 && (c.LaunchYear < 1990 || c.LaunchYear > 2100):
		return e.Errorf("launch_year", "card %q: %d is not a launch year", c.Name, c.LaunchYear)
	case c.ComputeCapability != nil && !computeCapability.MatchString(*c.ComputeCapability):
		return e.Errorf("compute_capability", "card %q: %q is not a compute capability such as \"12.0\"", c.Name, *c.ComputeCapability)
	}
	for _, k := range CardClasses {
		if c.Class == k {
			return nil
		}
	}
	return e.Errorf("class", "card %q: class %q is not one of %s", c.Name, c.Class, strings.Join(CardClasses, ", "))
}

// AmbiguousError is returned by FindCard when a query matches several cards.
type AmbiguousError struct {
	Query      string
	Candidates []string
}

// Error lists the cards the query matches.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches several cards: %s", e.Query, strings.Join(e.Candidates, "; "))
}

// FindCard finds the card a person named (after --gpu): by its name or any
// alias, ignoring case; failing that, by a part of a name or alias that
// only one card has. A GPU that NVML names is matched with ForDevice,
// which never guesses from a part.
func FindCard(cards []Card, query string) (Card, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return Card{}, fmt.Errorf("no card name given")
	}
	for _, c := range cards {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if strings.ToLower(n) == q {
				return c, nil
			}
		}
	}
	var hits []Card
	for _, c := range cards {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if strings.Contains(strings.ToLower(n), q) {
				hits = append(hits, c)
				break
			}
		}
	}
	switch len(hits) {
	case 0:
		return Card{}, fmt.Errorf("no card in the catalogue matches %q (headroom cards lists them)", query)
	case 1:
		return hits[0], nil
	}
	names := make([]string, len(hits))
	for i, c := range hits {
		names[i] = c.Name
	}
	sort.Strings(names)
	return Card{}, &AmbiguousError{Query: query, Candidates: names}
}
