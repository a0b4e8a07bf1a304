package fit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The weights of each new precision against published files: a GGUF
// file's size, or the sum of a checkpoint's shards, within 2%. GGUF sizes
// include the file's metadata (its tokenizer, a few MB); shard sums are of
// the sizes the Hugging Face listing rounds to 10 MB.
func TestPrecisionsAgainstPublishedFiles(t *testing.T) {
	ms := loadCatalogue(t)
	for _, tc := range []struct {
		id    string
		p     Precision
		rt    Runtime
		bytes float64
		src   string
	}{
		// bartowski/Meta-Llama-3.1-70B-Instruct-GGUF (the 3.1 and 3.3 70B share an architecture).
		{"meta-llama/Llama-3.3-70B-Instruct", Q3_K_M, LlamaCpp, 34.27e9, "bartowski Meta-Llama-3.1-70B-Instruct-Q3_K_M.gguf, 34.27GB"},
		{"meta-llama/Llama-3.3-70B-Instruct", Q2_K, LlamaCpp, 26_375_113_280, "bartowski Meta-Llama-3.1-70B-Instruct-Q2_K.gguf"},
		{"meta-llama/Llama-3.3-70B-Instruct", IQ4_XS, LlamaCpp, 37_902_661_792, "bartowski Meta-Llama-3.1-70B-Instruct-IQ4_XS.gguf"},
		{"meta-llama/Llama-3.3-70B-Instruct", IQ3_XXS, LlamaCpp, 27_469_499_328, "mmnga/Llama-3.3-70B-Instruct-gguf Llama-3.3-70B-Instruct-IQ3_XXS.gguf"},
		// bartowski/Meta-Llama-3.1-8B-Instruct-GGUF.
		{"meta-llama/Llama-3.1-8B-Instruct", Q3_K_M, LlamaCpp, 4_018_922_912, "bartowski Meta-Llama-3.1-8B-Instruct-Q3_K_M.gguf"},
		{"meta-llama/Llama-3.1-8B-Instruct", Q2_K, LlamaCpp, 3_179_136_416, "bartowski Meta-Llama-3.1-8B-Instruct-Q2_K.gguf"},
		// bartowski/Qwen2.5-32B-Instruct-GGUF.
		{"Qwen/Qwen2.5-32B-Instruct", Q3_K_M, LlamaCpp, 15_935_048_576, "bartowski Qwen2.5-32B-Instruct-Q3_K_M.gguf"},
		{"Qwen/Qwen2.5-32B-Instruct", Q2_K, LlamaCpp, 12_313_099_136, "bartowski Qwen2.5-32B-Instruct-Q2_K.gguf"},
		{"Qwen/Qwen2.5-32B-Instruct", IQ4_XS, LlamaCpp, 17.69e9, "bartowski Qwen2.5-32B-Instruct-IQ4_XS.gguf, 17.69GB"},
		// bartowski/Qwen2.5-72B-Instruct-GGUF.
		{"Qwen/Qwen2.5-72B-Instruct", Q3_K_M, LlamaCpp, 37.70e9, "bartowski Qwen2.5-72B-Instruct-Q3_K_M.gguf, 37.70GB"},
		{"Qwen/Qwen2.5-72B-Instruct", Q2_K, LlamaCpp, 29.81e9, "bartowski Qwen2.5-72B-Instruct-Q2_K.gguf, 29.81GB"},
		{"Qwen/Qwen2.5-72B-Instruct", IQ4_XS, LlamaCpp, 39.71e9, "bartowski Qwen2.5-72B-Instruct-IQ4_XS.gguf, 39.71GB"},
		{"Qwen/Qwen2.5-72B-Instruct", IQ3_XXS, LlamaCpp, 31.85e9, "bartowski Qwen2.5-72B-Instruct-IQ3_XXS.gguf, 31.85GB"},
		// bartowski/Qwen_Qwen3-32B-GGUF.
		{"Qwen/Qwen3-32B", Q3_K_M, LlamaCpp, 15.97e9, "bartowski Qwen_Qwen3-32B-Q3_K_M.gguf, 15.97GB"},
		{"Qwen/Qwen3-32B", Q2_K, LlamaCpp, 12.34e9, "bartowski Qwen_Qwen3-32B-Q2_K.gguf, 12.34GB"},
		{"Qwen/Qwen3-32B", IQ4_XS, LlamaCpp, 17.69e9, "bartowski Qwen_Qwen3-32B-IQ4_XS.gguf, 17.69GB"},
		{"Qwen/Qwen3-32B", IQ3_XXS, LlamaCpp, 12.82e9, "bartowski Qwen_Qwen3-32B-IQ3_XXS.gguf, 12.82GB"},
		// bartowski/Mistral-Small-24B-Instruct-2501-GGUF.
		{"mistralai/Mistral-Small-24B-Instruct-2501", Q3_K_M, LlamaCpp, 11_474_081_472, "bartowski Mistral-Small-24B-Instruct-2501-Q3_K_M.gguf"},
		{"mistralai/Mistral-Small-24B-Instruct-2501", Q2_K, LlamaCpp, 8_890_324_672, "bartowski Mistral-Small-24B-Instruct-2501-Q2_K.gguf"},
		// MXFP4: openai/gpt-oss-20b's own checkpoint (index total_size), and
		// lmstudio-community/gpt-oss-20b-GGUF's MXFP4 file.
		{"openai/gpt-oss-20b", MXFP4, VLLM, 13_761_264_768, "openai/gpt-oss-20b model.safetensors.index.json total_size"},
		{"openai/gpt-oss-20b", MXFP4, LlamaCpp, 12_109_565_632, "lmstudio-community gpt-oss-20b-MXFP4.gguf"},
		// GPTQ, group size 128: shard sums of the Hugging Face listings.
		{"Qwen/Qwen2.5-32B-Instruct", GPTQ4, VLLM, 19.34e9, "Qwen/Qwen2.5-32B-Instruct-GPTQ-Int4, 5 shards"},
		{"meta-llama/Llama-3.3-70B-Instruct", GPTQ4, VLLM, 39.8e9, "shuyuej/Llama-3.3-70B-Instruct-GPTQ model.safetensors, 39.8 GB"},
		{"Qwen/Qwen2.5-32B-Instruct", GPTQ8, VLLM, 35.04e9, "Qwen/Qwen2.5-32B-Instruct-GPTQ-Int8, 9 shards"},
		{"meta-llama/Llama-3.3-70B-Instruct", GPTQ8, VLLM, 74.28e9, "alpindale/Meta-Llama-3.1-70B-Instruct-GPTQ-INT8, 8 shards"},
		// NVFP4 as NVIDIA's Model Optimizer writes it: the sum of the files of
		// nvidia/Llama-3.1-8B-Instruct-FP4 (embeddings and lm_head in BF16).
		{"meta-llama/Llama-3.1-8B-Instruct", NVFP4, VLLM, 6_027_861_376, "nvidia/Llama-3.1-8B-Instruct-FP4 safetensors files"},
		// bitsandbytes NF4: a Llama 3.3 70B checkpoint's size as a benchmark
		// article's table gives it (Benjamin Marie, The Kaitchup, 2025-08-28).
		{"meta-llama/Llama-3.3-70B-Instruct", NF4, VLLM, 39.81e9, "bitsandbytes 4-bit Llama 3.3 70B, 39.81 GB"},
	} {
		t.Run(string(tc.p)+" "+tc.id, func(t *testing.T) {
			e, err := byID(t, ms, tc.id).Estimate(Request{Precision: tc.p, Runtime: tc.rt, Context: 1})
			require.NoError(t, err)
			assert.InEpsilon(t, tc.bytes, float64(e.WeightsBytes), 0.02, "%s: %.3f GB published, %.3f GB worked out", tc.src, tc.bytes/1e9, float64(e.WeightsBytes)/1e9)
		})
	}
}
