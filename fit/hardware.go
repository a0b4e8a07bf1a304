package fit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Capability is a CUDA compute capability as major × 10 + minor: 89 for
// an RTX 4090's 8.9, 120 for Blackwell workstation cards' 12.0; 0 when it
// is not known, and then nothing is refused for it.
type Capability int

// ParseCapability reads "8.9" or "12.0"; 0 for anything else.
func ParseCapability(s string) Capability {
	major, minor, ok := strings.Cut(strings.TrimSpace(s), ".")
	a, err1 := strconv.Atoi(major)
	b, err2 := strconv.Atoi(minor)
	if !ok || err1 != nil || err2 != nil || a < 1 || a > 99 || b < 0 || b > 9 {
		return 0
	}
	return Capability(a*10 + b)
}

// String writes the capability as NVIDIA does: "8.9".
func (c Capability) String() string { return fmt.Sprintf("%d.%d", c/10, c%10) }

// ErrHardware marks a precision the GPU cannot run under a runtime.
var ErrHardware = errors.New("the GPU cannot run it")

// hardwareError is a precision a GPU cannot run, and why.
type hardwareError struct{ msg string }

// Error says which capability is needed and which the GPU has.
func (e *hardwareError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrHardware) hold.
func (e *hardwareError) Is(target error) bool { return target == ErrHardware }

// gate is the compute capabilities at which a runtime runs a format: from
// min, and below max when max is not 0, with the source of the rule.
type gate struct {
	min, max Capability
	why      string
}

// vllmGates are vLLM's, by the quantisation method each precision loads
// with; the floors are its kernels' get_min_capability and the checks in
// vllm/model_executor/layers/quantization/*.py. Where a Marlin kernel runs
// the weights on older cards (weight-only FP8 and FP4), that kernel's
// floor is the precision's: the weights take the same bytes.
var vllmGates = map[string]gate{
	"bf16": {80, 0, "BF16 needs compute capability 8.0 (vllm/platforms/cuda.py); older cards load 16-bit checkpoints as FP16 (native)"},
	// fp8.py: use_marlin = not has_device_capability(89); Marlin FP8 from 8.0
	// in the releases headroom's overheads were measured on.
	"fp8": {80, 0, "FP8 needs compute capability 8.0: weight-only through Marlin below 8.9, FP8 tensor cores from 8.9 (vllm fp8.py)"},
	// compressed_tensors_w8a8_int8.py: CUTLASS scaled_mm from 7.5; its int8
	// kernels are not built for Blackwell (vLLM issue #54311).
	"int8": {75, 100, "int8 (W8A8) runs on compute capability 7.5 to 9.x: vLLM's CUTLASS int8 kernels are not built for Blackwell (vLLM issue #54311)"},
	"awq":  {75, 0, "AWQ needs compute capability 7.5: \"The AWQ kernel only supports Turing or newer GPUs\" (vllm awq.py)"},
	"gptq": {60, 0, "GPTQ needs compute capability 6.0 (vllm gptq.py)"},
	// modelopt.py: FP4 tensor cores from 10.0; Marlin runs FP4 weights from 8.0.
	"nvfp4": {80, 0, "NVFP4 needs compute capability 8.0: weight-only through Marlin below 10.0, FP4 tensor cores from 10.0 (vllm modelopt.py)"},
	"mxfp4": {80, 0, "MXFP4 needs compute capability 8.0: Marlin MoE on Ampere, Ada and 12.x, Triton on 9.0 to 10.x (vllm mxfp4.py)"},
	"nf4":   {70, 0, "bitsandbytes 4-bit needs compute capability 7.0 (vllm bitsandbytes.py)"},
	"base":  {70, 0, "vLLM needs compute capability 7.0"},
}

// transformersGates are bitsandbytes' and torch's for transformers.
var transformersGates = map[string]gate{
	"nf4":  {60, 0, "bitsandbytes 4-bit needs compute capability 6.0 (bitsandbytes installation docs, v0.50)"},
	"bf16": {80, 0, "BF16 needs compute capability 8.0"},
}

// llamaCppGate is llama.cpp's CUDA backend's floor: the architectures it
// is built for with CUDA before 13 (ggml/src/ggml-cuda/CMakeLists.txt).
// Every GGUF type runs from there, through dequantising kernels where the
// card lacks the fast path.
var llamaCppGate = gate{50, 0, "llama.cpp's CUDA backend needs compute capability 5.0"}

// method is the quantisation method m at p loads with: the precision's
// own, or for native the checkpoint's.
func method(m Model, p Precision) string {
	switch p {
	case Native:
		q := m.QuantizationConfig
		if m.TextConfig != nil && m.TextConfig.QuantizationConfig != nil {
			q = m.TextConfig.QuantizationConfig
		}
		if q == nil {
			return "base"
		}
		switch strings.ToLower(q.QuantMethod) {
		case "fp8", "compressed-tensors":
			return "fp8"
		case "mxfp4":
			return "mxfp4"
		case "awq":
			return "awq"
		case "gptq":
			return "gptq"
		case "modelopt":
			return "nvfp4"
		case "bitsandbytes":
			return "nf4"
		}
		return "base"
	case BF16:
		return "bf16"
	case FP8:
		return "fp8"
	case INT8:
		return "int8"
	case AWQ4:
		return "awq"
	case GPTQ4, GPTQ8:
		return "gptq"
	case NVFP4:
		return "nvfp4"
	case MXFP4:
		return "mxfp4"
	case NF4:
		return "nf4"
	}
	return "base"
}

// RunsOn reports whether r's runtime runs m at r's precision on a GPU of
// compute capability cc: nil when it does, or when cc is 0 (unknown); an
// error wrapping ErrHardware that names the capability needed otherwise.
func (m Model) RunsOn(r Request, cc Capability) error {
	if cc == 0 {
		return nil
	}
	r = r.normal()
	var g gate
	var ok bool
	switch r.Runtime {
	case VLLM:
		if g, ok = vllmGates[method(m, r.Precision)]; !ok {
			g = vllmGates["base"]
		}
	case Transformers:
		g, ok = transformersGates[method(m, r.Precision)]
	case LlamaCpp:
		g, ok = llamaCppGate, true
	}
	if !ok || cc >= g.min && (g.max == 0 || cc < g.max) {
		return nil
	}
	return &hardwareError{fmt.Sprintf("%s under %s: %s; this GPU is %s", r.Precision, r.Runtime, g.why, cc)}
}
