package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const rtxPro = "RTX PRO 6000 Blackwell Workstation"

func TestFitJSON(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "--gpu", rtxPro, "--context", "32k", "fit", "Qwen/Qwen3-32B", "--precision", "bf16", "--json")
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	for _, k := range []string{"id", "params", "active_params", "precision", "runtime", "context", "weights_bytes",
		"kv_bytes", "overhead_bytes", "total_bytes", "status", "max_context", "free_bytes", "decode_tokens_per_s", "launch"} {
		assert.Contains(t, rep, k)
	}
	assert.Equal(t, "Qwen/Qwen3-32B", rep["id"])
	assert.EqualValues(t, 32762123264, rep["params"])
	assert.EqualValues(t, 65524246528, rep["weights_bytes"])
	assert.EqualValues(t, 32768*262144, rep["kv_bytes"], "256 KiB per token")
	assert.EqualValues(t, rep["weights_bytes"].(float64)+rep["kv_bytes"].(float64)+rep["overhead_bytes"].(float64), rep["total_bytes"])
	assert.NotEmpty(t, rep["overheads"])
	assert.Equal(t, "fits", rep["status"])
	assert.GreaterOrEqual(t, rep["max_context"], 32768.0)
	assert.Greater(t, rep["decode_tokens_per_s"], 0.0)
	v := rep["verdict"].(map[string]any)
	assert.Greater(t, v["gpu_memory_utilization"], 0.5)
	launch := rep["launch"].(map[string]any)
	assert.Contains(t, launch["vllm"], "vllm serve Qwen/Qwen3-32B --max-model-len 32768 --gpu-memory-utilization 0.")
	assert.Contains(t, launch["llama.cpp"], "-c 32768")
}

func TestFitGrades(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"too big names the precision that fits": {[]string{"--gpu", rtxPro, "fit", "Llama-3.3-70B", "--precision", "bf16"}, "too-big: never fits this card at bf16; fp8 fits; 2 such cards with --tp 2"},
		"free memory taken":                     {[]string{"--gpu", rtxPro, "fit", "qwen3-32b", "--precision", "bf16", "--free", "50GiB"}, "needs-freeing: free"},
		"shorter context":                       {[]string{"--gpu", rtxPro, "--context", "40k", "fit", "qwen3-32b", "--precision", "bf16", "--free", "70GiB"}, "fits-shorter: up to"},
		"tensor parallel alias":                 {[]string{"--gpu", rtxPro, "fit", "Llama-3.3-70B", "--precision", "bf16", "--tensor-parallel-size", "2"}, "--tensor-parallel-size 2"},
		"llama.cpp":                             {[]string{"--gpu", rtxPro, "fit", "Llama-3.3-70B", "--precision", "q4_k_m", "--runtime", "llama.cpp"}, "llama-server -hf GGUF_REPO:Q4_K_M -c 8192 -ngl 999"},
		"GGUF defaults to llama.cpp":            {[]string{"--gpu", rtxPro, "fit", "Llama-3.3-70B", "--precision", "q4_k_m"}, "q4_k_m · llama.cpp"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{noGPU}, tc.args...)...)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, out, tc.want)
		})
	}
}

func TestFitWithoutGPUShowsTheEstimateUngraded(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "fit", "qwen3-32b", "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Verdict *json.RawMessage `json:"verdict"`
		Status  *string          `json:"status"`
		Free    *uint64          `json:"free_bytes"`
		Notes   []string         `json:"notes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Nil(t, rep.Verdict)
	assert.Nil(t, rep.Status)
	assert.Nil(t, rep.Free)
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "not graded: no live GPU")
}

func TestFitUsageErrors(t *testing.T) {
	checkUsageErrors(t, map[string]usageCase{
		"unknown model lists the closest": {[]string{"fit", "qwen3-31b"}, "Qwen/Qwen3-32B"},
		"closest ids, three of them":      {[]string{"fit", "llama-3.3-7b"}, "closest: meta-llama/Llama-3.3-70B-Instruct, "},
		"ambiguous model":                 {[]string{"fit", "qwen3"}, "matches several models"},
		"no model":                        {[]string{"fit"}, "name a model"},
		"bad precision":                   {[]string{"fit", "qwen3-32b", "--precision", "q3"}, "--precision"},
		"bad runtime":                     {[]string{"fit", "qwen3-32b", "--runtime", "tgi"}, "--runtime"},
		"bad kv dtype":                    {[]string{"fit", "qwen3-32b", "--kv-dtype", "int4"}, "--kv-dtype"},
		"bad tp":                          {[]string{"fit", "qwen3-32b", "--tp", "0"}, "--tp"},
		"heads do not split":              {[]string{"fit", "qwen3-32b", "--tp", "3"}, "do not split over 3 GPUs"},
		"gguf under vllm":                 {[]string{"fit", "qwen3-32b", "--precision", "q4_k_m", "--runtime", "vllm"}, "GGUF types run under llama.cpp"},
		"bad free":                        {[]string{"fit", "qwen3-32b", "--free", "lots"}, "--free"},
		"model and config":                {[]string{"fit", "qwen3-32b", "--config", "/tmp"}, "not both"},
		"missing config":                  {[]string{"fit", "--config", "/nonexistent/config.json"}, "--config"},
	})
}

func TestFitConfigFolder(t *testing.T) {
	dir := t.TempDir()
	cfg := `{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"torch_dtype":"bfloat16"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), []byte(`{"metadata":{"total_size":16060522496}}`), 0o644))
	code, out, errOut := runCLI(t, noGPU, "--gpu", "4090", "fit", "--config", dir, "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		ID           string `json:"id"`
		WeightsBytes uint64 `json:"weights_bytes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, dir, rep.ID)
	assert.EqualValues(t, 16060522496, rep.WeightsBytes, "the index's total_size, Llama-3.1-8B's")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{\"hidden_size\": 64,\n\"num_hidden_layers\": 2, \"num_attention_heads\": 4,\n\"num_key_value_heads\": 3, \"vocab_size\": 10}"), 0o644))
	code, _, errOut = runCLI(t, noGPU, "fit", "--config", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "bad.json:3:1: field \"num_key_value_heads\"")
}

func TestModelsJSON(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "models", "--json")
	require.Equal(t, 0, code, errOut)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	models, _ := builtinCatalogues(t)
	require.Len(t, rows, len(models), "one row a catalogue model")
	byID := map[string]map[string]any{}
	for i, r := range rows {
		for _, k := range []string{"id", "params", "active_params", "native_precision", "weights_bytes", "max_context",
			"kv_bytes_per_1k_tokens", "layers", "sliding_or_hybrid_layout"} {
			assert.Contains(t, r, k)
		}
		assert.Equal(t, models[i].ID, r["id"], "in catalogue order")
		byID[r["id"].(string)] = r
	}
	// Qwen3-32B (its model card: 32.8B parameters, 64 layers, 8 KV heads
	// of 128, 40,960 positions, BF16).
	q := byID["Qwen/Qwen3-32B"]
	require.NotNil(t, q, "Qwen/Qwen3-32B is listed")
	assert.EqualValues(t, 32762123264, q["params"])
	assert.EqualValues(t, 64*8*128*2*2*1024, q["kv_bytes_per_1k_tokens"])
	assert.Equal(t, "bf16", q["native_precision"])
	assert.EqualValues(t, 2*32762123264, q["weights_bytes"])
	assert.EqualValues(t, 40960, q["max_context"])
	assert.Equal(t, map[string]any{"full": 64.0, "sliding": 0.0, "chunked": 0.0, "linear": 0.0, "none": 0.0}, q["layers"])
	assert.Equal(t, false, q["sliding_or_hybrid_layout"])
	// gpt-oss-120b ships its experts in MXFP4, and alternates sliding
	// and full attention.
	g := byID["openai/gpt-oss-120b"]
	require.NotNil(t, g, "openai/gpt-oss-120b is listed")
	assert.Equal(t, "mxfp4", g["native_precision"])
	assert.Less(t, g["weights_bytes"], g["bf16_weights_bytes"])
	assert.Equal(t, true, g["sliding_or_hybrid_layout"])

	code, out, _ = runCLI(t, noGPU, "models")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Qwen/Qwen3-32B")
	assert.Contains(t, out, "256 MiB")
}

// TestFitLaunchLinesFollowTheirOwnRuntime is the reported case: graded
// under llama.cpp with 80 GiB free, fit printed `vllm serve …
// --gpu-memory-utilization 0.00`. Each line now comes from its own
// runtime's grade, and a runtime without one is null with a note.
func TestFitLaunchLinesFollowTheirOwnRuntime(t *testing.T) {
	launch := func(args ...string) (map[string]any, []any) {
		t.Helper()
		code, out, errOut := runCLI(t, append([]string{noGPU, "--gpu", rtxPro, "fit", "--json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var rep map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		return rep["launch"].(map[string]any), rep["notes"].([]any)
	}
	l, _ := launch("Qwen/Qwen3-32B", "--free", "80GiB", "--runtime", "llama.cpp")
	require.NotNil(t, l["vllm"])
	assert.NotContains(t, l["vllm"], "--gpu-memory-utilization 0.00")
	assert.Contains(t, l["vllm"], "--gpu-memory-utilization 0.")
	assert.Contains(t, l["llama.cpp"], "llama-server")

	l, notes := launch("Qwen/Qwen3-32B", "--precision", "q4_k_m")
	assert.Nil(t, l["vllm"], "vLLM does not load GGUF files")
	assert.Contains(t, notes, "no vLLM command line: GGUF types run under llama.cpp: not supported by this runtime")
	assert.NotNil(t, l["llama.cpp"])

	l, notes = launch("Llama-3.3-70B", "--precision", "bf16")
	assert.Nil(t, l["vllm"], "too big: no line")
	assert.Nil(t, l["llama.cpp"])
	assert.Contains(t, notes, "no vLLM command line: too big for this card at bf16 under vllm")
}
