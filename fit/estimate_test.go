package fit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// byID finds a catalogue model.
func byID(t testing.TB, ms []Model, id string) Model {
	t.Helper()
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("%s is not in the catalogue", id)
	return Model{}
}

// TestKVHandWorked checks the cache against values worked by hand from
// each config; the comment on each case shows the working.
func TestKVHandWorked(t *testing.T) {
	ms := loadCatalogue(t)
	vllm := Request{Precision: BF16, Runtime: VLLM}
	llama := Request{Precision: Q8_0, Runtime: LlamaCpp}
	cases := []struct {
		name, id string
		r        Request
		ctx      int
		want     uint64
	}{
		// GQA: 64 layers × 8 KV heads × 128 × 2 (K, V) × 2 bytes = 256 KiB a token.
		{"Qwen3-32B GQA", "Qwen/Qwen3-32B", vllm, 32768, 32768 * 256 << 10},
		// GQA: 80 × 8 × 128 × 2 × 2 = 320 KiB a token.
		{"Llama-3.3-70B GQA", "meta-llama/Llama-3.3-70B-Instruct", vllm, 8192, 8192 * 320 << 10},
		// MHA: 40 layers × 64 KV heads × 128 × 2 × 2 = 1.25 MiB a token.
		{"Command-R MHA", "CohereForAI/c4ai-command-r-v01", vllm, 8192, 8192 * 1310720},
		// vLLM rounds up to blocks of 16: 1000 tokens hold 1008.
		{"vLLM block rounding", "Qwen/Qwen3-32B", vllm, 1000, 1008 * 256 << 10},
		// Gemma 2: 23 global + 23 local layers of 16 × 128 × 2 × 2 = 8 KiB.
		// vLLM keeps 4095 + 8192 tokens, 769 blocks, in each local layer.
		{"gemma-2 alternate 4096", "google/gemma-2-27b", vllm, 32768, 23*8192*32768 + 23*8192*(769*16)},
		// llama.cpp: local layers keep 4096 + 512 cells.
		{"gemma-2 llama.cpp SWA", "google/gemma-2-27b", llama, 32768, 23*8192*32768 + 23*8192*4608},
		// Gemma 3: layers 5, 11, …, 59 global (10), 52 local with window
		// 1024: vLLM keeps cdiv(1023 + 8192, 16) + 1 = 577 blocks.
		{"gemma-3 5:1 window 1024", "google/gemma-3-27b-it", vllm, 32768, 10*8192*32768 + 52*8192*(577*16)},
		// Qwen3-Next: 12 full layers of 2 KV heads × 256 × 2 × 2 bytes, plus
		// 36 Gated DeltaNet states: conv (2·2048 + 4096) × 3 and recurrent
		// 32 × 128 × 128 elements, at 4 bytes.
		{"Qwen3-Next hybrid", "Qwen/Qwen3-Next-80B-A3B-Instruct", vllm, 32768, 12*2048*32768 + 36*(8192*3+32*128*128)*4},
		// Nemotron-49B: only 49 of 80 blocks attend: 49 × 8 × 128 × 2 × 2.
		{"Nemotron-49B no-op blocks", "nvidia/Llama-3_3-Nemotron-Super-49B-v1", vllm, 8192, 8192 * 49 * 4096},
		// Llama 4 Scout: 12 global NoPE layers keep every token; 36 chunked
		// layers keep 8192 + 8192 tokens; 8 KV heads × 128 × 2 × 2 = 4 KiB.
		{"Llama-4 chunked 8192", "meta-llama/Llama-4-Scout-17B-16E-Instruct", vllm, 131072, 12*4096*131072 + 36*4096*16384},
		// llama.cpp pads to 256 and keeps chunk + n_ubatch cells.
		{"Llama-4 llama.cpp chunked", "meta-llama/Llama-4-Scout-17B-16E-Instruct", llama, 131000, 12*4096*131072 + 36*4096*8704},
		// fp8 cache halves it.
		{"Qwen3-32B fp8 KV", "Qwen/Qwen3-32B", Request{Precision: BF16, KVDType: KVFP8}, 32768, 32768 * 128 << 10},
		// llama.cpp's q8_0 cache: 32 values in 34 bytes; 256 KiB of 16-bit
		// KV a token is 131,072 values, 139,264 bytes.
		{"Qwen3-32B llama.cpp q8_0 KV", "Qwen/Qwen3-32B", Request{Precision: Q4_K_M, Runtime: LlamaCpp, KVDType: KVQ8_0}, 32768, 32768 * 139264},
		// q4_0: 32 values in 18 bytes: 73,728 bytes a token.
		{"Qwen3-32B llama.cpp q4_0 KV", "Qwen/Qwen3-32B", Request{Precision: Q4_K_M, Runtime: LlamaCpp, KVDType: KVQ4_0}, 32768, 32768 * 73728},
		// MLA (DeepSeek-V3): the 512-wide latent and the 64-wide rotary key,
		// 576 values a token in each of 61 layers, 2 bytes each.
		{"DeepSeek-V3 MLA", "deepseek-ai/DeepSeek-V3", vllm, 32768, 61 * 576 * 2 * 32768},
		// The latent is every head's: eight GPUs each keep all of it.
		{"DeepSeek-V3 MLA TP8", "deepseek-ai/DeepSeek-V3", Request{Precision: FP8, TP: 8}, 32768, 61 * 576 * 2 * 32768},
		// llama.cpp keeps the same latent, padded to 256 cells.
		{"DeepSeek-V2-Lite llama.cpp MLA", "deepseek-ai/DeepSeek-V2-Lite", llama, 8000, 27 * 576 * 2 * 8192},
		// transformers keeps every head's key (128 + 64) and value (128).
		{"DeepSeek-V2-Lite transformers", "deepseek-ai/DeepSeek-V2-Lite", Request{Precision: BF16, Runtime: Transformers}, 4096, 27 * 16 * (192 + 128) * 2 * 4096},
		// Tensor parallel over 2 GPUs halves it per GPU.
		{"Qwen3-32B TP2", "Qwen/Qwen3-32B", Request{Precision: BF16, TP: 2}, 32768, 32768 * 128 << 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.r
			r.Context = c.ctx
			e, err := byID(t, ms, c.id).Estimate(r)
			require.NoError(t, err)
			assert.Equal(t, c.want, e.KVBytes)
		})
	}
}

// TestParamsPublished compares derived counts with every published one.
func TestParamsPublished(t *testing.T) {
	n := 0
	for _, m := range loadCatalogue(t) {
		if m.PublishedParams == 0 {
			continue
		}
		n++
		t.Run(m.ID, func(t *testing.T) {
			assert.InEpsilon(t, m.PublishedParams, m.Params(), 0.005)
		})
	}
	assert.GreaterOrEqual(t, n, 15, "table covers at least 15 published counts")
}

// TestWeightsPublished compares derived 16-bit weights with each
// checkpoint's published total_size.
func TestWeightsPublished(t *testing.T) {
	for _, m := range loadCatalogue(t) {
		if m.WeightsBytes == 0 {
			continue
		}
		t.Run(m.ID, func(t *testing.T) {
			e, err := m.Estimate(Request{Precision: BF16, Context: 1})
			require.NoError(t, err)
			assert.InEpsilon(t, m.WeightsBytes, e.WeightsBytes, 0.01)
		})
	}
}

// TestVLLMLogs checks the estimate against what vLLM v0.19.0 logged on an H100
// (llm-d-incubation/llm-d-planner accuracy/results/v0.19.0/logs).
func TestVLLMLogs(t *testing.T) {
	ms := loadCatalogue(t)
	// "Model loading took 61.03 GiB" for Qwen3-32B BF16.
	e, err := byID(t, ms, "Qwen/Qwen3-32B").Estimate(Request{Precision: BF16, Context: 8192})
	require.NoError(t, err)
	assert.InDelta(t, 61.03, float64(e.WeightsBytes)/GiB, 0.02)
	// gpt-oss-120b MXFP4: 61.29 GiB of weights logged; the weights plus the
	// safety margin must cover it. In-budget use was 0.95 × 79.19 GiB less
	// weights and 10.52 GiB of KV: 3.42 GiB, under activation + non-torch.
	m := byID(t, ms, "openai/gpt-oss-120b")
	e, err = m.Estimate(Request{Precision: Native, Context: 8192})
	require.NoError(t, err)
	assert.Equal(t, uint64(65_248_815_744), e.WeightsBytes, "2,167,371,072 BF16 params + MXFP4 blocks and scales")
	var act, margin uint64
	for _, o := range e.Overheads {
		switch o.Name {
		case "activation peak", "non-torch memory":
			act += o.Bytes
		case "safety margin":
			margin = o.Bytes
		}
	}
	assert.GreaterOrEqual(t, float64(e.WeightsBytes+margin)/GiB, 61.29)
	assert.GreaterOrEqual(t, float64(act)/GiB, 0.95*79.19-61.29-10.52)
}

// TestGGUFMix checks the Q4_K_M mix lands where llama.cpp's files do:
// between Q4_K's 4.5 and about 4.9 bits a weight for a dense 70B.
func TestGGUFMix(t *testing.T) {
	m := byID(t, loadCatalogue(t), "meta-llama/Llama-3.3-70B-Instruct")
	for _, c := range []struct {
		p        Precision
		min, max float64
	}{{Q4_K_M, 4.6, 4.95}, {Q5_K_M, 5.5, 5.8}, {Q6_K, 6.56, 6.6}, {Q8_0, 8.5, 8.51}} {
		t.Run(string(c.p), func(t *testing.T) {
			e, err := m.Estimate(Request{Precision: c.p, Runtime: LlamaCpp, Context: 256})
			require.NoError(t, err)
			bpw := float64(e.WeightsBytes) * 8 / float64(m.Params())
			assert.True(t, bpw >= c.min && bpw <= c.max, "%s: %.3f bits per weight", c.p, bpw)
		})
	}
}

// TestGGUFFileSizes compares the GGUF sizes with published files of
// Llama-3.1-70B (the tensors of Llama-3.3-70B), as bartowski lists them
// (summarised at ozeki.chat, "Understanding AI model files"): the files
// also hold the tokenizer and metadata, a few MB.
func TestGGUFFileSizes(t *testing.T) {
	m := byID(t, loadCatalogue(t), "meta-llama/Llama-3.3-70B-Instruct")
	for p, want := range map[Precision]float64{Q8_0: 74.98e9, Q6_K: 57.89e9, Q5_K_M: 49.95e9, Q4_K_M: 42.52e9} {
		t.Run(string(p), func(t *testing.T) {
			e, err := m.Estimate(Request{Precision: p, Runtime: LlamaCpp, Context: 256})
			require.NoError(t, err)
			assert.InEpsilon(t, want, float64(e.WeightsBytes), 0.002)
		})
	}
}

// TestMoEWorkspace checks vLLM's fused-MoE caches are counted for MoE
// models, worked by hand from their shapes, and never for dense ones.
func TestMoEWorkspace(t *testing.T) {
	ms := loadCatalogue(t)
	tests := map[string]struct {
		id   string
		tp   int
		want uint64
	}{
		// 8192 tokens × top-2 × (max(2×14336, 4096) + 14336) × 2 bytes.
		"Mixtral-8x7B": {"mistralai/Mixtral-8x7B-v0.1", 1, 8192 * 2 * (28672 + 14336) * 2},
		// Split over two GPUs the expert width halves: 7168 per GPU.
		"Mixtral-8x7B TP2": {"mistralai/Mixtral-8x7B-v0.1", 2, 8192 * 2 * (14336 + 7168) * 2},
		// top-8, expert width 768, hidden 2048 (wider than 2×768).
		"Qwen3-30B-A3B":   {"Qwen/Qwen3-30B-A3B", 1, 8192 * 8 * (2048 + 768) * 2},
		"dense Qwen3-32B": {"Qwen/Qwen3-32B", 1, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e, err := byID(t, ms, tc.id).Estimate(Request{Precision: BF16, Context: 8192, TP: tc.tp})
			require.NoError(t, err)
			var got uint64
			for _, o := range e.Overheads {
				if o.Name == "MoE workspace" {
					got = o.Bytes
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestGGUFCacheTypesAreLlamaCppOnly(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	for _, kv := range []KVDType{KVQ8_0, KVQ4_0} {
		_, err := m.Estimate(Request{Precision: BF16, Runtime: VLLM, KVDType: kv, Context: 4096})
		assert.ErrorIs(t, err, ErrUnsupported, string(kv))
	}
	r := Request{Precision: Q4_K_M, Runtime: LlamaCpp, KVDType: KVQ4_0, Context: 8192}
	b := rtx6000(90 * GiB)
	lc := Launch(m, r, Grade(m, r, b), b)
	assert.Contains(t, lc.LlamaCpp.Command, "-ctk q4_0 -ctv q4_0")
	for in, want := range map[string]KVDType{"q8_0": KVQ8_0, "Q4_0": KVQ4_0, "fp8": KVFP8, "auto": KVAuto} {
		got, err := ParseKVDType(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

// MLA models' parameters from their architecture: DeepSeek-V2-Lite to the
// element (its checkpoint holds 15,706,484,224); DeepSeek-V3 and Kimi K2
// within their FP8 checkpoints' FP32 block scales (one per 128 × 128
// weights, about 1/16,384 more elements), against the element counts of
// the published checkpoints (684,531,386,000 with V3's MTP layer;
// 1,026,470,731,056). The multi-token-prediction layer counts in Params,
// and in no runtime's weights.
func TestMLAParams(t *testing.T) {
	ms := loadCatalogue(t)
	assert.Equal(t, int64(15_706_484_224), byID(t, ms, "deepseek-ai/DeepSeek-V2-Lite").Params())
	v3 := byID(t, ms, "deepseek-ai/DeepSeek-V3")
	assert.InEpsilon(t, 684_531_386_000, v3.Params(), 1.0/10000)
	assert.Less(t, v3.Params(), int64(684_531_386_000), "the scales are not parameters")
	kimi := byID(t, ms, "moonshotai/Kimi-K2-Instruct")
	assert.InEpsilon(t, 1_026_470_731_056, kimi.Params(), 1.0/10000)
	e, err := v3.Estimate(Request{Precision: BF16, Context: 1})
	require.NoError(t, err)
	assert.Less(t, e.WeightsBytes, uint64(v3.Params())*2, "the MTP layer is not loaded")
	lite := byID(t, ms, "deepseek-ai/DeepSeek-V2-Lite")
	e, err = lite.Estimate(Request{Precision: Native, Context: 1})
	require.NoError(t, err)
	assert.InEpsilon(t, 31_412_968_448, e.WeightsBytes, 0.001, "the checkpoint's total_size")
}
