package fit

// Runtime constants that size the cache.
const (
	// vllmBlock is vLLM's default KV block size in tokens
	// (vllm/config/cache.py, block_size 16 on CUDA).
	vllmBlock = 16
	// vllmBatched is vLLM's default max_num_batched_tokens for online
	// serving on GPUs of 70 GiB or more (vllm/engine/arg_utils.py,
	// get_batch_defaults). Smaller cards get 2048; the larger value makes
	// sliding-window and chunked caches err high.
	vllmBatched = 8192
	// llamaPad: llama.cpp pads the context, and the SWA cache, to 256
	// cells (src/llama-kv-cache-iswa.cpp; llama-context.cpp).
	llamaPad = 256
	// llamaUBatch is llama.cpp's default physical batch, n_ubatch.
	llamaUBatch = 512
	// stateBytes sizes each element of a Gated DeltaNet state: vLLM keeps
	// it in the model dtype, llama.cpp in F32; 4 bytes errs high.
	stateBytes = 4
)

// cache returns the tokens the cache is sized for and its bytes on one
// GPU: KV for every attention layer plus fixed recurrent state.
//
// vLLM sizes each layer the way its KV cache specs do
// (vllm/v1/kv_cache_interface.py): full attention keeps every token in
// blocks of 16; a sliding window keeps window-1 + max_num_batched_tokens
// tokens plus one block; chunked attention keeps chunk +
// max_num_batched_tokens. llama.cpp keeps n_ctx cells padded to 256, and
// its SWA cache min(n_ctx, window + n_ubatch) padded to 256 (one sequence,
// as launched with -np 1). transformers' cache holds every token of the
// prompt in every layer while the prompt is processed.
func (s *shape) cache(r Request, ctx int) (int, int64, error) {
	num, den := int64(2), int64(1) // bytes per element, as a fraction
	switch {
	case (r.KVDType == KVQ8_0 || r.KVDType == KVQ4_0) && r.Runtime != LlamaCpp:
		return 0, 0, errGGUFKV
	case r.KVDType == KVFP8 && r.Runtime == Transformers:
		return 0, 0, errNoFP8KV
	case r.KVDType == KVQ4_0:
		num, den = 18, 32 // q4_0: 32 values in 18 bytes (ggml-common.h block_q4_0)
	case (r.KVDType == KVFP8 || r.KVDType == KVQ8_0) && r.Runtime == LlamaCpp:
		num, den = 34, 32 // q8_0: 32 values in 34 bytes (ggml-common.h block_q8_0)
	case r.KVDType == KVFP8:
		num = 1
	case r.Runtime == Transformers && s.fp32 && r.Precision == Native:
		num = 4
	}
	full, sliding, chunked := ctx, ctx, ctx
	switch r.Runtime {
	case VLLM:
		full = roundUp(ctx, vllmBlock)
		sliding = (ceilDiv(min(s.window-1+vllmBatched, ctx), vllmBlock) + 1) * vllmBlock
		chunked = ceilDiv(min(s.chunk+vllmBatched, ctx), vllmBlock) * vllmBlock
	case LlamaCpp:
		full = roundUp(ctx, llamaPad)
		sliding = roundUp(min(full, s.window+llamaUBatch), llamaPad)
		chunked = roundUp(min(full, s.chunk+llamaUBatch), llamaPad)
	}
	// KV heads split over the GPUs; with more GPUs than heads each GPU
	// keeps one (vLLM replicates them). A latent cache (MLA) is every
	// head's, so each GPU keeps all of it; transformers keeps every head.
	div := int64(max(min(r.TP, s.kvHeads), 1))
	kvFull := s.kvFull
	if s.mla {
		div = 1
		if r.Runtime == Transformers {
			kvFull, div = s.kvHF, int64(max(r.TP, 1))
		}
	}
	// Per-token elements are bounded (below 2^50), contexts are not: a
	// product beyond MaxNeedBytes is an error, never a wrapped number.
	elems, ok := int64(0), true
	for _, t := range [...][2]int64{{kvFull, int64(full)}, {s.kvSliding, int64(sliding)}, {s.kvChunked, int64(chunked)}} {
		var p int64
		if p, ok = mul64(t[0], t[1]); ok {
			elems, ok = add64(elems, p)
		}
		if !ok || elems > MaxNeedBytes {
			return 0, 0, errNeedTooLarge
		}
	}
	b, ok := mul64(elems, num)
	if !ok {
		return 0, 0, errNeedTooLarge
	}
	kv := ceilDiv64(b, den*div)
	// Each state is at most maxParams elements (addState): no wrap.
	state := ceilDiv64((s.convState+s.recurrentState)*stateBytes, int64(r.TP))
	if kv > MaxNeedBytes || state > MaxNeedBytes-kv {
		return 0, 0, errNeedTooLarge
	}
	return full, kv + state, nil
}

func roundUp(x, m int) int       { return ceilDiv(x, m) * m }
func ceilDiv(x, m int) int       { return (x + m - 1) / m }
func ceilDiv64(x, m int64) int64 { return (x + m - 1) / m }
