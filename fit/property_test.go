package fit

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// propertyConfigs is how many random configs the property test tries;
// HEADROOM_PROPERTY_CONFIGS raises it for a longer run (CI keeps the
// default, which takes a few seconds).
func propertyConfigs(t *testing.T) int {
	n := 400
	if testing.Short() {
		n = 60
	}
	if s := os.Getenv("HEADROOM_PROPERTY_CONFIGS"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(t, err, "HEADROOM_PROPERTY_CONFIGS")
		n = v
	}
	return n
}

// randomDim draws a dimension: usually a real-looking size, sometimes 0,
// negative, at or just past a bound, or far beyond anything real.
func randomDim(rng *rand.Rand, real, bound int) int {
	switch rng.IntN(48) {
	case 0:
		return 0
	case 1:
		return -rng.IntN(70000) - 1
	case 2:
		return bound
	case 3:
		return bound + 1
	case 4:
		return rng.IntN(1 << 40)
	}
	return max(1, real/4+rng.IntN(real*2))
}

// randomConfig is a config of a random family with random fields.
func randomConfig(rng *rand.Rand) map[string]any {
	families := []string{"llama", "qwen3", "qwen3_moe", "qwen3_next", "gemma2", "gemma3", "mixtral", "gpt_oss",
		"llama4", "nemotron-nas", "falcon", "qwen2_moe", "cohere", "phi3", "olmo2"}
	fam := families[rng.IntN(len(families))]
	heads := 1 << rng.IntN(12)
	c := map[string]any{
		"model_type":              fam,
		"hidden_size":             heads * 128,
		"intermediate_size":       randomDim(rng, 14336, maxDim),
		"num_hidden_layers":       randomDim(rng, 48, maxLayers),
		"num_attention_heads":     heads,
		"num_key_value_heads":     max(1, heads>>rng.IntN(4)),
		"head_dim":                []int{0, 64, 128, 256, randomDim(rng, 2048, maxDim)}[rng.IntN(5)],
		"vocab_size":              randomDim(rng, 150000, maxVocab),
		"max_position_embeddings": randomDim(rng, 131072, MaxContextTokens),
	}
	if rng.IntN(8) == 0 { // narrow layers, wide attention: a cache far beyond the weights
		c["hidden_size"], c["head_dim"], c["num_hidden_layers"] = 64, randomDim(rng, 8192, maxDim), randomDim(rng, 2048, maxLayers)
	}
	maybe := func(k string, real, bound int) {
		if rng.IntN(2) == 0 {
			c[k] = randomDim(rng, real, bound)
		}
	}
	maybe("sliding_window", 4096, MaxContextTokens)
	maybe("sliding_window_pattern", 6, maxLayers)
	maybe("attention_chunk_size", 8192, MaxContextTokens)
	switch fam {
	case "qwen3_moe", "mixtral", "gpt_oss", "llama4", "qwen2_moe", "qwen3_next":
		c["num_experts"] = randomDim(rng, 64, maxHeads)
		c["num_experts_per_tok"] = rng.IntN(9)
		maybe("moe_intermediate_size", 768, maxDim)
		maybe("shared_expert_intermediate_size", 512, maxDim)
		maybe("decoder_sparse_step", 1, maxLayers)
		maybe("interleave_moe_layer_step", 2, maxLayers)
		maybe("intermediate_size_mlp", 16384, maxDim)
	}
	if fam == "qwen3_next" {
		c["full_attention_interval"] = randomDim(rng, 4, maxLayers)
		for k, real := range map[string]int{"linear_num_key_heads": 16, "linear_num_value_heads": 32,
			"linear_key_head_dim": 128, "linear_value_head_dim": 128, "linear_conv_kernel_dim": 4} {
			c[k] = randomDim(rng, real, maxDim)
		}
	}
	if fam == "nemotron-nas" {
		n, _ := c["num_hidden_layers"].(int)
		blocks := make([]any, 0, max(min(n, 200), 0))
		for range cap(blocks) {
			blocks = append(blocks, map[string]any{
				"attention": map[string]any{"n_heads_in_group": []int{0, 1, heads, heads * 2}[rng.IntN(4)],
					"no_op": rng.IntN(5) == 0, "window_length": []int{0, 4096, -1}[rng.IntN(3)]},
				"ffn": map[string]any{"ffn_mult": rng.Float64() * 80, "no_op": rng.IntN(5) == 0},
			})
		}
		c["block_configs"] = blocks
	}
	if rng.IntN(4) == 0 {
		c["vision_config"] = map[string]any{"hidden_size": randomDim(rng, 1152, maxDim),
			"num_hidden_layers": randomDim(rng, 27, maxLayers), "patch_size": randomDim(rng, 14, maxKernel),
			"image_size": randomDim(rng, 896, maxDim)}
	}
	if rng.IntN(6) == 0 {
		c["quantization_config"] = map[string]any{"quant_method": []string{"fp8", "mxfp4", "awq", "gptq", "bitsandbytes"}[rng.IntN(5)],
			"bits": randomDim(rng, 4, maxQuantBits), "group_size": []int{-1, 128, -2}[rng.IntN(3)]}
	}
	return c
}

// propertyBudgets span empty and full cards, real sizes and sizes no
// card has, up to 2^63 bytes.
var propertyBudgets = []Budget{
	{FreeBytes: 0, UsableBytes: 96 * GiB, TotalBytes: 96 * GiB},
	{FreeBytes: 24 * GiB, UsableBytes: 96 * GiB, TotalBytes: 96 * GiB},
	{FreeBytes: 96 * GiB, UsableBytes: 96 * GiB, TotalBytes: 96 * GiB},
	{FreeBytes: 1 << 50, UsableBytes: 1 << 50, TotalBytes: 1 << 50},
	{FreeBytes: 1 << 63, UsableBytes: 1 << 63, TotalBytes: 1 << 63},
}

var propertyContexts = []int{MinContextTokens, 4096, 32768, 1 << 20, MaxContextTokens}

// TestFitEngineProperties grades random configs, within and far beyond
// real ranges, under every runtime, precision, context and budget:
//   - nothing panics, and a refused config names a field or a limit;
//   - no figure wraps: every total is the sum of its parts, below 2^62;
//   - totals never shrink as the context grows;
//   - "fits" only when the total is within the free memory, with a
//     maximum context at least the one asked;
//   - freeing what "needs-freeing" says is enough;
//   - the matrix's overlay agrees with Grade cell by cell;
//   - launch lines only for runtimes that were graded and allow one.
func TestFitEngineProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	accepted := 0
	for i := range propertyConfigs(t) {
		cfg := randomConfig(rng)
		data, err := json.Marshal(cfg)
		require.NoError(t, err)
		m, err := LoadConfig(strings.NewReader(string(data)), "config.json")
		if err != nil {
			require.Contains(t, err.Error(), "config.json:", "config %d: a refusal names the file: %v", i, err)
			continue
		}
		accepted++
		checkModelProperties(t, m, string(data))
	}
	require.Greater(t, accepted, propertyConfigs(t)/20, "the generator must produce usable configs too")
}

func checkModelProperties(t *testing.T, m Model, cfg string) {
	t.Helper()
	for _, rt := range Runtimes {
		for _, p := range Precisions {
			var last uint64
			lastErr := false
			for _, ctx := range propertyContexts {
				r := Request{Precision: p, Runtime: rt, Context: ctx}
				e, err := m.Estimate(r)
				switch {
				case err != nil:
					lastErr = lastErr || errors.Is(err, ErrOutOfRange)
				default:
					require.False(t, lastErr, "%s %s %s: sized at %d after an out-of-range shorter context\n%s", rt, p, FormatContext(ctx), ctx, cfg)
					sum := e.WeightsBytes + e.KVBytes + e.OverheadBytes
					require.Equal(t, sum, e.TotalBytes, "%s %s: total is the sum\n%s", rt, p, cfg)
					require.Less(t, e.TotalBytes, uint64(1)<<62, "%s %s: no wrap\n%s", rt, p, cfg)
					require.GreaterOrEqual(t, e.TotalBytes, last, "%s %s: monotonic in context at %d\n%s", rt, p, ctx, cfg)
					last = e.TotalBytes
				}
				for _, b := range propertyBudgets {
					checkGrade(t, m, r, b, cfg)
				}
			}
		}
	}
	for _, b := range propertyBudgets[1:3] {
		checkOverlay(t, m, b, cfg)
	}
}

func checkGrade(t *testing.T, m Model, r Request, b Budget, cfg string) {
	t.Helper()
	v := Grade(m, r, b)
	where := func() string {
		return string(r.Runtime) + " " + string(r.Precision) + " " + FormatContext(r.Context) + " free " + FormatGiB(b.FreeBytes) + "\n" + cfg
	}
	switch v.Status {
	case Fits:
		require.LessOrEqual(t, v.RequiredBytes, b.FreeBytes, "fits only within free memory: %s", where())
		if lim := m.ContextLimit(); lim > 0 && r.Context > lim {
			require.True(t, v.AtModelLimit, where())
			require.Equal(t, lim, v.MaxContext, "fits at the model's maximum: %s", where())
		} else {
			require.GreaterOrEqual(t, v.MaxContext, r.Context, "fits: max context at least the request: %s", where())
		}
		require.Empty(t, v.Reason, where())
	case FitsShorter:
		require.Less(t, v.MaxContext, r.Context, where())
		require.GreaterOrEqual(t, v.MaxContext, minContext(m.ContextLimit()), where())
	case NeedsFreeing:
		require.Positive(t, v.ToFreeBytes, where())
		after := b
		after.FreeBytes += v.ToFreeBytes
		require.Equal(t, Fits, Grade(m, r, after).Status, "freeing %d bytes is enough: %s", v.ToFreeBytes, where())
	}
	if r.Runtime == VLLM && v.Status == Fits {
		require.Greater(t, v.GPUMemoryUtilization, 0.0, where())
		require.LessOrEqual(t, v.GPUMemoryUtilization, 1.0, where())
	}
	lc := Launch(m, r, v, b)
	for _, l := range []struct {
		rt   Runtime
		line LaunchLine
	}{{VLLM, lc.VLLM}, {LlamaCpp, lc.LlamaCpp}} {
		q := r
		q.Runtime = l.rt
		own := Grade(m, q, b)
		require.Equal(t, own.Status, l.line.Status, "%s line carries its own grade: %s", l.rt, where())
		if l.line.Command == "" {
			require.NotEmpty(t, l.line.Why, "%s: a missing line says why: %s", l.rt, where())
			continue
		}
		require.Empty(t, own.Reason, "%s: a line only where the runtime grades the model: %s", l.rt, where())
		require.NotEqual(t, TooBig, own.Status, "%s: no line for a model too big: %s", l.rt, where())
		require.NotContains(t, l.line.Command, "--gpu-memory-utilization 0.00", where())
	}
}

// checkOverlay builds the matrix for one model and compares every cell
// with Grade at the same precision, context and free memory.
func checkOverlay(t *testing.T, m Model, b Budget, cfg string) {
	t.Helper()
	for _, rt := range []Runtime{VLLM, LlamaCpp} {
		r := Request{Runtime: rt}
		mx := NewMatrix([]Model{m}, Precisions, propertyContexts, r, b.UsableBytes)
		got := mx.Overlay(b.FreeBytes, nil)
		for pi, p := range Precisions {
			for ci, ctx := range propertyContexts {
				q := Request{Precision: p, Runtime: rt, Context: ctx}
				want := Grade(m, q, b)
				cell := got[mx.Index(0, pi, ci)]
				msg := string(rt) + " " + string(p) + " " + FormatContext(ctx) + "\n" + cfg
				require.Equal(t, want.Reason, cell.Reason, msg)
				require.Equal(t, want.RequiredBytes, cell.RequiredBytes, msg)
				require.Equal(t, want.Status == Fits, cell.Status == Fits, "fits in both or neither: %s", msg)
				if cell.Status == Fits {
					require.LessOrEqual(t, cell.RequiredBytes, b.FreeBytes, msg)
				}
			}
		}
	}
}

// TestPropertyGeneratorReachesBothSides guards the property test itself:
// its configs must include refused ones and ones whose needs pass
// MaxNeedBytes, or it proves nothing about those paths.
func TestPropertyGeneratorReachesBothSides(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	var refused, outOfRange int
	for range propertyConfigs(t) {
		data, _ := json.Marshal(randomConfig(rng))
		m, err := LoadConfig(strings.NewReader(string(data)), "config.json")
		if err != nil {
			refused++
			continue
		}
		if _, err := m.Estimate(Request{Precision: BF16, Context: MaxContextTokens}); errors.Is(err, ErrOutOfRange) {
			outOfRange++
		}
	}
	require.Positive(t, refused, "some configs are refused")
	require.Positive(t, outOfRange, "some accepted configs are out of range at 1G tokens")
}
