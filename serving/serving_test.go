package serving

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Command lines as each server's documentation and users' reports show
// them.
func TestRecogniseRealCommandLines(t *testing.T) {
	for name, tc := range map[string]struct {
		argv    string
		runtime string
		model   string
		context int
		args    map[string]string
	}{
		"vllm serve": {"/u/ada/.venv/bin/python3 /u/ada/.venv/bin/vllm serve Qwen/Qwen3-32B --max-model-len 8192 --gpu-memory-utilization 0.90",
			VLLM, "Qwen/Qwen3-32B", 8192, map[string]string{"max-model-len": "8192", "gpu-memory-utilization": "0.90"}},
		"vllm serve with =": {"vllm serve meta-llama/Llama-3.3-70B-Instruct --tensor-parallel-size=2 --max-model-len=32768 --kv-cache-dtype fp8",
			VLLM, "meta-llama/Llama-3.3-70B-Instruct", 32768, map[string]string{"tensor-parallel-size": "2", "max-model-len": "32768", "kv-cache-dtype": "fp8"}},
		"vllm api_server": {"python -m vllm.entrypoints.openai.api_server --model Qwen/Qwen2.5-32B-Instruct-AWQ --quantization awq --port 8000",
			VLLM, "Qwen/Qwen2.5-32B-Instruct-AWQ", 0, map[string]string{"model": "Qwen/Qwen2.5-32B-Instruct-AWQ", "quantization": "awq"}},
		"llama-server -m": {"/opt/llama.cpp/build/bin/llama-server -m /models/Qwen3-32B-Q4_K_M.gguf -c 16384 -ngl 99 -fa -ctk q8_0 -ctv q8_0 --port 8080",
			LlamaCpp, "/models/Qwen3-32B-Q4_K_M.gguf", 16384, map[string]string{"model": "/models/Qwen3-32B-Q4_K_M.gguf", "ctx-size": "16384", "n-gpu-layers": "99", "flash-attn": "on", "cache-type-k": "q8_0", "cache-type-v": "q8_0"}},
		"llama-server -hf": {"llama-server -hf unsloth/gemma-3-27b-it-GGUF:Q4_K_M --ctx-size 8192",
			LlamaCpp, "unsloth/gemma-3-27b-it-GGUF:Q4_K_M", 8192, map[string]string{"hf-repo": "unsloth/gemma-3-27b-it-GGUF:Q4_K_M", "ctx-size": "8192"}},
		"ollama runner": {"/usr/local/bin/ollama runner --model /usr/share/ollama/.ollama/models/blobs/sha256-3291abe70f16ee9682de7bfae08db5373ea9d6497e614aaad63340ad421d6312 --ctx-size 8192 --batch-size 512 --n-gpu-layers 65 --threads 16 --parallel 1 --port 37415",
			Ollama, "/usr/share/ollama/.ollama/models/blobs/sha256-3291abe70f16ee9682de7bfae08db5373ea9d6497e614aaad63340ad421d6312", 8192,
			map[string]string{"model": "/usr/share/ollama/.ollama/models/blobs/sha256-3291abe70f16ee9682de7bfae08db5373ea9d6497e614aaad63340ad421d6312", "ctx-size": "8192", "batch-size": "512", "n-gpu-layers": "65", "parallel": "1"}},
		"older ollama": {"/tmp/ollama1234/runners/cuda_v12/ollama_llama_server runner --model /var/lib/ollama/.ollama/models/blobs/sha256-ab --ctx-size 2048 --n-gpu-layers 33",
			Ollama, "/var/lib/ollama/.ollama/models/blobs/sha256-ab", 2048, map[string]string{"model": "/var/lib/ollama/.ollama/models/blobs/sha256-ab", "ctx-size": "2048", "n-gpu-layers": "33"}},
		"new ollama engine": {"ollama runner --ollama-engine --model /m/blobs/sha256-cd --port 40001",
			Ollama, "/m/blobs/sha256-cd", 0, map[string]string{"model": "/m/blobs/sha256-cd"}},
		"sglang": {"python3 -m sglang.launch_server --model-path Qwen/Qwen3-32B --mem-fraction-static 0.85 --context-length 32768 --tp 1",
			SGLang, "Qwen/Qwen3-32B", 32768, map[string]string{"model": "Qwen/Qwen3-32B", "mem-fraction-static": "0.85", "context-length": "32768", "tp-size": "1"}},
		"tgi": {"text-generation-launcher --model-id mistralai/Mistral-Small-24B-Instruct-2501 --max-total-tokens 8192 --num-shard 1",
			TGI, "mistralai/Mistral-Small-24B-Instruct-2501", 8192, map[string]string{"model": "mistralai/Mistral-Small-24B-Instruct-2501", "max-total-tokens": "8192", "num-shard": "1"}},
	} {
		t.Run(name, func(t *testing.T) {
			s := Recognise(strings.Fields(tc.argv))
			require.NotNil(t, s)
			assert.Equal(t, tc.runtime, s.Runtime)
			assert.Equal(t, tc.model, s.Model)
			assert.Equal(t, tc.context, s.Context)
			assert.Equal(t, tc.args, s.Args)
		})
	}
}

func TestRecogniseNothingElse(t *testing.T) {
	for _, argv := range []string{
		"python train.py --model Qwen/Qwen3-32B", "jupyter-lab", "vllm --version", "llama-server", "vllm serve",
		"/usr/lib/xorg/Xorg :0", "ollama serve", "",
	} {
		assert.Nil(t, Recognise(strings.Fields(argv)), argv)
	}
	assert.Nil(t, Recognise([]string{"bash", "-c", "vllm serve x"}), "a shell that starts a server is not the server")
	s := Recognise([]string{"llama-server", "-c", "999999999999", "-m", "x.gguf"})
	require.NotNil(t, s)
	assert.Zero(t, s.Context, "an absurd context is no context")
}

func TestVersus(t *testing.T) {
	p := uint64(90 << 30)
	s := Server{PredictedBytes: &p}
	assert.Equal(t, "predicted 90.0 GiB, holds 88.2 GiB (-1.8 GiB, -1.9%)", s.Versus(88<<30+1<<28, true))
	assert.Equal(t, "predicted 90.0 GiB, holds 99.0 GiB (+9.0 GiB, +10.0%)", s.Versus(99<<30, true))
	assert.Equal(t, "predicted 90.0 GiB; the driver does not say what it holds", s.Versus(0, false))
	assert.Equal(t, "not predicted: why", Server{Unpredicted: "why"}.Versus(1, true))
}
