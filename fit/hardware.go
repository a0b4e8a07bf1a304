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

// NotCUDA is the capability of a GPU that is not NVIDIA's (Apple
// silicon, AMD): it has no CUDA, so no kernel written for CUDA runs on it.
const NotCUDA Capability = -1

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
func (c Capability) String() string {
	if c == NotCUDA {
		return "not an NVIDIA GPU"
	}
	return fmt.Sprintf("%d.%d", c/10, c%10)
}

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
	// full is where the format's own tensor cores take over; below it
	// (from min) the weights are dequantised in the kernel, weight-only:
	// the same memory, slower prefill. 0 when there is no such split.
	full Capability
}

// vllmGates are vLLM's, by the quantisation method each precision loads
// with; the floors are its kernels' get_min_capability and the checks in
// vllm/model_executor/layers/quantization/*.py. Where a Marlin kernel runs
// the weights on older cards (weight-only FP8 and FP4), that kernel's
// floor is the precision's: the weights take the same bytes.
var vllmGates = map[string]gate{
	"bf16": {min: 80, why: "BF16 needs compute capability 8.0 (vllm/platforms/cuda.py); older cards load 16-bit checkpoints as FP16 (native)"},
	// fp8.py: use_marlin = not has_device_capability(89); Marlin FP8 from 8.0
	// in the releases headroom's overheads were measured on.
	"fp8": {min: 80, why: "FP8 needs compute capability 8.0: weight-only through Marlin below 8.9, FP8 tensor cores from 8.9 (vllm fp8.py)", full: 89},
	// compressed_tensors_w8a8_int8.py: CUTLASS scaled_mm from 7.5; its int8
	// kernels are not built for Blackwell (vLLM issue #54311).
	"int8": {min: 75, max: 100, why: "int8 (W8A8) runs on compute capability 7.5 to 9.x: vLLM's CUTLASS int8 kernels are not built for Blackwell (vLLM issue #54311)"},
	"awq":  {min: 75, why: "AWQ needs compute capability 7.5: \"The AWQ kernel only supports Turing or newer GPUs\" (vllm awq.py)"},
	"gptq": {min: 60, why: "GPTQ needs compute capability 6.0 (vllm gptq.py)"},
	// modelopt.py: FP4 tensor cores from 10.0; Marlin runs FP4 weights from 8.0.
	"nvfp4": {min: 80, why: "NVFP4 needs compute capability 8.0: weight-only through Marlin below 10.0, FP4 tensor cores from 10.0 (vllm modelopt.py)", full: 100},
	"mxfp4": {min: 80, why: "MXFP4 needs compute capability 8.0: Marlin MoE on Ampere, Ada and 12.x, Triton on 9.0 to 10.x (vllm mxfp4.py)"},
	"nf4":   {min: 70, why: "bitsandbytes 4-bit needs compute capability 7.0 (vllm bitsandbytes.py)"},
	"base":  {min: 70, why: "vLLM needs compute capability 7.0"},
}

// transformersGates are bitsandbytes' and torch's for transformers.
var transformersGates = map[string]gate{
	"nf4":  {min: 60, why: "bitsandbytes 4-bit needs compute capability 6.0 (bitsandbytes installation docs, v0.50)"},
	"bf16": {min: 80, why: "BF16 needs compute capability 8.0"},
}

// llamaCppGate is llama.cpp's CUDA backend's floor: the architectures it
// is built for with CUDA before 13 (ggml/src/ggml-cuda/CMakeLists.txt).
// Every GGUF type runs from there, through dequantising kernels where the
// card lacks the fast path.
var llamaCppGate = gate{min: 50, why: "llama.cpp's CUDA backend needs compute capability 5.0"}

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
	if cc == NotCUDA {
		return notCUDA(m, r)
	}
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

// cudaOnly are the vLLM quantisation methods whose kernels are CUDA's
// alone (Marlin, CUTLASS, FlashInfer, bitsandbytes' CUDA build): on a GPU
// that is not NVIDIA's there is nothing to run them. 16-bit weights,
// llama.cpp (Metal, ROCm, Vulkan) and transformers are not refused.
var cudaOnly = map[string]bool{"fp8": true, "int8": true, "awq": true, "gptq": true, "nvfp4": true, "mxfp4": true, "nf4": true}

// notCUDA is RunsOn for a GPU that is not NVIDIA's.
func notCUDA(m Model, r Request) error {
	if r.Runtime == VLLM && cudaOnly[method(m, r.Precision)] {
		return &hardwareError{fmt.Sprintf("%s under vllm: its kernels are written for CUDA, and this is not an NVIDIA GPU", r.Precision)}
	}
	return nil
}

// WeightOnly reports whether vLLM runs precision p on a GPU of compute
// capability cc only weight-only, dequantising in the kernel because the
// card lacks the format's tensor cores (FP8 below 8.9, NVFP4 below 10.0):
// the same memory as on a newer card, slower prefill. False when cc is
// unknown, when the card cannot run p at all, and for other runtimes.
func WeightOnly(p Precision, rt Runtime, cc Capability) bool {
	g, ok := vllmGates[method(Model{}, p)]
	return rt == VLLM && ok && g.full > 0 && cc >= g.min && cc < g.full
}
