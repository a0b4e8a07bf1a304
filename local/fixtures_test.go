package local

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// GGML tensor types and their block layout (ggml-common.h): elements a
// block and bytes a block.
const (
	ggmlF32  = 0
	ggmlF16  = 1
	ggmlQ8_0 = 8
	ggmlQ4_K = 12
	ggmlQ6_K = 14
)

var ggmlBlocks = map[uint32][2]int64{
	ggmlF32: {1, 4}, ggmlF16: {1, 2}, ggmlQ8_0: {32, 34}, ggmlQ4_K: {256, 144}, ggmlQ6_K: {256, 210},
}

// tensor is one entry of a GGUF tensor table.
type tensor struct {
	name string
	dims []uint64
	typ  uint32
}

// bytes is the tensor's size in the file.
func (t tensor) bytes() int64 {
	n := int64(1)
	for _, d := range t.dims {
		n *= int64(d)
	}
	b := ggmlBlocks[t.typ]
	return n / b[0] * b[1]
}

// kv is one metadata entry: a value of type uint32, uint64, float32,
// string or []string.
type kv struct {
	key string
	val any
}

// ggufSpec is a GGUF file to write.
type ggufSpec struct {
	kvs     []kv
	tensors []tensor
}

// tinyLlama is a two-layer llama at Q4_K_M, laid out as llama-quantize
// lays one out: Q4_K for most matrices, Q6_K for output, attn_v and
// ffn_down, F32 norms.
func tinyLlama(ctx uint32) ggufSpec {
	const h, ff, vocab, kvDim = 256, 512, 1024, 128
	s := ggufSpec{kvs: []kv{
		{"general.architecture", "llama"}, {"general.name", "tiny"}, {"general.file_type", uint32(15)},
		{"llama.context_length", ctx}, {"llama.embedding_length", uint32(h)}, {"llama.block_count", uint32(2)},
		{"llama.feed_forward_length", uint32(ff)}, {"llama.attention.head_count", uint32(4)},
		{"llama.attention.head_count_kv", uint32(2)}, {"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.rope.freq_base", float32(10000)}, {"general.alignment", uint32(32)},
		{"tokenizer.ggml.model", "llama"}, {"tokenizer.ggml.tokens", tokens(vocab)},
	}}
	s.tensors = append(s.tensors, tensor{"token_embd.weight", []uint64{h, vocab}, ggmlQ4_K},
		tensor{"output_norm.weight", []uint64{h}, ggmlF32}, tensor{"output.weight", []uint64{h, vocab}, ggmlQ6_K})
	for i := range 2 {
		b := fmt.Sprintf("blk.%d.", i)
		s.tensors = append(s.tensors,
			tensor{b + "attn_norm.weight", []uint64{h}, ggmlF32}, tensor{b + "attn_q.weight", []uint64{h, h}, ggmlQ4_K},
			tensor{b + "attn_k.weight", []uint64{h, kvDim}, ggmlQ4_K}, tensor{b + "attn_v.weight", []uint64{h, kvDim}, ggmlQ6_K},
			tensor{b + "attn_output.weight", []uint64{h, h}, ggmlQ4_K}, tensor{b + "ffn_norm.weight", []uint64{h}, ggmlF32},
			tensor{b + "ffn_gate.weight", []uint64{h, ff}, ggmlQ4_K}, tensor{b + "ffn_up.weight", []uint64{h, ff}, ggmlQ4_K},
			tensor{b + "ffn_down.weight", []uint64{ff, h}, ggmlQ6_K})
	}
	return s
}

// tensorBytes is the sum the tensor table describes, worked out from the
// block sizes above.
func (s ggufSpec) tensorBytes() int64 {
	var n int64
	for _, t := range s.tensors {
		n += t.bytes()
	}
	return n
}

func tokens(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("t%d", i)
	}
	return out
}

// write writes the file as GGUF version 3 (ggml's docs/gguf.md): the
// header, the metadata, the tensor table, padding to 32 bytes, then the
// tensor data, left as a hole so the file costs no disk.
func (s ggufSpec) write(t testing.TB, path string) {
	t.Helper()
	var b bytes.Buffer
	w := func(v any) { require.NoError(t, binary.Write(&b, binary.LittleEndian, v)) }
	str := func(s string) { w(uint64(len(s))); b.WriteString(s) }
	b.WriteString("GGUF")
	w(uint32(3))
	w(uint64(len(s.tensors)))
	w(uint64(len(s.kvs)))
	for _, e := range s.kvs {
		str(e.key)
		switch v := e.val.(type) {
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
			t.Fatalf("no GGUF type for %T", v)
		}
	}
	var off uint64
	for _, tn := range s.tensors {
		str(tn.name)
		w(uint32(len(tn.dims)))
		for _, d := range tn.dims {
			w(d)
		}
		w(tn.typ)
		w(off)
		off += uint64((tn.bytes() + 31) / 32 * 32)
	}
	for b.Len()%32 != 0 {
		b.WriteByte(0)
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Write(b.Bytes())
	require.NoError(t, err)
	require.NoError(t, f.Truncate(int64(b.Len())+int64(off)))
}

// writeFile writes data to path, making its folders.
func writeFile(t testing.TB, path, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
}

// sparse makes a file of n bytes that costs no disk.
func sparse(t testing.TB, path string, n int64) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(n))
	require.NoError(t, f.Close())
}
