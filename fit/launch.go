package fit

import (
	"fmt"
	"slices"
	"strings"
)

// The decode estimate's constants, fitted (least squares on the log of
// the error) to 21 published single-stream llama-bench runs on nine GPUs,
// dense and MoE (fit/decode_test.go lists them with their sources): a
// token takes the bytes it reads over a share of the peak bandwidth, plus
// a fixed time a layer for kernel launches and synchronisation. HBM cards
// (A100, H100) reach a smaller share of their peak than GDDR cards in
// those runs. On that table the estimate is within 8% on average and 28%
// at worst; the plain 60%-of-bandwidth rule it replaced was 28% and 105%.
const (
	DecodeEfficiency    = 0.91  // share of a GDDR card's peak bandwidth
	DecodeEfficiencyHBM = 0.56  // share of an HBM card's
	DecodeLayerSeconds  = 59e-6 // per decoder layer and token
)

// DecodeTokensPerSecond estimates single-stream decode speed at r's
// context: one token takes (active weights + KV cache) per GPU ÷
// (efficiency × bandwidth), plus DecodeLayerSeconds a layer. It reports
// false when the bandwidth or the estimate is unknown.
func DecodeTokensPerSecond(m Model, r Request, bandwidthBytesPerS uint64, hbm bool) (float64, bool) {
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
	eff := DecodeEfficiency
	if hbm {
		eff = DecodeEfficiencyHBM
	}
	layers := 0
	if s, err := m.shape(); err == nil {
		layers = s.layers
	}
	return 1 / (perToken/(eff*float64(bandwidthBytesPerS)) + float64(layers)*DecodeLayerSeconds), true
}

// LaunchLine is one runtime's command line, from that runtime's own
// grade, or the reason it has none.
type LaunchLine struct {
	Command string // "" when the runtime has no line
	Why     string // why Command is "": the runtime cannot load the precision, or the model is too big
	Status  Status // the runtime's own grade, at the same precision, context and budget
}

// LaunchCommands are command lines that start the model: vLLM's `vllm
// serve` and llama.cpp's llama-server, each graded under its own runtime.
type LaunchCommands struct {
	VLLM     LaunchLine
	LlamaCpp LaunchLine
	Notes    []string // about the lines given (placeholders, pre-quantised checkpoints)
}

// For is rt's line; transformers has none.
func (lc LaunchCommands) For(rt Runtime) LaunchLine {
	switch rt {
	case VLLM:
		return lc.VLLM
	case LlamaCpp:
		return lc.LlamaCpp
	}
	return LaunchLine{Why: "transformers has no server command line"}
}

// Launch writes the vLLM and llama.cpp command lines for m under r and
// budget b. v is the grade under r.Runtime; the other runtime is graded
// here, so that each line follows its own runtime's verdict: the context
// that fits (the requested one, or MaxContext when only a shorter one
// does) and, for vLLM, the --gpu-memory-utilization the free memory
// allows (or, when memory must be freed first, the one the model needs).
// A runtime that cannot load the precision, or for which the model is too
// big, gets no line and a reason. Flags are those of vLLM's `vllm serve`
// and llama.cpp's llama-server.
func Launch(m Model, r Request, v Verdict, b Budget) LaunchCommands {
	r = r.normal()
	var lc LaunchCommands
	for _, rt := range []Runtime{VLLM, LlamaCpp} {
		q, g := r, v
		q.Runtime = rt
		if rt != r.Runtime {
			g = Grade(m, q, b)
		}
		l := LaunchLine{Status: g.Status}
		switch {
		case g.Reason != "":
			l.Why = g.Reason
		case g.Status == TooBig:
			l.Why = "too big for this card at " + string(r.Precision) + " under " + string(rt)
		default:
			ctx := q.Context
			if g.Status == FitsShorter {
				ctx = g.MaxContext
			}
			if lim := m.ContextLimit(); lim > 0 && ctx > lim {
				// Beyond max_position_embeddings vLLM refuses to start.
				ctx = lim
				note := fmt.Sprintf("the launch lines ask for %s tokens, the config's limit (max_position_embeddings)", FormatContext(lim))
				if !slices.Contains(lc.Notes, note) {
					lc.Notes = append(lc.Notes, note)
				}
			}
			if rt == VLLM {
				l.Command, l.Why = launchVLLM(m, q, g, b, ctx)
			} else {
				l.Command, l.Why = launchLlamaCpp(m, q, ctx, &lc.Notes)
			}
		}
		if rt == VLLM {
			lc.VLLM = l
		} else {
			lc.LlamaCpp = l
		}
	}
	return lc
}

// launchLlamaCpp writes the llama.cpp line, or "" and why not: for a
// GGUF file, llama-server -m PATH, or for an Ollama model ollama run; for
// a catalogue model, llama-server -hf REPO:TAG from its published GGUF
// repository, when that repository has a file of the precision.
func launchLlamaCpp(m Model, r Request, ctx int, notes *[]string) (string, string) {
	flags := []string{"-c", fmt.Sprint(ctx), "-ngl", "999", "-fa", "on", "-np", "1"}
	switch r.KVDType {
	case KVFP8, KVQ8_0:
		flags = append(flags, "-ctk", "q8_0", "-ctv", "q8_0")
	case KVQ4_0:
		flags = append(flags, "-ctk", "q4_0", "-ctv", "q4_0")
	}
	if m.file != nil {
		if ollamaModel(m.ID) {
			*notes = append(*notes, fmt.Sprintf("Ollama takes the context as a parameter: /set parameter num_ctx %d in the session, or OLLAMA_CONTEXT_LENGTH=%d for the server", ctx, ctx))
			return "ollama run " + m.ID, ""
		}
		return strings.Join(append([]string{"llama-server", "-m", ShellQuote(m.ID)}, flags...), " "), ""
	}
	tag := strings.ToUpper(string(r.Precision))
	if r.Precision == Native || r.Precision == BF16 {
		tag = "BF16"
	}
	switch {
	case m.GGUF == nil:
		return "", "no published GGUF conversion of " + m.ID + " is known to headroom"
	case !slices.Contains(m.GGUF.Quants, tag):
		return "", m.GGUF.Repo + " publishes no " + tag + " file that headroom knows of"
	}
	return strings.Join(append([]string{"llama-server", "-hf", m.GGUF.Repo + ":" + tag}, flags...), " "), ""
}

// ollamaModel reports whether id names an Ollama model (MODEL:TAG, or
// NAMESPACE/MODEL:TAG) rather than a file.
func ollamaModel(id string) bool {
	return strings.Contains(id, ":") && !strings.HasPrefix(id, "/") && !strings.HasPrefix(id, ".")
}

// launchVLLM writes the vllm serve line, or "" and why not. fp8, int8
// and awq4 serve the published checkpoint of that precision; fp8 without
// one quantises the model as it loads (--quantization fp8).
func launchVLLM(m Model, r Request, v Verdict, b Budget, ctx int) (string, string) {
	serve, quant := m.ID, ""
	nativeMXFP4 := m.QuantizationConfig != nil && strings.EqualFold(m.QuantizationConfig.QuantMethod, "mxfp4")
	switch {
	case r.Precision == MXFP4 && nativeMXFP4:
		// The checkpoint is MXFP4 already (gpt-oss): serve it as it is.
	case r.Precision.vllmOnly() || r.Precision == MXFP4:
		if q := m.Quantized[r.Precision]; q != nil {
			serve = q.Repo
			break
		}
		switch r.Precision {
		case FP8:
			quant = "fp8" // vLLM quantises the 16-bit weights as it loads them
		case NF4:
			quant = "bitsandbytes" // as is bitsandbytes' in-flight 4-bit
		default:
			return "", "no published " + string(r.Precision) + " checkpoint of " + m.ID + " is known to headroom"
		}
	case r.Precision == BF16 && m.QuantizationConfig != nil:
		return "", "vLLM does not dequantise " + m.ID + " to bf16; serve a bf16 checkpoint"
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
	parts := []string{"vllm", "serve", ShellQuote(serve), "--max-model-len", fmt.Sprint(ctx), "--gpu-memory-utilization", fmt.Sprintf("%.2f", util)}
	if r.TP > 1 {
		parts = append(parts, "--tensor-parallel-size", fmt.Sprint(r.TP))
	}
	if r.KVDType == KVFP8 {
		parts = append(parts, "--kv-cache-dtype", "fp8")
	}
	if quant != "" {
		parts = append(parts, "--quantization", quant)
	}
	return strings.Join(parts, " "), ""
}

// ShellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and ./_-:=@%+, so that a path with spaces or shell
// characters pastes as one word.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./_-:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
