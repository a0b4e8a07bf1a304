package gpu

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/headroom-dev/headroom/internal/jsonpos"
)

// Card is one entry of the card catalogue (gpus.json): what a card offers
// a model, as its vendor's datasheet states it. Unknown figures are nil.
type Card struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	// Class is "consumer", "workstation", "datacenter" or "unified".
	Class              string            `json:"class"`
	MemoryBytes        uint64            `json:"memory_bytes"`
	BandwidthBytesPerS *uint64           `json:"bandwidth_bytes_per_s"`
	ComputeCapability  *string           `json:"compute_capability"`
	Precisions         map[string]bool   `json:"precisions"`
	TDPW               *int              `json:"tdp_w"`
	LaunchPriceUSD     *int              `json:"launch_price_usd"`
	LaunchYear         int               `json:"launch_year"`
	NVML               bool              `json:"nvml"`
	UnifiedMemory      bool              `json:"unified_memory"`
	Source             map[string]string `json:"source"`
}

// CardClasses lists the valid values of Card.Class.
var CardClasses = []string{"consumer", "workstation", "datacenter", "unified"}

// DefaultCard is the card planning mode assumes when no GPU can be read:
// the largest card an individual can buy, which headroom is built around.
const DefaultCard = "RTX PRO 6000 Blackwell Workstation"

// LoadCards reads a card catalogue. name is the file name used in errors,
// which give the line and the field of any bad entry.
func LoadCards(r io.Reader, name string) ([]Card, error) {
	elems, err := jsonpos.ReadArray(r, name)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
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
			if line, dup := seen[k]; dup && line != e.Line {
				return nil, e.Errorf("aliases", "%q is already used by the entry on line %d", n, line)
			}
			seen[k] = e.Line
		}
		cards = append(cards, c)
	}
	if len(cards) == 0 {
		return nil, fmt.Errorf("%s: the card catalogue is empty", name)
	}
	return cards, nil
}

func checkCard(e jsonpos.Element, c Card) error {
	switch {
	case strings.TrimSpace(c.Name) == "":
		return e.Errorf("name", "every card needs a name")
	case c.MemoryBytes == 0:
		return e.Errorf("memory_bytes", "card %q: memory must be more than 0 bytes", c.Name)
	case c.MemoryBytes > maxPlausibleMemory:
		return e.Errorf("memory_bytes", "card %q: %d bytes is more memory than any card has (at most 1 PiB)", c.Name, c.MemoryBytes)
	case c.BandwidthBytesPerS != nil && *c.BandwidthBytesPerS == 0:
		return e.Errorf("bandwidth_bytes_per_s", "card %q: bandwidth must be more than 0, or null when unknown", c.Name)
	case c.LaunchPriceUSD != nil && *c.LaunchPriceUSD <= 0:
		return e.Errorf("launch_price_usd", "card %q: price must be more than 0, or null when unknown", c.Name)
	case c.TDPW != nil && *c.TDPW <= 0:
		return e.Errorf("tdp_w", "card %q: TDP must be more than 0, or null when unknown", c.Name)
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

// FindCard finds a card by its name or any alias, ignoring case; failing
// that, by a part of a name or alias that only one card has.
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
