package local

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	gguf "github.com/gpustack/gguf-parser-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/fit"
)

// The weights are the tensor table's bytes, to the byte, as gguf-parser-go
// itself counts them.
func TestReadGGUFWeightsAreExact(t *testing.T) {
	spec := tinyLlama(4096)
	path := filepath.Join(t.TempDir(), "tiny-Q4_K_M.gguf")
	spec.write(t, path)
	g, err := ReadGGUF(path)
	require.NoError(t, err)
	gf, err := gguf.ParseGGUFFile(path)
	require.NoError(t, err)
	assert.Equal(t, spec.tensorBytes(), g.TensorBytes, "the block sizes of ggml-common.h")
	assert.EqualValues(t, gf.ModelSize, g.TensorBytes, "gguf-parser-go's own figure")
	assert.Equal(t, "Q4_K_M", g.FileType)
	assert.Equal(t, fit.GGUF{Architecture: "llama", FileType: "Q4_K_M", TensorBytes: g.TensorBytes, Params: g.Params,
		Vocab: 1024, ContextLength: 4096, Embedding: 256, Blocks: 2, FeedForward: 512, Heads: 4, HeadsKV: 2, KeyLength: 64}, g)
}

// headroom's llama.cpp estimate against gguf-parser-go's, on the same
// file, context and flash attention. The KV cache agrees exactly; the
// rest differs by what each counts outside the weights and cache (see
// BENCHMARKS.md).
func TestLlamaCppEstimateAgainstGGUFParser(t *testing.T) {
	spec := tinyLlama(4096)
	path := filepath.Join(t.TempDir(), "tiny-Q4_K_M.gguf")
	spec.write(t, path)
	f := ggufFound(KindGGUF, "tiny", path)
	require.True(t, f.Usable(), f.Problem)
	e, err := f.Model.Estimate(fit.Request{Precision: fit.Native, Runtime: fit.LlamaCpp, Context: 4096})
	require.NoError(t, err)
	gf, err := gguf.ParseGGUFFile(path)
	require.NoError(t, err)
	theirs := gf.EstimateLLaMACppRun(gguf.WithLLaMACppContextSize(4096), gguf.WithFlashAttention(), gguf.WithParallelSize(1))
	gpu := theirs.Devices[len(theirs.Devices)-1]
	assert.EqualValues(t, gpu.KVCache.Sum(), e.KVBytes, "KV cache: 2 layers × 4096 tokens × 2 KV heads × 64 × 2 (K and V) × 2 bytes")
	t.Logf("weights: headroom %d, gguf-parser-go %d (on the GPU %d); KV %d / %d; compute %d; headroom's overheads %d",
		e.WeightsBytes, gf.ModelSize, gpu.Weight.Sum(), e.KVBytes, gpu.KVCache.Sum(), gpu.Computation.Sum(), e.OverheadBytes)
	assert.EqualValues(t, gf.ModelSize, e.WeightsBytes)
}

func TestReadGGUFRefusesWhatIsNotOne(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "text.gguf"), "not a gguf file at all")
	writeFile(t, filepath.Join(dir, "empty.gguf"), "")
	spec := tinyLlama(4096)
	spec.write(t, filepath.Join(dir, "whole.gguf"))
	truncated := filepath.Join(dir, "truncated.gguf")
	spec.write(t, truncated)
	require.NoError(t, os.Truncate(truncated, 300))
	for _, name := range []string{"text.gguf", "empty.gguf", "truncated.gguf", filepath.Base(dir)} {
		_, err := ReadGGUF(filepath.Join(dir, name))
		assert.Error(t, err, name)
	}
	_, err := ReadGGUF(filepath.Join(dir, "whole.gguf"))
	assert.NoError(t, err)
}

// A header that claims counts its file cannot hold is refused before
// anything that large is allocated; one whose counts are only absurd for
// a model is refused by the engine's bounds, naming the field.
func TestAbsurdGGUFHeaders(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString("GGUF")
	for _, v := range []any{uint32(3), uint64(1 << 40), uint64(1 << 40)} {
		require.NoError(t, binary.Write(&b, binary.LittleEndian, v))
	}
	writeFile(t, filepath.Join(dir, "claims.gguf"), b.String())
	_, err := ReadGGUF(filepath.Join(dir, "claims.gguf"))
	assert.Error(t, err)

	spec := tinyLlama(4096)
	for i := range spec.KVs {
		if spec.KVs[i].Key == "llama.block_count" {
			spec.KVs[i].Val = uint32(1 << 31)
		}
	}
	spec.write(t, filepath.Join(dir, "layers.gguf"))
	f := ggufFound(KindGGUF, "layers", filepath.Join(dir, "layers.gguf"))
	assert.Contains(t, f.Problem, "num_hidden_layers")
	assert.False(t, f.Usable())
}
