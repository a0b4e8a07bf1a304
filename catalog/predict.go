package catalog

import (
	"slices"
	"strconv"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
	"github.com/headroom-dev/headroom/serving"
)

// vllmDefaultUtilization is --gpu-memory-utilization when it is not given
// (vllm/engine/arg_utils.py: gpu_memory_utilization = 0.9).
const vllmDefaultUtilization = 0.9

// Predict works out what the server s should hold on one GPU whose memory is b, when
// it serves m (known false when the model is not one headroom knows), and
// records it in s.PredictedBytes, or why not in s.Unpredicted.
//   - vLLM holds its budget, --gpu-memory-utilization of the GPU's total
//     memory, plus what it keeps outside it (CUDA context and graphs).
//   - llama.cpp and Ollama's runner hold the weights, the cache at the
//     context they were started with, and their buffers: the fit
//     engine's llama.cpp estimate without headroom's safety margin.
//   - SGLang and TGI are recognised but their memory is not modelled.
func Predict(s *serving.Server, m fit.Model, known bool, b fit.Budget) {
	s.PredictedBytes, s.Unpredicted = nil, ""
	switch {
	case s.Runtime == serving.SGLang || s.Runtime == serving.TGI:
		s.Unpredicted = "headroom does not model " + s.Runtime + "'s memory"
		return
	case !known:
		s.Unpredicted = "the model is not in the catalogue or on this machine"
		return
	case b.TotalBytes == 0:
		s.Unpredicted = "the GPU's total memory is not known"
		return
	}
	tp := max(atoi(s.Args["tensor-parallel-size"]), 1)
	ctx := s.Context
	if ctx == 0 && s.Runtime == serving.VLLM {
		ctx = m.ContextLimit() // vLLM's default --max-model-len is the model's
	}
	if ctx == 0 {
		s.Unpredicted = "the command line gives no context length"
		return
	}
	r := fit.Request{Precision: fit.Native, Runtime: fit.LlamaCpp, Context: ctx, TP: tp}
	if s.Runtime == serving.VLLM {
		r.Runtime = fit.VLLM
	}
	switch kv := s.Args["kv-cache-dtype"] + s.Args["cache-type-k"] + s.Args["kv-cache-type"]; {
	case kv == "fp8" || kv == "fp8_e4m3" || kv == "fp8_e5m2":
		r.KVDType = fit.KVFP8
	case kv == "q8_0":
		r.KVDType = fit.KVQ8_0
	case kv == "q4_0":
		r.KVDType = fit.KVQ4_0
	}
	if s.Runtime == serving.LlamaCpp || s.Runtime == serving.Ollama {
		if n := atoi(s.Args["n-gpu-layers"]); s.Args["n-gpu-layers"] != "" && n >= 0 && n < m.Layers().Full+m.Layers().Sliding+m.Layers().Chunked+m.Layers().Linear+m.Layers().None {
			s.Unpredicted = "part of the model is kept on the CPU (--n-gpu-layers " + s.Args["n-gpu-layers"] + ")"
			return
		}
	}
	e, err := m.Estimate(r)
	if err != nil {
		s.Unpredicted = err.Error()
		return
	}
	var bytes uint64
	switch s.Runtime {
	case serving.VLLM:
		util := vllmDefaultUtilization
		if u, err := strconv.ParseFloat(s.Args["gpu-memory-utilization"], 64); err == nil && u > 0 && u <= 1 {
			util = u
		}
		bytes = uint64(util*float64(b.TotalBytes)) + e.OutsideBytes
	default:
		bytes = e.TotalBytes
		for _, t := range e.Overheads {
			if t.Name == fit.SafetyMarginTerm {
				bytes -= t.Bytes
			}
		}
	}
	s.PredictedBytes = &bytes
}

// atoi is s as an int; 0 when it is not one.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// PredictServers fills in the prediction of every recognised server in
// snap, each against its own GPU, with the models listed ls (what a server
// names is looked up among them). The devices, processes and servers are
// copied: a snapshot shares them with its source and the source's cache.
func PredictServers(snap *gpu.Snapshot, cards []Card, ls []local.Listed) {
	snap.Devices = slices.Clone(snap.Devices) // the source's snapshot stays as it was
	for di := range snap.Devices {
		d := &snap.Devices[di]
		procs := make([]gpu.Process, len(d.Processes))
		copy(procs, d.Processes)
		for pi := range procs {
			if procs[pi].Serving == nil {
				continue
			}
			s := *procs[pi].Serving
			procs[pi].Serving = &s
			l, known := local.Lookup(ls, s.Model)
			if known && l.Found != nil && l.Found.Origin == local.KindOllama {
				s.Name = l.Found.Name
			}
			b, err := Budget(cards, *d)
			if err != nil {
				s.Unpredicted = err.Error()
				continue
			}
			Predict(&s, l.Model, known, b)
		}
		d.Processes = procs
	}
}
