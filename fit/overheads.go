package fit

// Runtime overheads, per GPU, with their sources. The vLLM figures are
// from vLLM v0.19.0 runs on an H100 80GB at --gpu-memory-utilization 0.95
// and max_num_batched_tokens 8192 (llm-d-incubation/llm-d-planner,
// accuracy/results/v0.19.0/logs); each is rounded up from the largest
// value logged.
const (
	srcPlanner = "vLLM v0.19.0 logs, H100 (llm-d-planner accuracy/results/v0.19.0)"

	// Memory taken before vLLM's baseline snapshot: CUDA context and,
	// with TP, communication buffers. Logged 0.51 GiB at TP1, 1.53 at TP2.
	vllmOutsideTP1 = 51 * GiB / 100
	vllmOutsideTPn = 153 * GiB / 100
	// Non-torch memory inside the budget: 0.25–0.26 GiB at TP1, 2.07–2.10
	// at TP2 (NCCL).
	vllmNonTorchTP1 = 26 * GiB / 100
	vllmNonTorchTPn = 210 * GiB / 100
	// CUDA-graph pool captured after the KV cache, outside the budget:
	// 0.91–1.14 GiB logged at TP1 and 1.61–1.79 at TP2; 2.4 GiB per card
	// at TP4 (vllm#7553). Taken as 1.5 and 2.5 GiB.
	vllmGraphsTP1 = 15 * GiB / 10
	vllmGraphsTPn = 25 * GiB / 10
	// Peak activation of the profiling run grows with the vocabulary (the
	// sampler's logits): 1.89 GiB at 128K vocab, 2.21 at 152K, 3.65 at
	// 256K and 3.99 at 262K. 0.5 GiB + 14 KiB per vocabulary entry lies
	// above every logged run; with non-torch memory it gives 3.44 GiB for
	// gpt-oss-120b, whose logged budget less weights and KV was 3.42 GiB.
	vllmActivationBase     = GiB / 2
	vllmActivationPerVocab = 14 << 10
	// The fused-MoE kernel's intermediate caches for the profiling run's
	// batch: M × top_k × (max(2N, K) + N) 16-bit values, with M the
	// batched tokens, N the expert width per GPU and K the hidden size
	// (intermediate_cache13 and intermediate_cache2 in
	// vllm/model_executor/layers/fused_moe). M is vLLM's default
	// max_num_batched_tokens on cards of 70 GiB or more (8192,
	// vllm/engine/arg_utils.py get_batch_defaults); smaller cards default
	// to 2048, so this errs high there. The dense runs above include their
	// MLP activations in the base; for MoE models this is added on top.
	vllmBatchedTokens = 8192

	// llama.cpp: device memory outside its own buffers (CUDA context,
	// cuBLAS workspace), about 830 MiB for gpt-oss-20b (llama.cpp#17715);
	// above the 256–400 MiB CUDA context alone (pytorch#107667).
	llamaOutside  = 830 << 20
	srcLlamaIssue = "llama.cpp#17715: about 830 MiB outside llama.cpp's buffers"

	// transformers: one CUDA context, as vLLM logs before loading at TP1.
	torchContext = 51 * GiB / 100

	// Safety margin on weights and cache: allocator rounding and
	// fragmentation, and drift between runtime versions. 2% + 256 MiB;
	// 5% + 512 MiB for transformers, the least measured here.
	marginPct, marginBase     = 2, 256 << 20
	marginPctHF, marginBaseHF = 5, 512 << 20
	srcMargin                 = "headroom's safety margin: 2% of weights and cache + 256 MiB"
	srcMarginHF               = "headroom's safety margin: 5% of weights and cache + 512 MiB"
)

// overheads adds the runtime's terms to n.
func (s *shape) overheads(n *needs, r Request, ctx int) {
	wkv := n.weights + n.kv
	switch r.Runtime {
	case VLLM:
		act := uint64(vllmActivationBase + vllmActivationPerVocab*int64(s.vocab))
		n.term("activation peak", act, "0.5 GiB + 14 KiB per vocabulary entry, above every run in "+srcPlanner, false)
		if s.experts > 0 && s.expertInter > 0 {
			ni := uint64((s.expertInter + r.TP - 1) / r.TP)
			ws := uint64(vllmBatchedTokens) * uint64(s.expertsPerTok) * (max(2*ni, uint64(s.hidden)) + ni) * 2
			n.term("MoE workspace", ws, "8192 batched tokens × top_k × (max(2 × expert width, hidden) + expert width) × 2 bytes: vLLM's fused-MoE intermediate caches", false)
		}
		if r.TP > 1 {
			n.term("non-torch memory", vllmNonTorchTPn, "2.1 GiB at TP2, "+srcPlanner, false)
		} else {
			n.term("non-torch memory", vllmNonTorchTP1, "0.26 GiB at TP1, "+srcPlanner, false)
		}
		n.term(SafetyMarginTerm, wkv*marginPct/100+marginBase, srcMargin, false)
		if r.TP > 1 {
			n.term("CUDA context and NCCL", vllmOutsideTPn, "1.53 GiB at TP2, "+srcPlanner, true)
			n.term("CUDA graphs", vllmGraphsTPn, "2.5 GiB taken: 2.4 GiB a card at TP4 (vllm#7553), 1.61–1.79 at TP2, "+srcPlanner, true)
		} else {
			n.term("CUDA context", vllmOutsideTP1, "0.51 GiB at TP1, "+srcPlanner, true)
			n.term("CUDA graphs", vllmGraphsTP1, "1.5 GiB taken, above the 0.91–1.14 GiB logged at TP1, "+srcPlanner, true)
		}
	case LlamaCpp:
		// Compute buffer with flash attention: the f32 logits of one
		// n_ubatch plus four f32 activations of width hidden. Fits the
		// logged buffers: Gemma-3-27B 522.6 MiB, GLM-Z1-32B 353, and
		// gpt-oss-20b 398 (llama.cpp load logs; gpt-oss-20b's in
		// llama.cpp#17715).
		cb := uint64(llamaUBatch) * 4 * uint64(s.vocab+4*s.hidden)
		n.term("compute buffer", cb, "n_ubatch 512 × (vocab + 4 × hidden) × 4 bytes, fitted to logged llama.cpp buffers", false)
		n.term("CUDA context and workspace", llamaOutside, srcLlamaIssue, false)
		n.term(SafetyMarginTerm, wkv*marginPct/100+marginBase, srcMargin, false)
	case Transformers:
		bytes := uint64(2)
		if s.fp32 && r.Precision == Native {
			bytes = 4
		}
		act := uint64(ctx) * uint64(2*s.intermediate+4*s.hidden) * bytes
		n.term("prefill activations", act, "context × (2 × intermediate + 4 × hidden) × dtype bytes: one unchunked prefill, estimated, not measured", false)
		n.term("CUDA context", torchContext, "0.51 GiB, as vLLM logs it at TP1 ("+srcPlanner+")", false)
		n.term(SafetyMarginTerm, wkv*marginPctHF/100+marginBaseHF, srcMarginHF, false)
	}
}

// SafetyMarginTerm names the overhead that is headroom's own margin, not
// memory the runtime takes: a prediction of what a running server holds
// leaves it out.
const SafetyMarginTerm = "safety margin"
