package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fitAgainst runs headroom fit --json in its own process against the fake
// driver in state, and returns the report.
func fitAgainst(t *testing.T, lib string, st fakenvml.State, args ...string) map[string]any {
	t.Helper()
	state := filepath.Join(t.TempDir(), "state")
	require.NoError(t, fakenvml.WriteState(state, st))
	code, out, errOut := runHeadroom(t, fakenvml.Env(lib, state), append([]string{"fit", "--json"}, args...)...)
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	return rep
}

func TestFitGradesOnlyGPUsThatCanBeGraded(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	healthy, lost := fakenvml.RTXPro6000(), fakenvml.RTXPro6000()
	lost.UUID, lost.Lost = "GPU-lost", true
	two := fakenvml.State{DriverVersion: "580.95.05", Devices: []fakenvml.Device{healthy, lost}}

	t.Run("tensor parallel over a lost GPU", func(t *testing.T) {
		rep := fitAgainst(t, lib, two, "meta-llama/Llama-3.3-70B-Instruct", "--tp", "2")
		assert.Nil(t, rep["status"], "not graded")
		assert.Nil(t, rep["launch"], "no command line over a lost GPU")
		notes, _ := json.Marshal(rep["notes"])
		assert.Contains(t, string(notes), "needs 2 that can be graded; 1 of 2 can (GPU 1 is lost")
	})
	t.Run("one GPU of two, the other lost", func(t *testing.T) {
		rep := fitAgainst(t, lib, two, "Qwen/Qwen3-32B")
		assert.Equal(t, "fits", rep["status"], "GPU 0 still answers")
	})
	t.Run("MIG", func(t *testing.T) {
		mig := fakenvml.RTXPro6000()
		mig.MIG = true
		rep := fitAgainst(t, lib, fakenvml.State{Devices: []fakenvml.Device{mig}}, "Qwen/Qwen3-32B")
		assert.Nil(t, rep["status"], "a MIG card is not graded as a whole")
		notes, _ := json.Marshal(rep["notes"])
		assert.Contains(t, string(notes), "MIG on: a model must fit one MIG instance")
	})
}

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
	assert.Nil(t, launch["llama.cpp"], "Qwen/Qwen3-32B-GGUF publishes no BF16 file")
	assert.Contains(t, rep["notes"], "no llama.cpp command line: Qwen/Qwen3-32B-GGUF publishes no BF16 file that headroom knows of")
}

func TestFitGrades(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"too big names the precision that fits": {[]string{"--gpu", rtxPro, "fit", "Llama-3.3-70B", "--precision", "bf16"}, "Too big: never fits this card at bf16; fp8 fits; 2 such cards with --tp 2"},
		"free memory taken":                     {[]string{"--gpu", rtxPro, "fit", "qwen3-32b", "--precision", "bf16", "--free", "50GiB"}, "Fits once "},
		"shorter context":                       {[]string{"--gpu", rtxPro, "--context", "40k", "fit", "qwen3-32b", "--precision", "bf16", "--free", "70GiB"}, "Fits now only at a shorter context: up to"},
		"tensor parallel alias":                 {[]string{"--gpu", rtxPro, "fit", "Llama-3.3-70B", "--precision", "bf16", "--tensor-parallel-size", "2"}, "--tensor-parallel-size 2"},
		"llama.cpp":                             {[]string{"--gpu", rtxPro, "fit", "Llama-3.3-70B", "--precision", "q4_k_m", "--runtime", "llama.cpp"}, "llama-server -hf unsloth/Llama-3.3-70B-Instruct-GGUF:Q4_K_M -c 8192 -ngl 999"},
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
		"heads do not split":              {[]string{"fit", "qwen3-32b", "--tp", "3"}, "64 attention heads do not split over 3 GPUs: tensor parallelism needs a count that divides them (1, 2, 4 or 8)"},
		"gguf under vllm":                 {[]string{"fit", "qwen3-32b", "--precision", "q4_k_m", "--runtime", "vllm"}, "GGUF types run under llama.cpp"},
		"bad free":                        {[]string{"fit", "qwen3-32b", "--free", "lots"}, "--free"},
		"free without a unit":             {[]string{"fit", "qwen3-32b", "--free", "80"}, "--free: \"80\" has no unit: give one of GiB, GB"},
		"model and config":                {[]string{"fit", "qwen3-32b", "--config", "/tmp"}, "not both"},
		"missing config":                  {[]string{"fit", "--config", "/nonexistent/config.json"}, "--config"},
	})
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
	assert.Nil(t, l["llama.cpp"], "no BF16 GGUF file of Qwen3-32B is published")

	l, notes := launch("Qwen/Qwen3-32B", "--precision", "q4_k_m")
	assert.Nil(t, l["vllm"], "vLLM does not load GGUF files")
	assert.Contains(t, notes, "no vLLM command line: GGUF types run under llama.cpp: not supported by this runtime")
	assert.NotNil(t, l["llama.cpp"])

	l, notes = launch("Llama-3.3-70B", "--precision", "bf16")
	assert.Nil(t, l["vllm"], "too big: no line")
	assert.Nil(t, l["llama.cpp"])
	assert.Contains(t, notes, "no vLLM command line: too big for this card at bf16 under vllm")
}

// What fit and models print says what is true, in words: no internal
// status names, no "bad request", a term whose figure its source explains,
// and an fp32 checkpoint's 16-bit weights explained.
func TestFitAndModelsSayItInWords(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "--gpu", rtxPro, "fit", "qwen3-32b", "--precision", "bf16", "--free", "50GiB")
	require.Equal(t, 0, code, errOut)
	for _, internal := range []string{"needs-freeing:", "fits-shorter:", "too-big:", "fits:"} {
		assert.NotContains(t, out, internal)
	}
	graphs := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "CUDA graphs") {
			graphs = l
		}
	}
	assert.Contains(t, graphs, "1.5 GiB taken, above the 0.91–1.14 GiB logged at TP1", "the figure and its source agree")

	code, out, errOut = runCLI(t, noGPU, "--gpu", rtxPro, "--context", "8k", "fit", "microsoft/Phi-3-medium-4k-instruct")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Fits now at its whole context, 4K (the model's own maximum)", "limited by the model, not by memory")
	assert.Contains(t, out, "--max-model-len 4096")

	code, out, errOut = runCLI(t, noGPU, "models", "--no-scan")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "fp32*")
	assert.Contains(t, out, "* an fp32 checkpoint: vLLM and llama.cpp load it at 16 bits")

	code, out, errOut = runCLI(t, noGPU, "--gpu", "RTX 4090", "--context", "128k", "cards", "--precision", "bf16")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Price: $1,599; no model of the catalogue fits it at this precision and context.")
	assert.NotContains(t, out, "- a fitting model")
}
