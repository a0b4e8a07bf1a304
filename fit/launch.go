package fit

import (
	"fmt"
	"strings"
)

// DecodeEfficiency is the share of memory bandwidth single-stream decode
// reaches. Batch-1 decode reads every active weight and the cache once a
// token; well-tuned CUDA stacks are commonly quoted at 60–85% of peak
// bandwidth ("model bandwidth utilization"), so 0.6, the low end, keeps
// the estimate from promising too much. A rule of thumb, not measured here.
const DecodeEfficiency = 0.6

// DecodeTokensPerSecond estimates single-stream decode speed at r's
// context from the per-GPU memory bandwidth: DecodeEfficiency × bandwidth
// ÷ (active weights + KV cache) per GPU. It reports false when the
// bandwidth or the estimate is unknown.
func DecodeTokensPerSecond(m Model, r Request, bandwidthBytesPerS uint64) (float64, bool) {
	if bandwidthBytesPerS == 0 {
		return 0, false
	}
	e, err := m.Estimate(r)
	if err != nil {
		return 0, false
	}
	active := float64(e.WeightsBytes)
	if p, a := m.Params(), m.ActiveParams(); p > 0 && a < p {
		active *= float64(a) / float64(p)
	}
	perToken := active + float64(e.KVBytes)
	if perToken <= 0 {
		return 0, false
	}
	return DecodeEfficiency * float64(bandwidthBytesPerS) / perToken, true
}

// LaunchCommands are command lines that start the model as graded.
// A runtime that cannot run the model at that precision gets "".
type LaunchCommands struct {
	VLLM     string   `json:"vllm"`
	LlamaCpp string   `json:"llama_cpp"`
	Notes    []string `json:"notes,omitempty"`
}

// ggufName is the quantisation tag of a GGUF file, as -hf REPO:TAG takes it.
var ggufName = map[Precision]string{Native: "BF16", BF16: "BF16", Q8_0: "Q8_0", Q6_K: "Q6_K", Q5_K_M: "Q5_K_M", Q4_K_M: "Q4_K_M"}

// Launch writes the vLLM and llama.cpp command lines for m as v graded it:
// the context that fits (the requested one, or MaxContext when only a
// shorter one does) and, for vLLM, the --gpu-memory-utilization the free
// memory allows (or, when memory must be freed first, the one the model
// needs). Flags are those of vLLM's `vllm serve` and llama.cpp's
// llama-server.
func Launch(m Model, r Request, v Verdict, b Budget) LaunchCommands {
	r = r.normal()
	var lc LaunchCommands
	ctx := r.Context
	switch v.Status {
	case FitsShorter:
		ctx = v.MaxContext
	case TooBig:
		lc.Notes = append(lc.Notes, "too big for this card at "+string(r.Precision)+": no command line")
		return lc
	}
	if lim := m.ContextLimit(); lim > 0 && ctx > lim {
		lc.Notes = append(lc.Notes, fmt.Sprintf("the config allows %d tokens of context (max_position_embeddings); vLLM refuses more", lim))
	}
	lc.VLLM = launchVLLM(m, r, v, b, ctx, &lc.Notes)
	tag, ok := ggufName[r.Precision]
	if r.Precision == Native && m.QuantizationConfig != nil && strings.EqualFold(m.QuantizationConfig.QuantMethod, "mxfp4") {
		tag = "MXFP4"
	}
	if ok {
		parts := []string{"llama-server", "-hf", "GGUF_REPO:" + tag, "-c", fmt.Sprint(ctx), "-ngl", "999", "-fa", "on", "-np", "1"}
		if r.KVDType == KVFP8 {
			parts = append(parts, "-ctk", "q8_0", "-ctv", "q8_0")
		}
		lc.LlamaCpp = strings.Join(parts, " ")
		lc.Notes = append(lc.Notes, "GGUF_REPO: a Hugging Face repository holding a GGUF conversion of "+m.ID)
	}
	return lc
}

// launchVLLM writes the vllm serve line, or "" with a note saying why not.
func launchVLLM(m Model, r Request, v Verdict, b Budget, ctx int, notes *[]string) string {
	switch {
	case r.Precision.gguf():
		return ""
	case r.Precision == INT8 || r.Precision == AWQ4:
		*notes = append(*notes, "vLLM runs "+string(r.Precision)+" from a pre-quantised checkpoint of "+m.ID+"; serve that repository with the same flags")
		return ""
	case r.Precision == BF16 && m.QuantizationConfig != nil:
		*notes = append(*notes, "vLLM does not dequantise "+m.ID+" to bf16; serve a bf16 checkpoint")
		return ""
	}
	util := v.GPUMemoryUtilization
	if v.Status == NeedsFreeing {
		// After freeing: the utilisation that holds the estimate.
		q := r
		q.Context = ctx
		if e, err := m.Estimate(q); err == nil && b.usable() > 0 {
			util = float64(vllmUtilPct(e.TotalBytes-e.OutsideBytes, b.usable())) / 100
		}
	}
	parts := []string{"vllm", "serve", m.ID, "--max-model-len", fmt.Sprint(ctx), "--gpu-memory-utilization", fmt.Sprintf("%.2f", util)}
	if r.TP > 1 {
		parts = append(parts, "--tensor-parallel-size", fmt.Sprint(r.TP))
	}
	if r.KVDType == KVFP8 {
		parts = append(parts, "--kv-cache-dtype", "fp8")
	}
	if r.Precision == FP8 {
		parts = append(parts, "--quantization", "fp8")
	}
	return strings.Join(parts, " ")
}
