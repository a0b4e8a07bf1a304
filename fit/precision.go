package fit

import (
	"errors"
	"fmt"
	"strings"
)

// Precision is how a model's weights are stored in memory.
type Precision string

// The precisions headroom grades, from full precision down.
const (
	Native  Precision = "native" // the checkpoint as published
	BF16    Precision = "bf16"
	FP8     Precision = "fp8"   // 8-bit float linears (vLLM --quantization fp8)
	INT8    Precision = "int8"  // 8-bit integer linears with per-channel scales (W8A8)
	AWQ4    Precision = "awq4"  // 4-bit AWQ linears, group size 128
	GPTQ8   Precision = "gptq8" // 8-bit GPTQ linears, group size 128
	GPTQ4   Precision = "gptq4" // 4-bit GPTQ linears, group size 128
	NVFP4   Precision = "nvfp4" // FP4 (E2M1) linears, an FP8 scale per 16 (NVIDIA Model Optimizer)
	MXFP4   Precision = "mxfp4" // FP4 MoE experts, an E8M0 scale per 32 (OCP microscaling)
	NF4     Precision = "nf4"   // bitsandbytes 4-bit NormalFloat, double quantisation
	Q8_0    Precision = "q8_0"  // GGUF types, as llama-quantize mixes them
	Q6_K    Precision = "q6_k"
	Q5_K_M  Precision = "q5_k_m"
	Q4_K_M  Precision = "q4_k_m"
	IQ4_XS  Precision = "iq4_xs"
	Q3_K_M  Precision = "q3_k_m"
	IQ3_XXS Precision = "iq3_xxs"
	Q2_K    Precision = "q2_k"
)

// Precisions lists every precision, most bits first.
var Precisions = []Precision{Native, BF16, FP8, INT8, GPTQ8, NVFP4, MXFP4, AWQ4, GPTQ4, NF4,
	Q8_0, Q6_K, Q5_K_M, Q4_K_M, IQ4_XS, Q3_K_M, IQ3_XXS, Q2_K}

// ParsePrecision reads a precision name, in any case.
func ParsePrecision(s string) (Precision, error) {
	p := Precision(strings.ToLower(strings.TrimSpace(s)))
	for _, q := range Precisions {
		if p == q {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown precision %q (one of %s)", s, joinPrecisions())
}

func joinPrecisions() string {
	s := make([]string, len(Precisions))
	for i, p := range Precisions {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// gguf reports whether p is a GGUF type that only llama.cpp loads.
func (p Precision) gguf() bool {
	switch p {
	case Q8_0, Q6_K, Q5_K_M, Q4_K_M, IQ4_XS, Q3_K_M, IQ3_XXS, Q2_K:
		return true
	}
	return false
}

// vllmOnly reports whether p is a checkpoint format llama.cpp does not
// load (it loads GGUF types, and MXFP4 as a GGUF mix).
func (p Precision) vllmOnly() bool {
	switch p {
	case FP8, INT8, AWQ4, GPTQ8, GPTQ4, NVFP4, NF4:
		return true
	}
	return false
}

// RuntimeFor is the runtime p is graded under when the user prefers
// preferred: preferred itself when it loads p, else the one that does.
// GGUF types run under llama.cpp only; llama.cpp loads none of the
// safetensors formats, which vLLM does; transformers loads neither NVFP4
// nor MXFP4 as such.
func RuntimeFor(p Precision, preferred Runtime) Runtime {
	switch {
	case p.gguf() && preferred != LlamaCpp:
		return LlamaCpp
	case preferred == LlamaCpp && p.vllmOnly():
		return VLLM
	case preferred == Transformers && (p == NVFP4 || p == MXFP4):
		return VLLM
	}
	return preferred
}

// Runtime is the inference engine a model will run under.
type Runtime string

// The runtimes headroom models.
const (
	VLLM         Runtime = "vllm"
	LlamaCpp     Runtime = "llama.cpp"
	Transformers Runtime = "transformers"
)

// Runtimes lists the runtimes, the default first.
var Runtimes = []Runtime{VLLM, LlamaCpp, Transformers}

// ParseRuntime reads a runtime name; "" is vLLM.
func ParseRuntime(s string) (Runtime, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "vllm":
		return VLLM, nil
	case "llama.cpp", "llamacpp", "llama-cpp", "llama-server":
		return LlamaCpp, nil
	case "transformers", "hf":
		return Transformers, nil
	}
	return "", fmt.Errorf("unknown runtime %q (one of vllm, llama.cpp, transformers)", s)
}

// KVDType is the cache's element type.
type KVDType string

// The KV cache types: 16-bit (the model's own dtype); fp8, vLLM's
// --kv-cache-dtype fp8 (and llama.cpp's q8_0, its 8-bit cache); and
// llama.cpp's q8_0 and q4_0 (-ctk/-ctv).
const (
	KVAuto KVDType = "auto"
	KV16   KVDType = "16"
	KVFP8  KVDType = "fp8"
	KVQ8_0 KVDType = "q8_0"
	KVQ4_0 KVDType = "q4_0"
)

// ParseKVDType reads a KV cache type; "" is auto.
func ParseKVDType(s string) (KVDType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return KVAuto, nil
	case "16", "bf16", "fp16", "f16":
		return KV16, nil
	case "fp8", "8", "fp8_e4m3", "fp8_e5m2":
		return KVFP8, nil
	case "q8_0":
		return KVQ8_0, nil
	case "q4_0":
		return KVQ4_0, nil
	}
	return "", fmt.Errorf("unknown KV cache type %q (one of auto, 16, fp8, q8_0, q4_0)", s)
}

// ErrUnsupported marks a precision or cache type a runtime cannot load.
var ErrUnsupported = errors.New("not supported by this runtime")

// errPrecision is the reason returned for each unsupported pairing; kept
// as values so the matrix can report them without allocating.
var (
	errGGUFOnly     = fmt.Errorf("GGUF types run under llama.cpp: %w", ErrUnsupported)
	errNoGGUF       = fmt.Errorf("llama.cpp loads GGUF types, not fp8, int8, gptq, awq, nvfp4 or nf4 checkpoints: %w", ErrUnsupported)
	errNoFP4        = fmt.Errorf("transformers does not load nvfp4 or mxfp4 checkpoints as such: %w", ErrUnsupported)
	errDenseMXFP4   = fmt.Errorf("mxfp4 checkpoints quantise MoE experts, and this model has none: %w", ErrUnsupported)
	errNoFP8KV      = fmt.Errorf("transformers has no fp8 KV cache: %w", ErrUnsupported)
	errGGUFKV       = fmt.Errorf("q8_0 and q4_0 are llama.cpp's cache types; vLLM's is fp8: %w", ErrUnsupported)
	errNativeFormat = fmt.Errorf("the checkpoint's quantisation is not modelled and its size is unknown: %w", ErrUnsupported)
)

// supports reports whether runtime rt can load precision p.
func supports(rt Runtime, p Precision) error {
	switch {
	case p.gguf() && rt != LlamaCpp:
		return errGGUFOnly
	case rt == LlamaCpp && p.vllmOnly():
		return errNoGGUF
	case rt == Transformers && (p == NVFP4 || p == MXFP4):
		return errNoFP4
	}
	return nil
}
