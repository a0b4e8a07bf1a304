package fit

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shippedCards reads the card catalogue the binary embeds, only the fields
// the comparison uses (fit cannot import gpu, which owns the loader).
func shippedCards(t testing.TB) []CardSpec {
	t.Helper()
	data, err := os.ReadFile("../gpus.json")
	require.NoError(t, err)
	var raw []struct {
		Name      string  `json:"name"`
		Class     string  `json:"class"`
		Memory    uint64  `json:"memory_bytes"`
		Bandwidth *uint64 `json:"bandwidth_bytes_per_s"`
		Price     *int    `json:"launch_price_usd"`
		Unified   bool    `json:"unified_memory"`
		Compute   *string `json:"compute_capability"`
		NVML      bool    `json:"nvml"`
		MemType   string  `json:"memory_type"`
	}
	require.NoError(t, json.Unmarshal(data, &raw))
	cards := make([]CardSpec, len(raw))
	for i, r := range raw {
		cards[i] = CardSpec{Name: r.Name, Class: r.Class, MemoryBytes: r.Memory, Unified: r.Unified, HBM: strings.HasPrefix(r.MemType, "HBM")}
		if r.Bandwidth != nil {
			cards[i].BandwidthBytesPerS = *r.Bandwidth
		}
		if r.Price != nil {
			cards[i].PriceUSD = *r.Price
		}
		switch {
		case r.Compute != nil:
			cards[i].Compute = ParseCapability(*r.Compute)
		case !r.NVML:
			cards[i].Compute = NotCUDA
		}
	}
	require.GreaterOrEqual(t, len(cards), 20)
	return cards
}

// cardRequests are the precisions, runtimes and contexts the property
// tests sweep.
func cardRequests() map[string]Request {
	out := map[string]Request{}
	for _, p := range []Precision{Native, BF16, FP8, AWQ4, Q8_0, Q4_K_M} {
		for _, ctx := range []int{4096, 8192, 32768, 131072} {
			r := Request{Precision: p, Runtime: RuntimeFor(p, VLLM), Context: ctx}
			out[fmt.Sprintf("%s/%s/%s", p, r.Runtime, FormatContext(ctx))] = r
		}
	}
	return out
}

// TestCardsMonotonic: a card with more usable memory never fits a model
// that a smaller card fits, unless it cannot run the model's kernels; and
// the rows are in
// order of fitting models, then known price.
func TestCardsMonotonic(t *testing.T) {
	models, cards := loadCatalogue(t), shippedCards(t)
	for name, r := range cardRequests() {
		t.Run(name, func(t *testing.T) {
			tb, err := CompareCards(models, cards, r)
			require.NoError(t, err)
			require.Len(t, tb.Rows, len(cards))
			for _, a := range tb.Rows {
				for _, b := range tb.Rows {
					if a.Card.MemoryBytes < b.Card.MemoryBytes {
						continue
					}
					for _, id := range b.FittingIDs {
						if byID(t, models, id).RunsOn(r, a.Card.Compute) != nil {
							continue // n/a on a, whatever its memory
						}
						assert.Contains(t, a.FittingIDs, id, "%s fits on %s but not on %s, which has more memory", id, b.Card.Name, a.Card.Name)
					}
				}
			}
			for i := 1; i < len(tb.Rows); i++ {
				a, b := tb.Rows[i-1], tb.Rows[i]
				require.GreaterOrEqual(t, a.FittingModels(), b.FittingModels(), "%s before %s", a.Card.Name, b.Card.Name)
				if a.FittingModels() == b.FittingModels() && b.Card.PriceUSD > 0 {
					assert.True(t, a.Card.PriceUSD > 0 && a.Card.PriceUSD <= b.Card.PriceUSD,
						"%s (%d) before %s (%d)", a.Card.Name, a.Card.PriceUSD, b.Card.Name, b.Card.PriceUSD)
				}
			}
		})
	}
}

// TestCardsMonotonicInMemory sweeps made-up cards from 8 to 200 GiB in
// steps of 1 GiB: each fits at least what the one below it fits.
func TestCardsMonotonicInMemory(t *testing.T) {
	models := loadCatalogue(t)
	var cards []CardSpec
	for g := uint64(8); g <= 200; g++ {
		cards = append(cards, CardSpec{Name: fmt.Sprint(g), MemoryBytes: g * GiB})
	}
	for name, r := range cardRequests() {
		t.Run(name, func(t *testing.T) {
			tb, err := CompareCards(models, cards, r)
			require.NoError(t, err)
			for g := uint64(9); g <= 200; g++ {
				small, _ := tb.Row(fmt.Sprint(g - 1))
				big, _ := tb.Row(fmt.Sprint(g))
				for _, id := range small.FittingIDs {
					assert.Contains(t, big.FittingIDs, id, "%s fits %d GiB but not %d GiB", id, g-1, g)
				}
			}
		})
	}
}

// TestCardRowFigures checks each row's derived figures against the fit
// engine called directly.
func TestCardRowFigures(t *testing.T) {
	models, cards := loadCatalogue(t), shippedCards(t)
	r := Request{Precision: Native, Runtime: VLLM, Context: 8192}
	tb, err := CompareCards(models, cards, r)
	require.NoError(t, err)
	assert.Equal(t, ReferenceModel, tb.Reference)
	ref := byID(t, models, ReferenceModel)
	for _, row := range tb.Rows {
		t.Run(row.Card.Name, func(t *testing.T) {
			c := row.Card
			b := Budget{FreeBytes: c.MemoryBytes, UsableBytes: c.MemoryBytes, TotalBytes: c.MemoryBytes, GPUs: 1, Compute: c.Compute}
			var want []string
			var largest Model
			for _, m := range models {
				if Grade(m, r, b).Status == Fits {
					want = append(want, m.ID)
					if largest.ID == "" || m.Params() > largest.Params() {
						largest = m
					}
				}
			}
			assert.Equal(t, want, row.FittingIDs)
			assert.Equal(t, largest.ID, row.Largest)
			refTPS, refOK := DecodeTokensPerSecond(ref, r, c.BandwidthBytesPerS, c.HBM)
			if slices.Contains(want, ReferenceModel) && refOK {
				assert.InDelta(t, refTPS, row.ReferenceTokensPerS, 1e-9)
			} else {
				assert.Zero(t, row.ReferenceTokensPerS)
			}
			if c.PriceUSD == 0 {
				assert.Zero(t, row.PricePerGB)
				assert.Zero(t, row.PricePerModel)
				return
			}
			assert.InDelta(t, float64(c.PriceUSD)*1e9/float64(c.MemoryBytes), row.PricePerGB, 1e-9)
			if len(want) > 0 {
				assert.InDelta(t, float64(c.PriceUSD)/float64(len(want)), row.PricePerModel, 1e-9)
			}
		})
	}
}

// TestVerdictRTXPro6000 judges the RTX PRO 6000 at native precision and
// 8K: the models it fits that a 48 GB card does not, and those that need
// more than its memory, both worked out here from Grade.
func TestVerdictRTXPro6000(t *testing.T) {
	models, cards := loadCatalogue(t), shippedCards(t)
	r := Request{Precision: Native, Runtime: VLLM, Context: 8192}
	card := func(name string) CardSpec {
		i := slices.IndexFunc(cards, func(c CardSpec) bool { return c.Name == name })
		require.GreaterOrEqual(t, i, 0, name)
		return cards[i]
	}
	pro, ada := card("RTX PRO 6000 Blackwell Workstation"), card("RTX 6000 Ada")
	fits := func(m Model, c CardSpec) bool {
		return Grade(m, r, Budget{FreeBytes: c.MemoryBytes, UsableBytes: c.MemoryBytes, TotalBytes: c.MemoryBytes, Compute: c.Compute}).Status == Fits
	}
	var onlyPro, tooBig, atLimit []string
	for _, m := range models {
		if m.ContextLimit() > 0 && m.ContextLimit() < r.Context {
			atLimit = append(atLimit, m.ID)
		}
		switch {
		case fits(m, pro) && !fits(m, ada):
			onlyPro = append(onlyPro, m.ID)
		case fits(m, pro):
		default:
			tooBig = append(tooBig, m.ID)
		}
	}
	require.NotEmpty(t, atLimit, "Phi-3-medium-4k allows 4K")
	require.NotEmpty(t, onlyPro)
	require.NotEmpty(t, tooBig)

	tb, err := CompareCards(models, cards, r)
	require.NoError(t, err)
	v, err := tb.Judge(pro.Name, 0)
	require.NoError(t, err)
	assert.ElementsMatch(t, tooBig, v.TooBig, "models that need more than the card's memory")
	assert.ElementsMatch(t, atLimit, v.AtModelLimit, "graded at their own maximum, not left out")
	i := slices.IndexFunc(v.Down, func(s CardStep) bool {
		return slices.ContainsFunc(s.Cards, func(c CardSpec) bool { return c.Name == ada.Name })
	})
	require.GreaterOrEqual(t, i, 0, "a step down holds the 48 GB card")
	assert.ElementsMatch(t, onlyPro, v.Down[i].Changed, "models on the RTX PRO 6000 but not a 48 GB card")
	// The chain of nested steps that ends at the 48 GB card loses each of
	// them once: its first step all it loses, each next one what it adds.
	var stepped []string
	for k := i; k >= 0; k-- {
		stepped = append(stepped, v.Down[k].Delta...)
		if !v.Down[k].Nested {
			break
		}
	}
	assert.ElementsMatch(t, onlyPro, stepped, "the steps down to 48 GB lose each of them once")

	require.NotEmpty(t, v.Up)
	var gained []string
	for _, s := range v.Up {
		gained = append(gained, s.Delta...)
		for _, c := range s.Cards {
			assert.Greater(t, c.MemoryBytes, pro.MemoryBytes, "%s fits more in less memory", c.Name)
		}
	}
	assert.ElementsMatch(t, v.TooBig, append(gained, v.FitsNowhere...), "every model too big is added by a step up or fits nowhere")
	assert.Equal(t, 1, v.ClassRank, "no workstation card fits more")
	assert.Contains(t, v.ClassTied, "RTX PRO 6000 Blackwell Max-Q Workstation")
	assert.Zero(t, v.PriceUSD, "the catalogue has no price for it")
	assert.Nil(t, v.Cheaper, "nothing is cheaper than an unknown price")
}

// TestVerdictCheaperAndFaster uses made-up cards to check the price
// comparisons and the bandwidth rule.
func TestVerdictCheaperAndFaster(t *testing.T) {
	models := loadCatalogue(t)
	cards := []CardSpec{
		{Name: "judged", Class: "workstation", MemoryBytes: 96 * GiB, BandwidthBytesPerS: 1000e9, PriceUSD: 8000},
		{Name: "twin", Class: "workstation", MemoryBytes: 96 * GiB, BandwidthBytesPerS: 500e9, PriceUSD: 6000},
		{Name: "small fast", Class: "consumer", MemoryBytes: 32 * GiB, BandwidthBytesPerS: 2000e9, PriceUSD: 2000},
		{Name: "small slow", Class: "consumer", MemoryBytes: 32 * GiB, BandwidthBytesPerS: 800e9, PriceUSD: 1500},
		{Name: "unpriced", Class: "datacenter", MemoryBytes: 48 * GiB, BandwidthBytesPerS: 3000e9},
		{Name: "dear", Class: "datacenter", MemoryBytes: 192 * GiB, BandwidthBytesPerS: 8000e9, PriceUSD: 30000},
	}
	tb, err := CompareCards(models, cards, Request{Precision: Native, Context: 8192})
	require.NoError(t, err)
	v, err := tb.Judge("judged", 0)
	require.NoError(t, err)
	var cheaper []string
	for _, d := range v.Cheaper {
		cheaper = append(cheaper, d.Card.Name)
		switch d.Card.Name {
		case "twin":
			assert.Empty(t, d.Lost)
			assert.Empty(t, d.Gained)
		default:
			assert.NotEmpty(t, d.Lost, d.Card.Name)
		}
	}
	assert.Equal(t, []string{"small slow", "small fast", "twin"}, cheaper, "known prices below $8,000, lowest first")
	require.NotEmpty(t, v.Speed)
	for _, s := range v.Speed {
		assert.Equal(t, "small fast", s.Card.Name, "only a cheaper card with more bandwidth")
		assert.Greater(t, s.TokensPerS, s.JudgedTokensPerS)
		assert.Contains(t, s.Models, s.Example)
	}
	assert.Equal(t, 2, v.ClassSize)
	assert.Contains(t, v.ClassTied, "twin")
	assert.Contains(t, v.ClassCheaperPerModel, "twin")
	assert.Equal(t, "dear", v.Up[0].Cards[0].Name)

	paid, err := tb.Judge("judged", 1800)
	require.NoError(t, err)
	require.Len(t, paid.Cheaper, 1, "at $1,800 only the $1,500 card is cheaper")
	assert.Equal(t, "small slow", paid.Cheaper[0].Card.Name)
	assert.Empty(t, paid.Speed, "and it has less bandwidth")

	free, err := tb.Judge("unpriced", 0)
	require.NoError(t, err)
	assert.Nil(t, free.Cheaper)
	for _, s := range free.Speed {
		assert.GreaterOrEqual(t, s.Card.BandwidthBytesPerS, uint64(3000e9))
		assert.NotZero(t, s.Card.PriceUSD)
	}
}

func TestCompareCardsErrors(t *testing.T) {
	models := loadCatalogue(t)
	_, err := CompareCards(models, shippedCards(t), Request{Precision: Q4_K_M, Runtime: VLLM, Context: 8192})
	assert.ErrorIs(t, err, ErrUnsupported)
	tb, err := CompareCards(models, shippedCards(t), Request{Context: 8192})
	require.NoError(t, err)
	_, err = tb.Judge("no such card", 0)
	assert.ErrorContains(t, err, "no such card")
}

// BenchmarkCardTable compares every shipped card with the shipped
// catalogue (25 cards × 30 models), alone and then with the verdict on
// one card, as `headroom cards` does.
func BenchmarkCardTable(b *testing.B) {
	models, cards := loadCatalogue(b), shippedCards(b)
	r := Request{Precision: Native, Runtime: VLLM, Context: 8192}
	b.Run("table", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := CompareCards(models, cards, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("table+verdict", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tb, err := CompareCards(models, cards, r)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tb.Judge("RTX PRO 6000 Blackwell Workstation", 8565); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A card with more memory that fits fewer models, because it cannot run
// the precision's kernels, is a step down that the next does not nest in:
// the next names all it loses, not "also" the difference.
func TestStepsDownThatDoNotNest(t *testing.T) {
	models, cards := loadCatalogue(t), shippedCards(t)
	const gib = uint64(1) << 30
	pro := cards[slices.IndexFunc(cards, func(c CardSpec) bool { return c.Name == "RTX PRO 6000 Blackwell Workstation" })]
	big := CardSpec{Name: "big, not NVIDIA's", Class: "unified", MemoryBytes: 128 * gib, Compute: NotCUDA}
	small := CardSpec{Name: "small", Class: "consumer", MemoryBytes: 48 * gib, Compute: 89}
	smaller := CardSpec{Name: "smaller", Class: "consumer", MemoryBytes: 24 * gib, Compute: 89}
	tb, err := CompareCards(models, []CardSpec{pro, big, small, smaller}, Request{Precision: Native, Runtime: VLLM, Context: 8192})
	require.NoError(t, err)
	v, err := tb.Judge(pro.Name, 0)
	require.NoError(t, err)
	require.Len(t, v.Down, 3)
	b, s, ss := v.Down[0], v.Down[1], v.Down[2]
	require.Equal(t, []string{big.Name, small.Name, smaller.Name}, []string{b.Cards[0].Name, s.Cards[0].Name, ss.Cards[0].Name})
	assert.Contains(t, b.Changed, "openai/gpt-oss-20b", "MXFP4 under vLLM needs CUDA")
	assert.NotContains(t, s.Changed, "openai/gpt-oss-20b", "a 48 GB NVIDIA card runs it")
	assert.False(t, s.Nested)
	assert.Equal(t, s.Changed, s.Delta, "not nested: all it loses")
	assert.True(t, ss.Nested, "24 GB loses all that 48 GB does, and more")
	assert.NotEmpty(t, ss.Delta)
	assert.ElementsMatch(t, ss.Changed, append(slices.Clone(ss.Delta), s.Changed...))
}

// At NVFP4, cards without FP4 tensor cores run it weight-only (same
// memory), and the verdict sets NVFP4 against FP8 on the judged card.
func TestNVFP4AgainstFP8AndWeightOnlyCards(t *testing.T) {
	models, cards := loadCatalogue(t), shippedCards(t)
	tb, err := CompareCards(models, cards, Request{Precision: NVFP4, Runtime: VLLM, Context: 8192})
	require.NoError(t, err)
	weightOnly := 0
	for _, row := range tb.Rows {
		c := row.Card.Compute
		want := c >= 80 && c < 100
		assert.Equal(t, want, row.WeightOnly, "%s (%s)", row.Card.Name, c)
		if row.WeightOnly {
			weightOnly++
		}
	}
	assert.Greater(t, weightOnly, 5, "Ampere, Ada and Hopper cards")
	pro := "RTX PRO 6000 Blackwell Workstation"
	v, err := tb.Judge(pro, 0)
	require.NoError(t, err)
	assert.Equal(t, FP8, v.Versus)
	var want []string
	for _, m := range models {
		if fitsEmpty(m, Request{Precision: NVFP4, Runtime: VLLM, Context: 8192}, v.Card.Card) &&
			!fitsEmpty(m, Request{Precision: FP8, Runtime: VLLM, Context: 8192}, v.Card.Card) {
			want = append(want, m.ID)
		}
	}
	require.NotEmpty(t, want, "FP4 buys models over FP8 on a 96 GB card")
	assert.Equal(t, want, v.VersusGained)
	assert.Contains(t, v.VersusGained, "mistralai/Mistral-Large-Instruct-2407", "a 123B model at 4.5 bits")

	assert.True(t, WeightOnly(FP8, VLLM, 80), "FP8 on an A100 through Marlin")
	assert.False(t, WeightOnly(FP8, VLLM, 89), "FP8 tensor cores from 8.9")
	assert.False(t, WeightOnly(FP8, VLLM, 75), "below 8.0 it does not run at all")
	assert.False(t, WeightOnly(NVFP4, VLLM, 120))
	assert.False(t, WeightOnly(NVFP4, VLLM, 0), "unknown: nothing claimed")
	assert.False(t, WeightOnly(Q4_K_M, LlamaCpp, 80))

	tb, err = CompareCards(models, cards, Request{Precision: FP8, Runtime: VLLM, Context: 8192})
	require.NoError(t, err)
	v, err = tb.Judge(pro, 0)
	require.NoError(t, err)
	assert.Empty(t, v.Versus, "FP8 is not set against itself")
}
