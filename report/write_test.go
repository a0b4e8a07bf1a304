package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/local"
)

// Every writer returns a failed write instead of dropping it.
func TestWritersReturnWriteErrors(t *testing.T) {
	models, cards := catalogues(t)
	pro, ok := catalog.Match(cards, catalog.DefaultCard)
	require.True(t, ok)
	snap := NewSnapshot(liveSnapshot(device(0, pro6000, 97887, 10)), 0, local.Merge(models, nil), cards, 8192)
	fr := fitReport(t, "Qwen/Qwen3-32B", fit.BF16, 8192, pro6000, 90<<30)
	cr := cardsReport(t, fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192, TP: 1}, Judged{Card: pro, ChosenBy: ChosenFlag}, 0)
	for name, write := range map[string]func() error{
		"snapshot text": func() error { return WriteSnapshotText(failingWriter{}, snap) },
		"fit text":      func() error { return WriteFitText(failingWriter{}, fr) },
		"models text":   func() error { return WriteModelsText(failingWriter{}, ModelRows(local.Merge(models, nil), nil)) },
		"cards text":    func() error { return WriteCardsText(failingWriter{}, cr) },
		"JSON":          func() error { return WriteJSON(failingWriter{}, snap) },
	} {
		assert.ErrorIs(t, write(), errClosed, name)
	}
	assert.Error(t, WriteJSON(failingWriter{}, func() {}), "a value JSON cannot hold is an error")
}

func TestWrapKeepsPaddedLabelsAndWrapsLongHeads(t *testing.T) {
	var b page
	wrap(&b, "  fits (2):   ", []string{"a,", "b"}, "              ")
	assert.Equal(t, "  fits (2):   a, b\n", b.String())
	b.Reset()
	wrap(&b, "  "+strings.Repeat("word ", 30), nil, "    ")
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 2)
	assert.LessOrEqual(t, len(lines[0]), TextWidth)
	assert.True(t, strings.HasPrefix(lines[1], "    word"), "continuation lines take the indent")
	assert.Equal(t, 30, strings.Count(b.String(), "word"), "no word is lost")

	narrow := page{width: 40}
	wrap(&narrow, "  "+strings.Repeat("word ", 30), nil, "    ")
	for _, l := range strings.Split(strings.TrimSuffix(narrow.String(), "\n"), "\n") {
		assert.LessOrEqual(t, len(l), 40, "a narrower terminal wraps narrower: %q", l)
	}
}
