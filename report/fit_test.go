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

// fitReport is the report of model id at p and ctx, graded against free
// bytes on card (by name) when card is not "".
func fitReport(t *testing.T, id string, p fit.Precision, ctx int, card string, free uint64) Fit {
	t.Helper()
	models, cards := catalogues(t)
	m, err := catalog.FindModel(models, id)
	require.NoError(t, err)
	r := fit.Request{Precision: p, Runtime: fit.RuntimeFor(p, fit.VLLM), KVDType: fit.KVAuto, Context: ctx, TP: 1}
	e, err := m.Estimate(r)
	require.NoError(t, err)
	rep := NewFit(m, r, e)
	if card == "" {
		rep.Note("not graded: no live GPU")
		return rep
	}
	c, ok := catalog.Match(cards, card)
	require.True(t, ok, card)
	b := fit.Budget{FreeBytes: free, UsableBytes: c.MemoryBytes, TotalBytes: c.MemoryBytes, GPUs: 1,
		BandwidthBytesPerS: catalog.Spec(c).BandwidthBytesPerS}
	rep.Grade(m, r, b, FitBudget{Device: c.Name, Source: "planning"})
	return rep
}

// The text of `headroom fit` for each grade, and without a budget.
func TestFitText(t *testing.T) {
	const gib = 1 << 30
	for name, rep := range map[string]func() Fit{
		"fits":          func() Fit { return fitReport(t, "Qwen/Qwen3-32B", fit.BF16, 32768, pro6000, 90*gib) },
		"fits-shorter":  func() Fit { return fitReport(t, "Qwen/Qwen3-32B", fit.BF16, 131072, pro6000, 80*gib) },
		"needs-freeing": func() Fit { return fitReport(t, "Qwen/Qwen3-32B", fit.BF16, 8192, pro6000, 20*gib) },
		"too-big":       func() Fit { return fitReport(t, "meta-llama/Llama-3.3-70B-Instruct", fit.BF16, 8192, pro6000, 95*gib) },
		"gguf": func() Fit {
			return fitReport(t, "meta-llama/Llama-3.3-70B-Instruct", fit.Q4_K_M, 8192, pro6000, 95*gib)
		},
		"ungraded": func() Fit { return fitReport(t, "Qwen/Qwen3-32B", fit.Native, 8192, "", 0) },
	} {
		t.Run(name, func(t *testing.T) {
			r := rep()
			var b bytes.Buffer
			require.NoError(t, WriteFitText(&b, r))
			if r.Status != nil {
				words := map[string]string{"fits": "Fits now", "fits-shorter": "Fits now only at a shorter context",
					"needs-freeing": "Fits once", "too-big": "Too big"}[*r.Status]
				if r.Verdict.Reason != "" {
					words = "Cannot be graded"
				}
				require.NotEmpty(t, words, *r.Status)
				assert.Contains(t, b.String(), "\n"+words, "the grade in words, not the JSON's name")
				assert.NotContains(t, b.String(), "\n"+*r.Status+":")
			}
			for _, n := range r.Notes {
				assert.Contains(t, strings.Join(strings.Fields(b.String()), " "), n, "every note is printed")
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

func TestFitLaunchLinesAndNotesAgree(t *testing.T) {
	rep := fitReport(t, "meta-llama/Llama-3.3-70B-Instruct", fit.BF16, 8192, pro6000, 95<<30)
	require.NotNil(t, rep.Launch)
	assert.Nil(t, rep.Launch.VLLM, "too big for vLLM: no line")
	assert.Contains(t, rep.Notes[len(rep.Notes)-2]+rep.Notes[len(rep.Notes)-1], "no vLLM command line")
	rep = fitReport(t, "Qwen/Qwen3-32B", fit.BF16, 8192, pro6000, 20<<30)
	require.NotNil(t, rep.Launch.VLLM)
	assert.Contains(t, rep.Notes, "the vLLM command line holds once memory is freed")
}

// A term's source wraps under itself in a narrow terminal, and stays on
// one line when piped.
func TestFitSourcesFitTheTerminal(t *testing.T) {
	r := fitReport(t, "Qwen/Qwen3-32B", fit.BF16, 8192, pro6000, 95<<30)
	var piped bytes.Buffer
	require.NoError(t, WriteFitText(&piped, r))
	long := 0
	for _, l := range strings.Split(piped.String(), "\n") {
		long = max(long, utf8.RuneCountInString(l))
	}
	assert.Greater(t, long, 100, "piped, a source stays on its line")
	r.SetWidth(80)
	var b bytes.Buffer
	require.NoError(t, WriteFitText(&b, r))
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "  vllm serve") || strings.HasPrefix(l, "  llama-server") {
			continue // a command line is not broken
		}
		assert.LessOrEqual(t, utf8.RuneCountInString(l), 80, "%q", l)
	}
	assert.Contains(t, b.String(), "\n                                           ", "continuation lines under the source column")
}

// A model whose config states no context limit says so in fit's notes.
func TestFitSaysAContextLimitIsUnknown(t *testing.T) {
	models, _ := catalogues(t)
	m, err := catalog.FindModel(models, "Qwen/Qwen3-32B")
	require.NoError(t, err)
	m.Config.MaxPositionEmbeddings = 0
	r := fit.Request{Precision: fit.BF16, Runtime: fit.VLLM, Context: 32768}
	e, err := m.Estimate(r)
	require.NoError(t, err)
	rep := NewFit(m, r, e)
	assert.Contains(t, rep.Notes, "context limit unknown: the config states no max_position_embeddings, so it is graded up to 4K only")
}
