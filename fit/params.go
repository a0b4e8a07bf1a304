package fit

import "strings"

// Params is the model's parameter count, derived from its config: every
// tensor of the checkpoint, including a vision tower and, for Qwen3-Next,
// the multi-token-prediction layer. It is 0 when the config is unusable.
func (m Model) Params() int64 {
	s, err := m.shape()
	if err != nil {
		return 0
	}
	return s.params + s.mtpParams
}

// ActiveParams is the count used for each token: Params less the routed
// experts a token does not visit. For a dense model it equals Params.
func (m Model) ActiveParams() int64 {
	s, err := m.shape()
	if err != nil {
		return 0
	}
	total := s.params + s.mtpParams
	if s.experts <= 0 || s.expertsPerTok <= 0 || s.expertsPerTok >= s.experts {
		return total
	}
	idle := s.expertElems / int64(s.experts) * int64(s.experts-s.expertsPerTok)
	return total - idle
}

// KVBytesPerToken is the cache one more token of context costs at 16 bits
// on one GPU, counting only layers whose cache grows with the context
// (full attention, and sliding or chunked layers still inside their
// window). It is what the models listing shows per 1K tokens.
func (m Model) KVBytesPerToken() int64 {
	s, err := m.shape()
	if err != nil {
		return 0
	}
	return (s.kvFull + s.kvSliding + s.kvChunked) * 2
}

// NativeFormat names how the checkpoint stores its weights: the
// quantisation method when it has one ("mxfp4", "fp8"), else its torch
// dtype as "bf16", "fp16" or "fp32"; "16-bit" when the config names none
// (the size is then counted at 16 bits, as the runtimes load it).
func (m Model) NativeFormat() string {
	if q := m.QuantizationConfig; q != nil && q.QuantMethod != "" {
		return strings.ToLower(q.QuantMethod)
	}
	switch strings.ToLower(m.Config.dtype()) {
	case "bfloat16":
		return "bf16"
	case "float16", "half":
		return "fp16"
	case "float32", "float":
		return "fp32"
	}
	return "16-bit"
}

// Layers counts a model's decoder layers by how each attends, which
// decides what its cache holds.
type Layers struct {
	Full    int `json:"full"`    // KV for every token
	Sliding int `json:"sliding"` // KV for a window of recent tokens
	Chunked int `json:"chunked"` // KV for the current chunk (Llama 4)
	Linear  int `json:"linear"`  // a fixed-size recurrent state (Gated DeltaNet)
	None    int `json:"none"`    // no attention (Nemotron NAS no-op blocks)
}

// Layers counts the model's decoder layers by kind, as the fit engine
// reads the config; all zero when the config is unusable.
func (m Model) Layers() Layers {
	s, err := m.shape()
	if err != nil {
		return Layers{}
	}
	k := s.kinds
	return Layers{Full: k[kindFull], Sliding: k[kindSliding], Chunked: k[kindChunked], Linear: k[kindLinear], None: k[kindNone]}
}

// Mixed reports whether any layer is other than full attention: the
// sliding-window, chunked, hybrid-linear and attention-free layouts whose
// cache is not simply proportional to the context.
func (l Layers) Mixed() bool {
	return l.Sliding+l.Chunked+l.Linear+l.None > 0
}
