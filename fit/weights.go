package fit

import "strings"

// ggmlType is a GGUF tensor type, sized by its block struct in ggml's
// ggml-common.h: bytes per 256 weights.
type ggmlType uint16

const (
	typeQ4K   ggmlType = 144  // block_q4_K: 256 weights, 2 fp16 + 12 scale + 128 quant bytes (4.5 bpw)
	typeQ5K   ggmlType = 176  // block_q5_K: 256 weights in 176 bytes (5.5 bpw)
	typeQ6K   ggmlType = 210  // block_q6_K: 256 weights in 210 bytes (6.5625 bpw)
	typeQ8_0  ggmlType = 272  // block_q8_0: 32 weights in 34 bytes (8.5 bpw)
	typeQ5_0  ggmlType = 177  // block_q5_0: 32 weights in 22 bytes; 176 per 256, +1 keeps it distinct from Q5_K
	typeQ5_1  ggmlType = 192  // block_q5_1: 32 weights in 24 bytes (6 bpw)
	typeMXFP4 ggmlType = 136  // block_mxfp4: 32 weights in 16 bytes + one 8-bit exponent (4.25 bpw)
	typeF16   ggmlType = 512  // F16 and BF16
	typeF32   ggmlType = 1024 // norms, biases and MoE routers stay F32 in GGUF files
)

// bytesPer256 is the type's size; Q5_0 carries a marker bit.
func (t ggmlType) bytesPer256() int64 {
	if t == typeQ5_0 {
		return 176
	}
	return int64(t)
}

// fallback is the type llama.cpp substitutes when a tensor's rows are not
// a multiple of 256 (src/llama-quant.cpp, tensor_type_fallback).
func (t ggmlType) fallback() ggmlType {
	switch t {
	case typeQ4K:
		return typeQ5_0
	case typeQ5K:
		return typeQ5_1
	case typeQ6K:
		return typeQ8_0
	}
	return t
}

// ggufType is the type llama-quantize gives a tensor of role r in a file
// of precision p (src/llama-quant.cpp, llama_tensor_get_type_impl), more
// being use_more_bits for its layer.
func (s *shape) ggufType(r role, p Precision, more bool) ggmlType {
	base := typeQ8_0
	switch p {
	case Q4_K_M:
		base = typeQ4K
	case Q5_K_M:
		base = typeQ5K
	case Q6_K:
		base = typeQ6K
	}
	mix := p == Q4_K_M || p == Q5_K_M
	switch r {
	case roleOutput:
		return s.outputType(base)
	case roleEmbed:
		if s.tied {
			return s.outputType(base)
		}
	case roleAttnV:
		t := base
		if mix && more {
			t = typeQ6K
		}
		if s.is70B && t == typeQ4K {
			t = typeQ5K
		}
		if s.experts == 8 {
			t = typeQ8_0
		}
		return t
	case roleAttnK:
		if s.experts == 8 {
			return typeQ8_0
		}
	case roleAttnO:
		if s.experts == 8 && p == Q4_K_M && s.modelType != "falcon" {
			return typeQ5K
		}
	case roleFFNDown:
		// Falcon's Q4_K_M rule mixes Q6_K, Q5_K and Q4_K; Q6_K for all of
		// its use_more_bits layers errs high.
		if mix && more {
			return typeQ6K
		}
	}
	return base
}

// outputType is llama.cpp's choice for output.weight (and for tied
// token embeddings): Q6_K, or Q8_0 for Falcon and rows not a multiple
// of 256.
func (s *shape) outputType(base ggmlType) ggmlType {
	if base == typeQ8_0 || s.modelType == "falcon" || s.hidden%256 != 0 {
		return typeQ8_0
	}
	return typeQ6K
}

// ggufBytes sizes a GGUF file of precision p tensor by tensor.
func (s *shape) ggufBytes(p Precision) int64 {
	var b int64
	for r := range nRoles {
		rs := s.roles[r]
		switch r {
		case roleSmall, roleRouter:
			b += rs.elems * 4
			continue
		case roleVision:
			b += rs.elems * 2
			continue
		}
		tm, tl := s.ggufType(r, p, true), s.ggufType(r, p, false)
		moreEven := rs.more - rs.oddMore
		lessOdd := rs.odd - rs.oddMore
		lessEven := rs.elems - rs.more - lessOdd
		b += ceil256(moreEven*tm.bytesPer256()) + ceil256(lessEven*tl.bytesPer256()) +
			ceil256(rs.oddMore*tm.fallback().bytesPer256()) + ceil256(lessOdd*tl.fallback().bytesPer256())
		if rs.odd32 > 0 { // rows not a multiple of 32 fall back to F16
			b += ceil256(rs.odd32 * (typeF16.bytesPer256() - tl.fallback().bytesPer256()))
		}
	}
	return b
}

func ceil256(x int64) int64 { return (x + 255) / 256 }

// linearRole reports whether r is a linear layer that fp8, int8 and AWQ
// quantise. Embeddings, lm_head, routers and norms stay 16-bit (vLLM's
// fp8 method and AWQ leave them; modules_to_not_convert in gpt-oss).
func linearRole(r role) bool {
	return r >= roleAttnQ && r <= roleFFNDown
}

// expertRole reports whether r holds MoE expert weights (gpt-oss MXFP4).
func expertRole(r role) bool {
	return r == roleFFNGate || r == roleFFNUp || r == roleFFNDown
}

// weightBytes is the whole model's weights at precision p under rt,
// before tensor parallelism. known is the checkpoint's size on disk, or 0.
func (s *shape) weightBytes(p Precision, rt Runtime, q *QuantizationConfig, known int64) (int64, error) {
	if s.file != nil {
		return s.file.fileBytes(p, rt)
	}
	if err := supports(rt, p); err != nil {
		return 0, err
	}
	if p.gguf() {
		return s.ggufBytes(p), nil
	}
	var b int64
	for r := range nRoles {
		rs := s.roles[r]
		switch {
		case p == BF16:
			b += rs.elems * 2
		case p == FP8 || p == INT8:
			b += s.eightBit(r)
		case p == AWQ4:
			b += s.awq(r)
		case p == Native:
			n, err := s.native(r, rt, q, known)
			if err != nil {
				return 0, err
			}
			b += n
		}
	}
	if p == Native && known > b && !(s.fp32 && rt != Transformers) {
		// The checkpoint holds more than the config describes (rotary
		// buffers, extra heads): trust the files.
		b = known
	}
	return b, nil
}

// eightBit sizes role r at fp8 or int8: one byte a weight plus an fp32
// scale per output channel (compressed-tensors W8A8 channel scales; per
// tensor for fp8, so this errs high).
func (s *shape) eightBit(r role) int64 {
	rs := s.roles[r]
	if !linearRole(r) {
		return rs.elems * 2
	}
	return rs.elems + rs.rows*4
}

// awq sizes role r at AWQ 4-bit, group 128: half a byte a weight, plus per
// group of 128 an fp16 scale and a packed 4-bit zero (2.5 bytes).
func (s *shape) awq(r role) int64 {
	rs := s.roles[r]
	if !linearRole(r) {
		return rs.elems * 2
	}
	return rs.elems/2 + (rs.elems*5+255)/256
}

// native sizes role r as the checkpoint stores it.
func (s *shape) native(r role, rt Runtime, q *QuantizationConfig, known int64) (int64, error) {
	rs := s.roles[r]
	method := ""
	if q != nil {
		method = strings.ToLower(q.QuantMethod)
	}
	switch {
	case method == "mxfp4":
		if expertRole(r) {
			return ceil256(rs.elems * typeMXFP4.bytesPer256()), nil
		}
		if rt == LlamaCpp && (r == roleSmall || r == roleRouter) {
			return rs.elems * 4, nil
		}
		return rs.elems * 2, nil
	case method == "fp8":
		return s.eightBit(r), nil
	case (method == "awq" || method == "gptq") && (q.Bits == 4 || q.Bits == 0):
		return s.awq(r), nil
	case method != "" && known == 0:
		return 0, errNativeFormat
	case rt == LlamaCpp && (r == roleSmall || r == roleRouter):
		return rs.elems * 4, nil
	case s.fp32 && rt == Transformers:
		return rs.elems * 4, nil
	}
	// vLLM loads float32 checkpoints at 16 bits (dtype "auto"), and
	// llama.cpp's converter writes 16-bit GGUF files.
	return rs.elems * 2, nil
}

// replicatedElems counts the weights every GPU holds whole under
// tensor parallelism: norms, biases, routers and the vision tower.
func (s *shape) replicatedElems() int64 {
	return s.roles[roleSmall].elems + s.roles[roleRouter].elems + s.roles[roleVision].elems
}
