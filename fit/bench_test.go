package fit

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// syntheticModels makes n plausible models: dense GQA, MoE, sliding-window
// and chunked layouts, 20B–120B-sized, each with its shape derived as Load
// derives it.
func syntheticModels(tb testing.TB, n int) []Model {
	rng := rand.New(rand.NewPCG(1, 2))
	ms := make([]Model, n)
	for i := range ms {
		c := Config{
			HiddenSize:        1024 * (4 + rng.IntN(9)),
			NumHiddenLayers:   32 + rng.IntN(64),
			NumAttentionHeads: 64,
			NumKeyValueHeads:  []int{4, 8, 16, 64}[rng.IntN(4)],
			HeadDim:           128,
			VocabSize:         32000 + rng.IntN(230000),
			IntermediateSize:  256 * (40 + rng.IntN(100)),
		}
		switch i % 4 {
		case 1:
			c.ModelType, c.NumExperts, c.NumExpertsPerTok, c.MoEIntermediateSize = "qwen3_moe", 64+rng.IntN(64), 8, 768
		case 2:
			c.ModelType, c.SlidingWindow, c.SlidingWindowPattern = "gemma3_text", 1024, 6
		case 3:
			c.ModelType, c.AttentionChunkSize = "llama4_text", 8192
		default:
			c.ModelType = "llama"
		}
		m := Model{ID: fmt.Sprintf("synthetic/%d", i), Config: c}
		s, err := newShape(&m.Config)
		if err != nil {
			tb.Fatal(err)
		}
		m.shp = s
		ms[i] = m
	}
	return ms
}

var benchContexts = []int{4096, 8192, 32768, 65536, 131072}

// BenchmarkNewMatrix10k builds the matrix for 10,000 models × every
// precision × 5 contexts (450,000 cells).
func BenchmarkNewMatrix10k(b *testing.B) {
	ms := syntheticModels(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		NewMatrix(ms, Precisions, benchContexts, Request{}, 96*GiB)
	}
}

// BenchmarkOverlayCatalogue grades the shipped catalogue's matrix against
// a new free-memory reading, as the UI does on every sample.
func BenchmarkOverlayCatalogue(b *testing.B) {
	ms := loadCatalogue(b)
	mx := NewMatrix(ms, Precisions, benchContexts, Request{}, 96*GiB)
	dst := make([]Verdict, mx.Len())
	free := uint64(60 * GiB)
	b.ReportAllocs()
	for b.Loop() {
		free ^= 1 << 20
		dst = mx.Overlay(free, dst)
	}
}
