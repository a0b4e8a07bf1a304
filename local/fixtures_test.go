package local

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/ggufwrite"
)

// tinyLlama is ggufwrite's two-layer llama, written with write.
func tinyLlama(ctx uint32) spec { return spec{ggufwrite.TinyLlama(ctx)} }

// spec is a GGUF file to write in a test.
type spec struct{ ggufwrite.Spec }

// write writes the file, failing the test if it cannot.
func (s spec) write(t testing.TB, path string) {
	t.Helper()
	require.NoError(t, s.Write(path))
}

// tensorBytes is the sum of the tensor table.
func (s spec) tensorBytes() int64 { return s.TensorBytes() }

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
