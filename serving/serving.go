// Package serving recognises the model servers a GPU holds from their
// command lines: vLLM, llama.cpp's llama-server, Ollama's runner, SGLang
// and Text Generation Inference, each with the flags that decide its
// memory. It is pure parsing, so the gpu package recognises a process once,
// when it first sees its PID; catalog.Predict then says what the server
// should hold, so that every running server checks the fit engine.
package serving

import (
	"path/filepath"
	"strconv"
	"strings"
)

// The runtimes recognised.
const (
	VLLM     = "vllm"
	LlamaCpp = "llama.cpp"
	Ollama   = "ollama"
	SGLang   = "sglang"
	TGI      = "tgi"
)

// Server is a model server recognised from its command line.
type Server struct {
	Runtime string `json:"runtime"`
	// Model is as the command line gives it: a repository id, a path, or
	// for Ollama the blob its runner loads (Name, when known, is
	// MODEL:TAG).
	Model string `json:"model"`
	Name  string `json:"name,omitempty"`
	// Context is the context length the server was started with; 0 when
	// the command line does not say.
	Context int `json:"context"`
	// Args are the recognised flags, by their long name, as given.
	Args map[string]string `json:"args"`
	// PredictedBytes is what headroom predicts the process holds on its
	// GPU; null when it cannot, and Unpredicted says why.
	PredictedBytes *uint64 `json:"predicted_bytes"`
	Unpredicted    string  `json:"unpredicted,omitempty"`
}

// Label is the server as one line says it: "vLLM serving Qwen/Qwen3-32B,
// max-model-len 8192, utilisation 0.90".
func (s Server) Label() string {
	name := map[string]string{VLLM: "vLLM", LlamaCpp: "llama.cpp", Ollama: "Ollama", SGLang: "SGLang", TGI: "TGI"}[s.Runtime]
	model := s.Model
	if s.Name != "" {
		model = s.Name
	}
	parts := []string{name + " serving " + model}
	if s.Context > 0 {
		parts = append(parts, "context "+strconv.Itoa(s.Context))
	}
	if u := s.Args["gpu-memory-utilization"]; u != "" {
		parts = append(parts, "utilisation "+u)
	}
	if f := s.Args["mem-fraction-static"]; f != "" {
		parts = append(parts, "memory fraction "+f)
	}
	return strings.Join(parts, ", ")
}

// flagSpec lists a runtime's flags: each spelling, mapped to its long name.
type flagSpec map[string]string

// The flags each server takes that decide its memory, by every spelling
// its own argument parser accepts.
var (
	// vLLM's EngineArgs (vllm/engine/arg_utils.py).
	vllmFlags = flagSpec{"--model": "model", "--max-model-len": "max-model-len", "--gpu-memory-utilization": "gpu-memory-utilization",
		"--tensor-parallel-size": "tensor-parallel-size", "-tp": "tensor-parallel-size", "--quantization": "quantization",
		"-q": "quantization", "--kv-cache-dtype": "kv-cache-dtype", "--dtype": "dtype", "--max-num-seqs": "max-num-seqs"}
	// llama.cpp's common/arg.cpp.
	llamaFlags = flagSpec{"-m": "model", "--model": "model", "-hf": "hf-repo", "-hfr": "hf-repo", "--hf-repo": "hf-repo",
		"-c": "ctx-size", "--ctx-size": "ctx-size", "-ngl": "n-gpu-layers", "--gpu-layers": "n-gpu-layers",
		"--n-gpu-layers": "n-gpu-layers", "-ctk": "cache-type-k", "--cache-type-k": "cache-type-k", "-ctv": "cache-type-v",
		"--cache-type-v": "cache-type-v", "-np": "parallel", "--parallel": "parallel", "-fa": "flash-attn", "--flash-attn": "flash-attn"}
	// Ollama's runner (runner/llamarunner and runner/ollamarunner).
	ollamaFlags = flagSpec{"--model": "model", "--ctx-size": "ctx-size", "--n-gpu-layers": "n-gpu-layers",
		"--parallel": "parallel", "--batch-size": "batch-size", "--kv-cache-type": "kv-cache-type"}
	// SGLang's ServerArgs (python/sglang/srt/server_args.py).
	sglangFlags = flagSpec{"--model-path": "model", "--model": "model", "--mem-fraction-static": "mem-fraction-static",
		"--context-length": "context-length", "--tp": "tp-size", "--tp-size": "tp-size", "--quantization": "quantization",
		"--kv-cache-dtype": "kv-cache-dtype"}
	// text-generation-launcher's arguments (launcher/src/main.rs).
	tgiFlags = flagSpec{"--model-id": "model", "--max-total-tokens": "max-total-tokens", "--quantize": "quantize",
		"--num-shard": "num-shard", "--cuda-memory-fraction": "cuda-memory-fraction"}
	// flagsWithoutValue are flags that take no value, so the word after
	// them is not read as theirs.
	flagsWithoutValue = map[string]bool{"-fa": true, "--flash-attn": true, "--ollama-engine": true, "--verbose": true,
		"--trust-remote-code": true, "--enforce-eager": true, "--no-mmap": true, "--mlock": true}
)

// Recognise reads a process's arguments (argv, as /proc gives it) and
// returns the server they start, or nil when they start none headroom
// knows.
func Recognise(argv []string) *Server {
	for i, a := range argv {
		base := filepath.Base(a)
		rest := argv[i+1:]
		switch {
		case base == "vllm" && len(rest) > 0 && rest[0] == "serve":
			s := parse(VLLM, rest[1:], vllmFlags)
			if len(rest) > 1 && !strings.HasPrefix(rest[1], "-") {
				s.Model = rest[1]
			}
			return finish(s, "max-model-len")
		case a == "-m" && len(rest) > 0 && strings.HasPrefix(rest[0], "vllm.entrypoints."):
			return finish(parse(VLLM, rest[1:], vllmFlags), "max-model-len")
		case a == "-m" && len(rest) > 0 && rest[0] == "sglang.launch_server":
			return finish(parse(SGLang, rest[1:], sglangFlags), "context-length")
		case base == "llama-server" || base == "llama-server.exe":
			return finish(parse(LlamaCpp, rest, llamaFlags), "ctx-size")
		case (base == "ollama" || base == "ollama_llama_server") && len(rest) > 0 && rest[0] == "runner":
			return finish(parse(Ollama, rest[1:], ollamaFlags), "ctx-size")
		case base == "text-generation-launcher":
			return finish(parse(TGI, rest, tgiFlags), "max-total-tokens")
		}
		if i > 3 { // the server is the program, or what an interpreter (or uv, or env) runs
			break
		}
	}
	return nil
}

// parse reads flags (--flag value, --flag=value) into a server of rt.
func parse(rt string, args []string, spec flagSpec) *Server {
	s := &Server{Runtime: rt, Args: map[string]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		long, known := spec[name]
		switch {
		case !strings.HasPrefix(a, "-") || flagsWithoutValue[name]:
			if known {
				s.Args[long] = "on"
			}
			continue
		case hasVal:
		case i+1 < len(args):
			i++
			val = args[i]
		default:
			continue
		}
		if known {
			s.Args[long] = val
		}
	}
	if m := s.Args["model"]; m != "" {
		s.Model = m
	} else if r := s.Args["hf-repo"]; r != "" {
		s.Model = r
	}
	return s
}

// finish reads the context from the flag that sets it; nil when no model
// was named.
func finish(s *Server, contextFlag string) *Server {
	if s.Model == "" {
		return nil
	}
	if n, err := strconv.Atoi(s.Args[contextFlag]); err == nil && n > 0 && n <= 1<<30 {
		s.Context = n
	}
	return s
}

// Versus compares the prediction with what the process holds (held; known
// false when the driver does not say): "predicted 86.4 GiB, holds 85.1 GiB
// (-1.3 GiB, -1.5%)", or why there is no comparison.
func (s Server) Versus(held uint64, known bool) string {
	gib := func(b float64) string { return strconv.FormatFloat(b/(1<<30), 'f', 1, 64) + " GiB" }
	switch {
	case s.PredictedBytes == nil && s.Unpredicted != "":
		return "not predicted: " + s.Unpredicted
	case s.PredictedBytes == nil:
		return "not predicted"
	case !known:
		return "predicted " + gib(float64(*s.PredictedBytes)) + "; the driver does not say what it holds"
	}
	p := float64(*s.PredictedBytes)
	d := float64(held) - p
	sign := "+"
	if d < 0 {
		sign = "-"
	}
	pct := 0.0
	if p > 0 {
		pct = d / p * 100
	}
	return "predicted " + gib(p) + ", holds " + gib(float64(held)) + " (" + sign + gib(abs(d)) + ", " +
		sign + strconv.FormatFloat(abs(pct), 'f', 1, 64) + "%)"
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
