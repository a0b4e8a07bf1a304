package fit

import "strings"

// ggmlType is a GGUF tensor type.
type ggmlType uint8

const (
	typeF32 ggmlType = iota // norms, biases and MoE routers stay F32 in GGUF files
	typeF16                 // F16 and BF16
	typeQ8_0
	typeQ6K
	typeQ5K
	typeQ5_1
	typeQ5_0
	typeQ4K
	typeQ4_0
	typeIQ4NL
	typeIQ4XS
	typeMXFP4
	typeQ3K
	typeIQ3S
	typeIQ3XXS
	typeQ2K
	typeIQ2S
)

// ggmlTypes sizes each type by its block struct in ggml's ggml-common.h:
// the weights a block holds and its bytes, and names the fallback
// llama.cpp substitutes when a row's length is not a multiple of the
// block (src/llama-quant.cpp, tensor_type_fallback).
var ggmlTypes = [...]struct {
	block, bytes int64
	fallback     ggmlType
}{
	typeF32:    {1, 4, typeF32},
	typeF16:    {1, 2, typeF16},
	typeQ8_0:   {32, 34, typeF16},     // block_q8_0: fp16 scale + 32 int8
	typeQ6K:    {256, 210, typeQ8_0},  // block_q6_K: 128 + 64 + 16 scales + fp16
	typeQ5K:    {256, 176, typeQ5_1},  // block_q5_K: 2 fp16 + 12 scales + 32 + 128
	typeQ5_1:   {32, 24, typeF16},     // block_q5_1: 2 fp16 + 4 + 16
	typeQ5_0:   {32, 22, typeF16},     // block_q5_0: fp16 + 4 + 16
	typeQ4K:    {256, 144, typeQ5_0},  // block_q4_K: 2 fp16 + 12 scales + 128
	typeQ4_0:   {32, 18, typeF16},     // block_q4_0: fp16 + 16
	typeIQ4NL:  {32, 18, typeF16},     // block_iq4_nl: fp16 + 16
	typeIQ4XS:  {256, 136, typeIQ4NL}, // block_iq4_xs: fp16 + 2 + 4 + 128
	typeMXFP4:  {32, 17, typeF16},     // block_mxfp4: one E8M0 exponent + 16
	typeQ3K:    {256, 110, typeQ4_0},  // block_q3_K: 32 hmask + 64 + 12 scales + fp16
	typeIQ3S:   {256, 110, typeIQ4NL}, // block_iq3_s: fp16 + 64 + 8 + 32 signs + 4 scales
	typeIQ3XXS: {256, 98, typeIQ4NL},  // block_iq3_xxs: fp16 + 96
	typeQ2K:    {256, 84, typeQ4_0},   // block_q2_K: 16 scales + 64 + 2 fp16
	typeIQ2S:   {256, 82, typeIQ4NL},  // block_iq2_s: fp16 + 64 + 8 + 8 scales
}

// bytesFor is what n weights of type t take in a row of the class cls:
// the type's fallback when the row is not a multiple of its block, F16
// when not even the fallback's.
func (t ggmlType) bytesFor(n int64, cls layerClass) int64 {
	odd := func(block int64) bool {
		return block == 256 && cls&classOdd256 != 0 || block == 32 && cls&classOdd32 != 0
	}
	if odd(ggmlTypes[t].block) {
		t = ggmlTypes[t].fallback
		if odd(ggmlTypes[t].block) {
			t = typeF16
		}
	}
	g := ggmlTypes[t]
	return (n*g.bytes + g.block - 1) / g.block
}

// ggufDefault is the type llama-quantize starts each tensor from in a file
// of precision p (src/llama-quant.cpp, llama_model_quantize_impl).
func ggufDefault(p Precision) ggmlType {
	switch p {
	case Q6_K:
		return typeQ6K
	case Q5_K_M:
		return typeQ5K
	case Q4_K_M:
		return typeQ4K
	case IQ4_XS:
		return typeIQ4XS
	case Q3_K_M:
		return typeQ3K
	case IQ3_XXS:
		return typeIQ3XXS
	case Q2_K:
		return typeQ2K
	}
	return typeQ8_0
}

// ggufType is the type llama-quantize gives a tensor of role r, in a layer
// of class cls, in a file of precision p (src/llama-quant.cpp,
// llama_tensor_get_type_impl). The i-quants are made with an importance
// matrix, as every published IQ file is; the rules that differ without
// one are not followed.
func (s *shape) ggufType(r role, p Precision, cls layerClass) ggmlType {
	base := ggufDefault(p)
	gqa4 := s.kvHeads > 0 && s.heads/s.kvHeads >= 4
	more := cls&classMore != 0
	switch r {
	case roleOutput:
		return s.outputType(p, base)
	case roleEmbed:
		switch {
		case s.tied:
			return s.outputType(p, base)
		case p == IQ3_XXS:
			return typeIQ3S
		}
	case roleAttnV:
		t := base
		switch {
		case p == Q2_K && gqa4, p == IQ3_XXS && gqa4:
			t = typeQ4K
		case p == Q2_K:
			t = typeQ3K
		case p == Q3_K_M && cls&classLead != 0:
			t = typeQ5K
		case p == Q3_K_M:
			t = typeQ4K
		case p == IQ4_XS && gqa4:
			t = typeQ5K
		case (p == Q4_K_M || p == Q5_K_M) && more:
			t = typeQ6K
		}
		if s.is70B && (t == typeQ3K || t == typeQ4K) {
			t = typeQ5K
		}
		if s.experts == 8 {
			t = typeQ8_0
		}
		return t
	case roleAttnK:
		switch {
		case s.experts == 8:
			return typeQ8_0
		case p == IQ3_XXS:
			return typeIQ2S
		}
	case roleAttnQ:
		if p == IQ3_XXS {
			return typeIQ2S
		}
	case roleAttnO:
		if s.modelType == "falcon" {
			return base
		}
		if s.experts == 8 {
			if p == Q2_K || p == IQ3_XXS || p == Q3_K_M || p == Q4_K_M || p == IQ4_XS {
				return typeQ5K
			}
			return base
		}
		switch p {
		case Q2_K:
			return typeQ3K
		case IQ3_XXS:
			return typeIQ3S
		case Q3_K_M:
			return typeQ4K
		}
	case roleFFNDown:
		switch {
		case p == Q2_K:
			return typeQ3K
		case p == Q3_K_M && cls&classEarly != 0:
			return typeQ5K
		case p == Q3_K_M && (s.modelType != "falcon" || more):
			return typeQ4K
		case (p == Q4_K_M || p == Q5_K_M) && more:
			// Falcon's Q4_K_M rule mixes Q6_K, Q5_K and Q4_K; Q6_K for all
			// of its use_more_bits layers errs high.
			return typeQ6K
		}
	}
	return base
}

// outputType is llama.cpp's choice for output.weight (and for tied token
// embeddings): Q6_K, Q5_K for IQ3_XXS files, or Q8_0 for Falcon, Q8_0
// files and rows not a multiple of 256.
func (s *shape) outputType(p Precision, base ggmlType) ggmlType {
	switch {
	case base == typeQ8_0 || s.modelType == "falcon" || s.hidden%256 != 0:
		return typeQ8_0
	case p == IQ3_XXS:
		return typeQ5K
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
		for cls, n := range rs.bins {
			if n > 0 {
				b += s.ggufType(r, p, layerClass(cls)).bytesFor(n, layerClass(cls))
			}
		}
	}
	return b
}

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
	if p == MXFP4 {
		return s.mxfp4Bytes(rt)
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
		case p == GPTQ4:
			b += s.gptq(r, 4)
		case p == GPTQ8:
			b += s.gptq(r, 8)
		case p == NVFP4:
			b += s.nvfp4(r)
		case p == NF4:
			b += s.nf4(r)
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

// gptq sizes role r as a GPTQ checkpoint of bits, group size 128 (as
// AutoGPTQ and GPTQModel write it): the packed weights, an fp16 scale and
// a packed zero point per group of 128 per output channel, and an int32
// group index (g_idx) per input row.
func (s *shape) gptq(r role, bits int64) int64 {
	rs := s.roles[r]
	if !linearRole(r) {
		return rs.elems * 2
	}
	groups := (rs.elems + 127) / 128
	return rs.elems*bits/8 + groups*2 + groups*bits/8 + rs.cols*4
}

// nvfp4 sizes role r as NVIDIA Model Optimizer's NVFP4: a 4-bit E2M1
// value a weight and an FP8 E4M3 scale per 16 (the per-tensor FP32 scales,
// 8 bytes a tensor, are left out). lm_head and the embeddings stay 16-bit.
func (s *shape) nvfp4(r role) int64 {
	rs := s.roles[r]
	if !linearRole(r) {
		return rs.elems * 2
	}
	return rs.elems/2 + (rs.elems+15)/16
}

// nf4 sizes role r as bitsandbytes' 4-bit NormalFloat with double
// quantisation (load_in_4bit, bnb_4bit_use_double_quant): half a byte a
// weight, an 8-bit absmax per block of 64 and an FP32 absmax per 256 of
// those blocks, plus each tensor's 16-entry code and nested 256-entry
// code in FP32. lm_head and the embeddings stay 16-bit.
func (s *shape) nf4(r role) int64 {
	rs := s.roles[r]
	if !linearRole(r) {
		return rs.elems * 2
	}
	blocks := (rs.elems + 63) / 64
	return rs.elems/2 + blocks + (blocks+255)/256*4 + rs.tensors*(16+256)*4
}

// mxfp4Bytes sizes an MXFP4 checkpoint: the routed experts in MXFP4 (an
// E8M0 scale per 32 4-bit values, 17 bytes a block), and under vLLM the
// rest at 16 bits (vLLM's mxfp4 method quantises fused MoE layers only),
// under llama.cpp the rest as llama-quantize's MXFP4_MOE mix makes it:
// Q8_0, norms and routers F32 (src/llama-quant.cpp).
func (s *shape) mxfp4Bytes(rt Runtime) (int64, error) {
	experts := s.routed[roleFFNGate] + s.routed[roleFFNUp] + s.routed[roleFFNDown]
	if experts == 0 {
		return 0, errDenseMXFP4
	}
	b := typeMXFP4.bytesFor(experts, 0)
	for r := range nRoles {
		n := s.roles[r].elems - s.routed[r]
		switch {
		case rt == LlamaCpp && (r == roleSmall || r == roleRouter):
			b += n * 4
		case rt == LlamaCpp && r != roleVision:
			b += typeQ8_0.bytesFor(n, 0)
		default:
			b += n * 2
		}
	}
	return b, nil
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
			return typeMXFP4.bytesFor(rs.elems, 0), nil
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
