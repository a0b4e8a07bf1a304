package fit

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rtx6000 is the RTX PRO 6000 Blackwell's 96 GiB, as a budget.
func rtx6000(free uint64) Budget {
	return Budget{FreeBytes: free, UsableBytes: 96 * GiB, TotalBytes: 96 * GiB, GPUs: 1}
}

func TestGrade(t *testing.T) {
	ms := loadCatalogue(t)
	q32 := byID(t, ms, "Qwen/Qwen3-32B")
	l70 := byID(t, ms, "meta-llama/Llama-3.3-70B-Instruct")
	cases := []struct {
		name string
		m    Model
		r    Request
		free uint64
		want Status
	}{
		{"32B bf16 on an empty card", q32, Request{Precision: BF16, Context: 32768}, 96 * GiB, Fits},
		{"32B bf16 with 30 GiB taken: only 2K–8K fits", q32, Request{Precision: BF16, Context: 40960}, 70 * GiB, FitsShorter},
		{"32B bf16 with 40 GiB taken", q32, Request{Precision: BF16, Context: 32768}, 56 * GiB, NeedsFreeing},
		{"70B bf16 never fits 96 GiB", l70, Request{Precision: BF16, Context: 8192}, 96 * GiB, TooBig},
		{"70B fp8 fits", l70, Request{Precision: FP8, Context: 8192}, 96 * GiB, Fits},
		{"past max_position_embeddings: fits at the model's own 4K", byID(t, ms, "allenai/OLMo-2-0325-32B"), Request{Precision: BF16, Context: 32768}, 96 * GiB, Fits},
		{"70B q4_k_m under llama.cpp", l70, Request{Precision: Q4_K_M, Runtime: LlamaCpp, Context: 32768}, 96 * GiB, Fits},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Grade(c.m, c.r, rtx6000(c.free))
			require.Equal(t, c.want, v.Status, "%+v", v)
			switch v.Status {
			case Fits:
				assert.Positive(t, v.RoomBytes)
				if lim := c.m.ContextLimit(); lim > 0 && c.r.Context > lim {
					assert.True(t, v.AtModelLimit)
					assert.Equal(t, lim, v.MaxContext, "limited by the model, not by memory")
				} else {
					assert.False(t, v.AtModelLimit)
					assert.GreaterOrEqual(t, v.MaxContext, c.r.Context)
				}
			case FitsShorter:
				assert.GreaterOrEqual(t, v.MaxContext, MinContext)
				assert.Less(t, v.MaxContext, c.r.Context)
			case NeedsFreeing:
				assert.Positive(t, v.ToFreeBytes)
				// Freeing what it says must be enough, and no byte less.
				after := Grade(c.m, c.r, rtx6000(c.free+v.ToFreeBytes))
				assert.Equal(t, Fits, after.Status)
			case TooBig:
				assert.Equal(t, FP8, v.SmallestFittingPrecision)
				assert.Equal(t, 2, v.CardsNeeded)
			}
		})
	}
}

// TestVLLMUtilisation checks the vLLM start check: free ≥ util × total,
// with the CUDA context and graphs outside it.
func TestVLLMUtilisation(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	r := Request{Precision: BF16, Context: 8192}
	v := Grade(m, r, rtx6000(80*GiB))
	e, err := m.Estimate(r)
	require.NoError(t, err)
	assert.LessOrEqual(t, v.GPUMemoryUtilization*96*GiB+float64(e.OutsideBytes), 80.0*GiB)
	assert.Greater(t, (v.GPUMemoryUtilization+0.01)*96*GiB+float64(e.OutsideBytes), 80.0*GiB, "the largest that passes")
	assert.LessOrEqual(t, float64(e.TotalBytes-e.OutsideBytes), v.GPUMemoryUtilization*96*GiB)
	assert.Equal(t, fmt.Sprintf("%.2f", v.GPUMemoryUtilization), fmt.Sprint(v.GPUMemoryUtilization))
}

// TestMonotone: more context never needs less memory, and fewer bits
// never need more, for every catalogue model and runtime.
func TestMonotone(t *testing.T) {
	ctxs := []int{1, 100, 2048, 4096, 8192, 8193, 16384, 32768, 131072}
	ladder := map[Runtime][]Precision{
		VLLM:         {BF16, FP8, AWQ4},
		LlamaCpp:     {BF16, Q8_0, Q6_K, Q5_K_M, Q4_K_M},
		Transformers: {BF16, INT8, AWQ4},
	}
	for _, m := range loadCatalogue(t) {
		for rt, ps := range ladder {
			t.Run(m.ID+"/"+string(rt), func(t *testing.T) {
				prevP := uint64(1 << 63)
				for _, p := range ps {
					prevC := uint64(0)
					for _, c := range ctxs {
						e, err := m.Estimate(Request{Precision: p, Runtime: rt, Context: c})
						require.NoError(t, err)
						assert.GreaterOrEqual(t, e.TotalBytes, prevC, "%s at %d tokens", p, c)
						prevC = e.TotalBytes
					}
					e, err := m.Estimate(Request{Precision: p, Runtime: rt, Context: 8192})
					require.NoError(t, err)
					assert.LessOrEqual(t, e.TotalBytes, prevP, "%s needs more than the precision above it", p)
					prevP = e.TotalBytes
				}
			})
		}
	}
}

func TestUnsupported(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	for _, r := range []Request{
		{Precision: Q4_K_M, Runtime: VLLM, Context: 8192},
		{Precision: AWQ4, Runtime: LlamaCpp, Context: 8192},
		{Precision: BF16, Runtime: Transformers, KVDType: KVFP8, Context: 8192},
	} {
		_, err := m.Estimate(r)
		assert.ErrorIs(t, err, ErrUnsupported)
		v := Grade(m, r, rtx6000(96*GiB))
		assert.Equal(t, TooBig, v.Status)
		assert.NotEmpty(t, v.Reason)
	}
	_, err := m.Estimate(Request{Precision: BF16, Context: 8192, TP: 3})
	assert.ErrorIs(t, err, ErrBadRequest, "64 heads do not split over 3 GPUs")
	_, err = m.Estimate(Request{Precision: BF16})
	assert.ErrorIs(t, err, ErrBadRequest, "no context")
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{Fits: "fits", FitsShorter: "fits-shorter", NeedsFreeing: "needs-freeing", TooBig: "too-big", 9: "unknown"} {
		assert.Equal(t, want, s.String())
	}
}

func TestMatrixMatchesGrade(t *testing.T) {
	ms := loadCatalogue(t)
	ctxs := []int{32768, 4096, 8192}
	for _, rt := range Runtimes {
		r := Request{Runtime: rt}
		mx := NewMatrix(ms, Precisions, ctxs, r, 96*GiB)
		for _, free := range []uint64{96 * GiB, 60 * GiB, 20 * GiB} {
			vs := mx.Overlay(free, nil)
			require.Len(t, vs, len(ms)*len(Precisions)*3)
			for mi, m := range ms {
				for pi, p := range Precisions {
					for ci, ctx := range mx.Contexts() {
						got := vs[mx.Index(mi, pi, ci)]
						q := r
						q.Precision, q.Context = p, ctx
						want := Grade(m, q, rtx6000(free))
						if want.Status == FitsShorter && got.Status != FitsShorter {
							// Grade looks at every context from 2K; the
							// matrix only at its own columns.
							assert.NotEqual(t, Fits, got.Status)
							continue
						}
						assert.Equal(t, want.Status, got.Status, "%s %s %d at %s free", m.ID, p, ctx, FormatGiB(free))
						assert.Equal(t, want.RequiredBytes, got.RequiredBytes)
						assert.Equal(t, want.ToFreeBytes, got.ToFreeBytes)
						assert.Equal(t, want.SmallestFittingPrecision, got.SmallestFittingPrecision)
						assert.Equal(t, want.CardsNeeded, got.CardsNeeded)
						assert.Equal(t, want.GPUMemoryUtilization, got.GPUMemoryUtilization)
					}
				}
			}
		}
	}
}

func TestOverlayAllocatesNothing(t *testing.T) {
	ms := loadCatalogue(t)
	mx := NewMatrix(ms, Precisions, []int{4096, 8192, 32768}, Request{}, 96*GiB)
	dst := make([]Verdict, mx.Len())
	allocs := testing.AllocsPerRun(20, func() { dst = mx.Overlay(60*GiB, dst) })
	assert.Zero(t, allocs)
}

func TestLaunch(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	b := rtx6000(90 * GiB)
	launch := func(r Request) LaunchCommands { return Launch(m, r, Grade(m, r, b), b) }
	lc := launch(Request{Precision: BF16, Context: 32768})
	assert.Equal(t, "vllm serve Qwen/Qwen3-32B --max-model-len 32768 --gpu-memory-utilization 0.91", lc.VLLM.Command)
	assert.Empty(t, lc.LlamaCpp.Command, "the official GGUF repository has no BF16 file")
	assert.Equal(t, "Qwen/Qwen3-32B-GGUF publishes no BF16 file that headroom knows of", lc.LlamaCpp.Why)

	lc = launch(Request{Precision: Q4_K_M, Runtime: LlamaCpp, Context: 32768})
	assert.Equal(t, "llama-server -hf Qwen/Qwen3-32B-GGUF:Q4_K_M -c 32768 -ngl 999 -fa on -np 1", lc.LlamaCpp.Command,
		"the repository and tag the catalogue names")

	lc = launch(Request{Precision: FP8, KVDType: KVFP8, Context: 40960, TP: 2})
	assert.Equal(t, "vllm serve Qwen/Qwen3-32B-FP8 --max-model-len 40960 --gpu-memory-utilization 0.89 --tensor-parallel-size 2 --kv-cache-dtype fp8",
		lc.VLLM.Command, "the published FP8 checkpoint, served as it is")
	assert.Empty(t, lc.LlamaCpp.Command)
	assert.Contains(t, lc.LlamaCpp.Why, "llama.cpp loads GGUF types")

	lc = launch(Request{Precision: AWQ4, Context: 8192})
	assert.Contains(t, lc.VLLM.Command, "vllm serve Qwen/Qwen3-32B-AWQ ")
	lc = launch(Request{Precision: INT8, Context: 8192})
	assert.Empty(t, lc.VLLM.Command)
	assert.Equal(t, "no published int8 checkpoint of Qwen/Qwen3-32B is known to headroom", lc.VLLM.Why)

	g := byID(t, loadCatalogue(t), "google/gemma-2-27b")
	r := Request{Precision: FP8, Context: 8192}
	lc = Launch(g, r, Grade(g, r, b), b)
	assert.Contains(t, lc.VLLM.Command, "vllm serve google/gemma-2-27b --max-model-len 8192 --gpu-memory-utilization",
		"no FP8 checkpoint: vLLM quantises as it loads")
	assert.True(t, strings.HasSuffix(lc.VLLM.Command, "--quantization fp8"))
}

// Every published repository the catalogue names is used exactly: the
// line names the repository and a tag it lists.
func TestLaunchUsesEveryPublishedRepository(t *testing.T) {
	b := rtx6000(200 * GiB)
	b.UsableBytes, b.TotalBytes = 200*GiB, 200*GiB
	for _, m := range loadCatalogue(t) {
		for p, q := range m.Quantized {
			r := Request{Precision: p, Context: 4096}
			lc := Launch(m, r, Grade(m, r, b), b)
			if lc.VLLM.Command != "" {
				assert.Contains(t, lc.VLLM.Command, "vllm serve "+q.Repo+" ", m.ID)
			}
		}
		if m.GGUF == nil {
			continue
		}
		for _, tag := range m.GGUF.Quants {
			p := Precision(strings.ToLower(tag))
			if tag == "BF16" {
				p = BF16
			}
			r := Request{Precision: p, Runtime: LlamaCpp, Context: 4096}
			lc := Launch(m, r, Grade(m, r, b), b)
			if lc.LlamaCpp.Status != TooBig && lc.LlamaCpp.Why == "" {
				assert.Contains(t, lc.LlamaCpp.Command, "-hf "+m.GGUF.Repo+":"+tag+" ", m.ID)
			}
		}
	}
}

// A GGUF file is launched from its path, quoted for the shell; an Ollama
// model with ollama run, the context set as Ollama takes it.
func TestLaunchLocalFiles(t *testing.T) {
	b := rtx6000(90 * GiB)
	for id, want := range map[string]string{
		"/models/Qwen3 32B/q.gguf": "llama-server -m '/models/Qwen3 32B/q.gguf' -c 8192 -ngl 999 -fa on -np 1",
		"/models/it's.gguf":        `llama-server -m '/models/it'\''s.gguf' -c 8192 -ngl 999 -fa on -np 1`,
		"qwen3:32b":                "ollama run qwen3:32b",
	} {
		m, err := FromGGUF(qwen3GGUF(), id)
		require.NoError(t, err)
		r := Request{Precision: Native, Runtime: LlamaCpp, Context: 8192}
		lc := Launch(m, r, Grade(m, r, b), b)
		assert.Equal(t, want, lc.LlamaCpp.Command, id)
		assert.Empty(t, lc.VLLM.Command, "vLLM does not serve a GGUF file")
		if strings.HasPrefix(want, "ollama") {
			assert.Contains(t, lc.Notes, "Ollama takes the context as a parameter: /set parameter num_ctx 8192 in the session, or OLLAMA_CONTEXT_LENGTH=8192 for the server")
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"Qwen/Qwen3-32B": "Qwen/Qwen3-32B", "/a/b-c_d.gguf": "/a/b-c_d.gguf", "": "''",
		"a b": "'a b'", "$(rm -rf ~)": "'$(rm -rf ~)'", "it's": `'it'\''s'`, "a;b": "'a;b'",
	} {
		assert.Equal(t, want, ShellQuote(in), in)
	}
}

// TestLaunchFollowsEachRuntimesGrade is the reported case: Qwen3-32B
// graded under llama.cpp with 80 GiB free printed a vLLM line with
// --gpu-memory-utilization 0.00. Each line now comes from its own
// runtime's grade: a vLLM line is there only when vLLM's grade allows
// one, with a utilisation above zero.
func TestLaunchFollowsEachRuntimesGrade(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	for _, free := range []uint64{20 * GiB, 66 * GiB, 70 * GiB, 80 * GiB, 96 * GiB} {
		for _, rt := range Runtimes {
			r := Request{Precision: BF16, Runtime: rt, Context: 32768}
			b := rtx6000(free)
			lc := Launch(m, r, Grade(m, r, b), b)
			for lrt, l := range map[Runtime]LaunchLine{VLLM: lc.VLLM, LlamaCpp: lc.LlamaCpp} {
				q := r
				q.Runtime = lrt
				own := Grade(m, q, b)
				assert.Equal(t, own.Status, l.Status, "%s line graded under %s", lrt, rt)
				if own.Status == TooBig {
					assert.Empty(t, l.Command)
					assert.NotEmpty(t, l.Why)
				}
			}
			if lc.VLLM.Command != "" {
				assert.NotContains(t, lc.VLLM.Command, "--gpu-memory-utilization 0.00", "free %s under %s", FormatGiB(free), rt)
			}
		}
	}
}

func TestDecode(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	r := Request{Precision: BF16, Context: 8192}
	_, ok := DecodeTokensPerSecond(m, r, 0, false)
	assert.False(t, ok)
	// 61 GiB + 2 GiB of KV at 91% of 1.792 TB/s (RTX PRO 6000), plus
	// 59 µs for each of its 64 layers: 24.2 tok/s.
	tps, ok := DecodeTokensPerSecond(m, r, 1792e9, false)
	require.True(t, ok)
	assert.InDelta(t, 1/(float64(65524246528+8192*262144)/(DecodeEfficiency*1792e9)+64*DecodeLayerSeconds), tps, 0.01)
	hbm, _ := DecodeTokensPerSecond(m, r, 1792e9, true)
	assert.Less(t, hbm, tps, "HBM reaches a smaller share of its peak")
	moe, _ := DecodeTokensPerSecond(byID(t, loadCatalogue(t), "Qwen/Qwen3-30B-A3B"), r, 1792e9, false)
	assert.Greater(t, moe, 3*tps, "a 3B-active MoE decodes far faster")
}

// TestShorterContextFloor: "fits-shorter" needs at least 4K (or the
// model's whole context, when shorter) to fit; less is "needs-freeing".
func TestShorterContextFloor(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	r := Request{Precision: BF16, Context: 8192}
	var free uint64
	for f := uint64(60 * GiB); f < 96*GiB; f += 16 << 20 {
		at2k, at4k := r, r
		at2k.Context, at4k.Context = 2048, 4096
		if Grade(m, at2k, rtx6000(f)).Status == Fits && Grade(m, at4k, rtx6000(f)).Status != Fits {
			free = f
			break
		}
	}
	require.NotZero(t, free, "some free size must fit 2K but not 4K")
	v := Grade(m, r, rtx6000(free))
	assert.Equal(t, NeedsFreeing, v.Status, "%+v", v)

	phi := byID(t, loadCatalogue(t), "microsoft/Phi-3-medium-4k-instruct")
	assert.Equal(t, 4096, phi.ContextLimit())
	v = Grade(phi, Request{Precision: BF16, Context: 8192}, rtx6000(96*GiB))
	assert.Equal(t, Fits, v.Status, "its whole 4K context fits: limited by the model, not memory: %+v", v)
	assert.True(t, v.AtModelLimit)
	assert.Equal(t, 4096, v.MaxContext)
	at4k := Grade(phi, Request{Precision: BF16, Context: 4096}, rtx6000(96*GiB))
	assert.Equal(t, at4k.RequiredBytes, v.RequiredBytes, "graded at its 4K maximum")
	assert.False(t, at4k.AtModelLimit)
}

// TestRuntimeFor: every precision is graded under a runtime that loads
// it, the preferred one whenever it can.
func TestRuntimeFor(t *testing.T) {
	m := byID(t, loadCatalogue(t), "Qwen/Qwen3-30B-A3B") // MoE: every precision applies
	for _, pref := range Runtimes {
		for _, p := range Precisions {
			rt := RuntimeFor(p, pref)
			_, err := m.Estimate(Request{Precision: p, Runtime: rt, Context: 4096})
			assert.NoError(t, err, "%s preferring %s graded under %s", p, pref, rt)
			if _, err := m.Estimate(Request{Precision: p, Runtime: pref, Context: 4096}); err == nil {
				assert.Equal(t, pref, rt, "%s loads %s itself", pref, p)
			}
		}
	}
}

// MXFP4 checkpoints quantise MoE experts; a dense model has none to
// quantise, and says so rather than pass for bf16 or q8_0.
func TestMXFP4NeedsExperts(t *testing.T) {
	dense := byID(t, loadCatalogue(t), "Qwen/Qwen3-32B")
	for _, rt := range []Runtime{VLLM, LlamaCpp} {
		_, err := dense.Estimate(Request{Precision: MXFP4, Runtime: rt, Context: 4096})
		assert.ErrorIs(t, err, ErrUnsupported)
	}
}

// TestFitsNeverReportsAShorterMaximum is the reported contradiction:
// falcon-40b under llama.cpp at a short context said "fits … up to 0 of
// context fits now". A request that fits has MaxContext ≥ its context.
func TestFitsNeverReportsAShorterMaximum(t *testing.T) {
	m := byID(t, loadCatalogue(t), "tiiuae/falcon-40b")
	r := Request{Precision: BF16, Runtime: LlamaCpp, Context: MinContextTokens}
	at4k := r
	at4k.Context = 4096
	var free uint64
	for f := uint64(70 * GiB); f < 96*GiB; f += 8 << 20 {
		if Grade(m, r, rtx6000(f)).Status == Fits && Grade(m, at4k, rtx6000(f)).Status != Fits {
			free = f
			break
		}
	}
	require.NotZero(t, free, "some free size must fit 256 tokens but not 4K")
	v := Grade(m, r, rtx6000(free))
	require.Equal(t, Fits, v.Status)
	assert.GreaterOrEqual(t, v.MaxContext, r.Context)
	assert.Less(t, v.MaxContext, 4096)
}

// TestContextSearchIsBounded: a model whose config allows 1G tokens
// (the largest max_position_embeddings accepted) gets a finite maximum
// with a non-zero cache, and a context too large to size is an error,
// not a wrapped number.
func TestContextSearchIsBounded(t *testing.T) {
	cfg := `{"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,` +
		`"num_key_value_heads":8,"vocab_size":128256,"intermediate_size":14336,"max_position_embeddings":%d}`
	_, err := LoadConfig(strings.NewReader(fmt.Sprintf(cfg, int64(1)<<62)), "config.json")
	require.ErrorContains(t, err, `field "max_position_embeddings"`)

	m, err := LoadConfig(strings.NewReader(fmt.Sprintf(cfg, MaxContextTokens)), "config.json")
	require.NoError(t, err)
	for _, rt := range Runtimes {
		r := Request{Precision: BF16, Runtime: rt, Context: 8192}
		v := Grade(m, r, rtx6000(96*GiB))
		require.Equal(t, Fits, v.Status, rt)
		assert.Less(t, v.MaxContext, 1<<22, "%s: 128 KiB of KV a token cannot reach 4M tokens in 96 GiB", rt)
		r.Context = v.MaxContext
		e, err := m.Estimate(r)
		require.NoError(t, err)
		assert.Greater(t, e.KVBytes, uint64(40*GiB), "%s: the cache at the maximum fills the card", rt)
	}
	wide := `{"model_type":"llama","hidden_size":65536,"num_hidden_layers":4096,"num_attention_heads":65536,"head_dim":4,` +
		`"vocab_size":10,"intermediate_size":16,"max_position_embeddings":1073741824}`
	m, err = LoadConfig(strings.NewReader(wide), "config.json")
	require.NoError(t, err)
	_, err = m.Estimate(Request{Precision: BF16, Context: MaxContextTokens})
	assert.ErrorIs(t, err, ErrOutOfRange)
	v := Grade(m, Request{Precision: BF16, Context: MaxContextTokens}, rtx6000(96*GiB))
	assert.Equal(t, TooBig, v.Status)
	assert.Contains(t, v.Reason, "1 EiB")
}

// The new precisions' lines: NF4 quantises as vLLM loads (bitsandbytes),
// gpt-oss serves its own MXFP4 checkpoint, and a GPTQ or NVFP4 line needs
// a published checkpoint, which it says when none is known.
func TestLaunchNewPrecisions(t *testing.T) {
	ms := loadCatalogue(t)
	b := rtx6000(90 * GiB)
	line := func(id string, p Precision) LaunchLine {
		m := byID(t, ms, id)
		r := Request{Precision: p, Context: 8192}
		return Launch(m, r, Grade(m, r, b), b).VLLM
	}
	assert.True(t, strings.HasSuffix(line("Qwen/Qwen3-32B", NF4).Command, "--quantization bitsandbytes"))
	assert.Contains(t, line("openai/gpt-oss-20b", MXFP4).Command, "vllm serve openai/gpt-oss-20b ")
	assert.NotContains(t, line("openai/gpt-oss-20b", MXFP4).Command, "--quantization")
	for _, p := range []Precision{GPTQ4, GPTQ8, NVFP4} {
		l := line("Qwen/Qwen3-32B", p)
		assert.Empty(t, l.Command, p)
		assert.Equal(t, "no published "+string(p)+" checkpoint of Qwen/Qwen3-32B is known to headroom", l.Why)
	}
}

// A config that states no context limit is graded up to
// UnknownContextLimit only, and says so; the catalogue's models all state
// theirs, so none relies on it.
func TestAnUnknownContextLimitIsNotUnlimited(t *testing.T) {
	ms := loadCatalogue(t)
	for _, m := range ms {
		assert.True(t, m.ContextLimitKnown(), "%s states its context limit", m.ID)
	}
	m := byID(t, ms, "Qwen/Qwen3-32B")
	m.Config.MaxPositionEmbeddings = 0
	require.False(t, m.ContextLimitKnown())
	assert.Equal(t, UnknownContextLimit, m.ContextLimit())
	v := Grade(m, Request{Precision: BF16, Context: 32768}, rtx6000(96*GiB))
	assert.True(t, v.ContextLimitUnknown)
	assert.True(t, v.AtModelLimit)
	assert.Equal(t, UnknownContextLimit, v.MaxContext, "never more than the stated default")
	l := Launch(m, Request{Precision: BF16, Context: 32768}, v, rtx6000(96*GiB))
	assert.Contains(t, l.VLLM.Command, "--max-model-len 4096")

	for id, want := range map[string]int{"tiiuae/falcon-40b": 2048, "Qwen/QwQ-32B": 40960, "mistralai/Mistral-Large-Instruct-2407": 131072} {
		assert.Equal(t, want, byID(t, ms, id).ContextLimit(), "%s from its published config or card", id)
	}
}
