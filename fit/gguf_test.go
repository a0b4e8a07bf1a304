package fit

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qwen3GGUF is Qwen3-32B's header as llama.cpp's converter writes it
// (the model card's 64 layers, 64 query and 8 KV heads of 128, 5120 wide,
// 25600 FFN, 151,936 vocabulary, 40,960 positions), at Q4_K_M.
func qwen3GGUF() GGUF {
	return GGUF{Architecture: "qwen3", FileType: "Q4_K_M", TensorBytes: 19_762_149_376, Params: 32_762_123_264,
		Vocab: 151936, ContextLength: 40960, Embedding: 5120, Blocks: 64, FeedForward: 25600, Heads: 64, HeadsKV: 8,
		KeyLength: 128}
}

// A GGUF file's model has the catalogue model's cache, and the file's own
// weights, exactly.
func TestFromGGUFMatchesTheCatalogueCache(t *testing.T) {
	m, err := FromGGUF(qwen3GGUF(), "/models/Qwen3-32B-Q4_K_M.gguf")
	require.NoError(t, err)
	require.NotNil(t, m.File())
	ref := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	for _, ctx := range []int{4096, 32768} {
		r := Request{Precision: Native, Runtime: LlamaCpp, Context: ctx}
		got, err := m.Estimate(r)
		require.NoError(t, err)
		want, err := ref.Estimate(Request{Precision: Q4_K_M, Runtime: LlamaCpp, Context: ctx})
		require.NoError(t, err)
		assert.Equal(t, want.KVBytes, got.KVBytes, "KV at %d", ctx)
		assert.EqualValues(t, qwen3GGUF().TensorBytes, got.WeightsBytes, "the file's bytes")
		same, err := m.Estimate(Request{Precision: Q4_K_M, Runtime: LlamaCpp, Context: ctx})
		require.NoError(t, err)
		assert.Equal(t, got, same, "the file's own type is native")
	}
	assert.Equal(t, LlamaCpp, m.RuntimeFor(Native, VLLM), "a GGUF file runs under llama.cpp")
	assert.Equal(t, VLLM, ref.RuntimeFor(Native, VLLM))
	assert.EqualValues(t, 32_762_123_264, m.PublishedParams)
	assert.Equal(t, ref.Layers(), m.Layers())
}

func TestFromGGUFRefusesOtherPrecisionsAndRuntimes(t *testing.T) {
	m, err := FromGGUF(qwen3GGUF(), "q.gguf")
	require.NoError(t, err)
	_, err = m.Estimate(Request{Precision: BF16, Runtime: LlamaCpp, Context: 4096})
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.ErrorContains(t, err, "this file holds Q4_K_M")
	_, err = m.Estimate(Request{Precision: Native, Runtime: VLLM, Context: 4096})
	assert.ErrorContains(t, err, "a GGUF file runs under llama.cpp")
	v := Grade(m, Request{Precision: Native, Runtime: LlamaCpp, Context: 8192}, Budget{FreeBytes: 90 * GiB, UsableBytes: 95 * GiB, GPUs: 1})
	assert.Equal(t, Fits, v.Status)
}

// Sliding layouts come through: Gemma 3's one global layer in six, and
// gpt-oss's alternation.
func TestFromGGUFLayouts(t *testing.T) {
	g := GGUF{Architecture: "gemma3", FileType: "Q8_0", TensorBytes: 28 << 30, Params: 27e9, Vocab: 262208,
		ContextLength: 131072, Embedding: 5376, Blocks: 62, FeedForward: 21504, Heads: 32, HeadsKV: 16, KeyLength: 128,
		SlidingWindow: 1024, SlidingWindowPattern: 6}
	m, err := FromGGUF(g, "gemma.gguf")
	require.NoError(t, err)
	assert.Equal(t, Layers{Full: 10, Sliding: 52}, m.Layers())
	o := GGUF{Architecture: "gpt-oss", FileType: "MXFP4", TensorBytes: 12 << 30, Params: 20e9, Vocab: 201088,
		ContextLength: 131072, Embedding: 2880, Blocks: 24, FeedForward: 2880, Heads: 64, HeadsKV: 8, KeyLength: 64,
		Experts: 32, ExpertsUsed: 4, ExpertFeedForward: 2880, SlidingWindow: 128}
	m, err = FromGGUF(o, "oss.gguf")
	require.NoError(t, err)
	assert.Equal(t, Layers{Full: 12, Sliding: 12}, m.Layers())
	assert.Equal(t, Precision(""), m.file.precision, "MXFP4 is no fit precision: native only")
}

// An architecture the engine does not model is sized by its tensors and
// never graded: its cache is unknown.
func TestFromGGUFUnmodelledArchitecture(t *testing.T) {
	m, err := FromGGUF(GGUF{Architecture: "rwkv7", FileType: "Q4_K_M", TensorBytes: 2 << 30, Params: 3e9}, "rwkv.gguf")
	require.NoError(t, err)
	assert.EqualValues(t, 2<<30, m.WeightsBytes)
	_, err = m.Estimate(Request{Precision: Native, Runtime: LlamaCpp, Context: 4096})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrUnsupported))
	assert.Contains(t, err.Error(), `"rwkv7" is not modelled`)
	v := Grade(m, Request{Precision: Native, Runtime: LlamaCpp, Context: 4096}, Budget{FreeBytes: 90 * GiB, GPUs: 1})
	assert.NotEmpty(t, v.Reason, "not graded, and says why")
}

func TestFromGGUFRefusesAbsurdHeaders(t *testing.T) {
	for name, g := range map[string]GGUF{
		"no tensors":      {Architecture: "llama", TensorBytes: 0},
		"beyond any file": {Architecture: "llama", TensorBytes: MaxCheckpointBytes + 1},
		"layers":          func() GGUF { g := qwen3GGUF(); g.Blocks = 1 << 30; return g }(),
		"negative heads":  func() GGUF { g := qwen3GGUF(); g.HeadsKV = -8; return g }(),
		"vocab":           func() GGUF { g := qwen3GGUF(); g.Vocab = 1 << 40; return g }(),
	} {
		_, err := FromGGUF(g, "bad.gguf")
		assert.Error(t, err, name)
	}
}
