package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
)

// cardsReport compares the catalogue's cards under r and judges j.
func cardsReport(t *testing.T, r fit.Request, j Judged, price int) Cards {
	t.Helper()
	models, cards := catalogues(t)
	specs := catalog.Specs(cards)
	if j.Card.Unlisted {
		specs = append(specs, catalog.Spec(j.Card))
	}
	table, err := fit.CompareCards(models, specs, r)
	require.NoError(t, err)
	v, err := table.Judge(j.Card.Name, price)
	require.NoError(t, err)
	return NewCards(table, v, j, price > 0, models)
}

func TestCardsText(t *testing.T) {
	_, cards := catalogues(t)
	pro, ok := catalog.Match(cards, catalog.DefaultCard)
	require.True(t, ok)
	l4 := catalog.ForDevice(cards, device(0, "NVIDIA L4", 23034, 0))
	a100, ok := catalog.Match(cards, "A100 80GB SXM")
	require.True(t, ok)
	native := fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192, TP: 1}
	for name, tc := range map[string]struct {
		r     fit.Request
		j     Judged
		price int
	}{
		"pro6000":          {native, Judged{Card: pro, ChosenBy: ChosenFlag}, 0},
		"pro6000-paid":     {native, Judged{Card: pro, ChosenBy: ChosenLive}, 8565},
		"default-q4":       {fit.Request{Precision: fit.Q4_K_M, Runtime: fit.LlamaCpp, Context: 32768, TP: 1}, Judged{Card: pro, ChosenBy: ChosenDefault, Note: "no live GPU: NVML library not found"}, 0},
		"unlisted-live-l4": {native, Judged{Card: l4, ChosenBy: ChosenLive}, 0},
		"pro6000-nvfp4":    {fit.Request{Precision: fit.NVFP4, Runtime: fit.VLLM, Context: 8192, TP: 1}, Judged{Card: pro, ChosenBy: ChosenFlag}, 0},
		"a100-nvfp4":       {fit.Request{Precision: fit.NVFP4, Runtime: fit.VLLM, Context: 8192, TP: 1}, Judged{Card: a100, ChosenBy: ChosenFlag}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteCardsText(&b, cardsReport(t, tc.r, tc.j, tc.price)))
			_, prose, ok := strings.Cut(b.String(), "\n\n") // the title
			require.True(t, ok)
			_, prose, ok = strings.Cut(prose, "\n\n") // the table: as wide as its columns
			require.True(t, ok)
			for _, l := range strings.Split(prose, "\n") {
				assert.LessOrEqual(t, len([]rune(l)), TextWidth, "the verdict wraps: %q", l)
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

func TestCardsJSONMarksTheUnlistedCard(t *testing.T) {
	_, cards := catalogues(t)
	l4 := catalog.ForDevice(cards, device(0, "NVIDIA L4", 23034, 0))
	rep := cardsReport(t, fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192, TP: 1}, Judged{Card: l4, ChosenBy: ChosenLive}, 0)
	assert.False(t, rep.Verdict.InCatalogue)
	assert.Nil(t, rep.Verdict.BandwidthBytesPerS)
	assert.Nil(t, rep.Verdict.LaunchPriceUSD)
	assert.Zero(t, rep.Verdict.ClassSize, "no class to rank it in")
	listed := 0
	for _, c := range rep.Cards {
		if c.InCatalogue {
			listed++
		}
	}
	assert.Equal(t, len(cards), listed)
	assert.Len(t, rep.Cards, len(cards)+1)
}

// In a terminal the table fits its width, leaving out columns in the
// documented order and saying which; piped (width 0) it keeps them all.
func TestCardsTableFitsTheTerminal(t *testing.T) {
	_, cards := catalogues(t)
	pro, ok := catalog.Match(cards, catalog.DefaultCard)
	require.True(t, ok)
	rep := cardsReport(t, fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192, TP: 1}, Judged{Card: pro, ChosenBy: ChosenFlag}, 0)
	var full bytes.Buffer
	require.NoError(t, WriteCardsText(&full, rep))
	assert.Contains(t, full.String(), "$/MODEL")
	assert.NotContains(t, full.String(), "Left out")
	for _, width := range []int{120, 100, 80} {
		rep.SetWidth(width)
		var b bytes.Buffer
		require.NoError(t, WriteCardsText(&b, rep))
		for _, l := range strings.Split(b.String(), "\n") {
			assert.LessOrEqual(t, utf8.RuneCountInString(l), width, "%d columns: %q", width, l)
		}
		assert.Contains(t, b.String(), "Left out for the terminal's width: $/MODEL", "the least needed column goes first")
		assert.Contains(t, b.String(), "FITS", "the count of models stays")
		assert.Contains(t, b.String(), "Verdict for")
	}
}
