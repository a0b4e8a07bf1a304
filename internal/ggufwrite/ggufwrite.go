// Package ggufwrite writes GGUF files for tests: the header, metadata and
// tensor table llama.cpp's files have (ggml's docs/gguf.md, version 3),
// with the tensor data left as a hole so a file of any size costs no disk.
package ggufwrite

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
)

// GGML tensor types and their block layout (ggml-common.h): elements a
// block and bytes a block.
const (
	F32  = 0
	F16  = 1
	Q8_0 = 8
	Q4_K = 12
	Q6_K = 14
)

var blocks = map[uint32][2]int64{
	F32: {1, 4}, F16: {1, 2}, Q8_0: {32, 34}, Q4_K: {256, 144}, Q6_K: {256, 210},
}

// Tensor is one entry of a GGUF tensor table.
type Tensor struct {
	Name string
	Dims []uint64
	Type uint32
}

// Bytes is the tensor's size in the file.
func (t Tensor) Bytes() int64 {
	n := int64(1)
	for _, d := range t.Dims {
		n *= int64(d)
	}
	b := blocks[t.Type]
	return n / b[0] * b[1]
}

// KV is one metadata entry: a value of type uint32, uint64, float32,
// string or []string.
type KV struct {
	Key string
	Val any
}

// Spec is a GGUF file to write.
type Spec struct {
	KVs     []KV
	Tensors []Tensor
}

// TinyLlama is a two-layer llama at Q4_K_M, laid out as llama-quantize
// lays one out: Q4_K for most matrices, Q6_K for output, attn_v and
// ffn_down, F32 norms.
func TinyLlama(ctx uint32) Spec {
	const h, ff, vocab, kvDim = 256, 512, 1024, 128
	s := Spec{KVs: []KV{
		{"general.architecture", "llama"}, {"general.name", "tiny"}, {"general.file_type", uint32(15)},
		{"llama.context_length", ctx}, {"llama.embedding_length", uint32(h)}, {"llama.block_count", uint32(2)},
		{"llama.feed_forward_length", uint32(ff)}, {"llama.attention.head_count", uint32(4)},
		{"llama.attention.head_count_kv", uint32(2)}, {"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.rope.freq_base", float32(10000)}, {"general.alignment", uint32(32)},
		{"tokenizer.ggml.model", "llama"}, {"tokenizer.ggml.tokens", Tokens(vocab)},
	}}
	s.Tensors = append(s.Tensors, Tensor{"token_embd.weight", []uint64{h, vocab}, Q4_K},
		Tensor{"output_norm.weight", []uint64{h}, F32}, Tensor{"output.weight", []uint64{h, vocab}, Q6_K})
	for i := range 2 {
		b := fmt.Sprintf("blk.%d.", i)
		s.Tensors = append(s.Tensors,
			Tensor{b + "attn_norm.weight", []uint64{h}, F32}, Tensor{b + "attn_q.weight", []uint64{h, h}, Q4_K},
			Tensor{b + "attn_k.weight", []uint64{h, kvDim}, Q4_K}, Tensor{b + "attn_v.weight", []uint64{h, kvDim}, Q6_K},
			Tensor{b + "attn_output.weight", []uint64{h, h}, Q4_K}, Tensor{b + "ffn_norm.weight", []uint64{h}, F32},
			Tensor{b + "ffn_gate.weight", []uint64{h, ff}, Q4_K}, Tensor{b + "ffn_up.weight", []uint64{h, ff}, Q4_K},
			Tensor{b + "ffn_down.weight", []uint64{ff, h}, Q6_K})
	}
	return s
}

// TensorBytes is the sum the tensor table describes, worked out from the
// block sizes above.
func (s Spec) TensorBytes() int64 {
	var n int64
	for _, t := range s.Tensors {
		n += t.Bytes()
	}
	return n
}

// Tokens is a vocabulary of n made-up tokens.
func Tokens(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("t%d", i)
	}
	return out
}

// Write writes the file as GGUF version 3 (ggml's docs/gguf.md): the
// header, the metadata, the tensor table, padding to 32 bytes, then the
// tensor data, left as a hole so the file costs no disk.
func (s Spec) Write(path string) error {
	var b bytes.Buffer
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) } // into a bytes.Buffer: cannot fail
	str := func(s string) { w(uint64(len(s))); b.WriteString(s) }
	b.WriteString("GGUF")
	w(uint32(3))
	w(uint64(len(s.Tensors)))
	w(uint64(len(s.KVs)))
	for _, e := range s.KVs {
		str(e.Key)
		switch v := e.Val.(type) {
		case uint32:
			w(uint32(4))
			w(v)
		case uint64:
			w(uint32(10))
			w(v)
		case float32:
			w(uint32(6))
			w(v)
		case string:
			w(uint32(8))
			str(v)
		case []string:
			w(uint32(9))
			w(uint32(8))
			w(uint64(len(v)))
			for _, x := range v {
				str(x)
			}
		default:
			return fmt.Errorf("no GGUF type for %T", v)
		}
	}
	var off uint64
	for _, tn := range s.Tensors {
		str(tn.Name)
		w(uint32(len(tn.Dims)))
		for _, d := range tn.Dims {
			w(d)
		}
		w(tn.Type)
		w(off)
		off += uint64((tn.Bytes() + 31) / 32 * 32)
	}
	for b.Len()%32 != 0 {
		b.WriteByte(0)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Truncate(int64(b.Len()) + int64(off)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
