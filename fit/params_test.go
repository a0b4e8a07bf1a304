package fit

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadCatalogue reads the shipped catalogue.
func loadCatalogue(t testing.TB) []Model {
	t.Helper()
	f, err := os.Open("../models.json")
	require.NoError(t, err)
	defer f.Close()
	ms, err := Load(f, "models.json")
	require.NoError(t, err)
	return ms
}

// The layer layouts the model cards describe: Gemma 2 alternates local
// and global layers, Gemma 3 has one global layer in six, Qwen3-Next one
// full-attention layer in four (the rest Gated DeltaNet), Llama 4 one
// global layer in four (the rest chunked at 8192), gpt-oss alternates
// sliding and full.
func TestLayersByKind(t *testing.T) {
	ms := loadCatalogue(t)
	for id, want := range map[string]Layers{
		"Qwen/Qwen3-32B":                            {Full: 64},
		"google/gemma-2-27b":                        {Full: 23, Sliding: 23},
		"google/gemma-3-27b-it":                     {Full: 10, Sliding: 52},
		"Qwen/Qwen3-Next-80B-A3B-Instruct":          {Full: 12, Linear: 36},
		"meta-llama/Llama-4-Scout-17B-16E-Instruct": {Full: 12, Chunked: 36},
		"openai/gpt-oss-20b":                        {Full: 12, Sliding: 12},
	} {
		got := byID(t, ms, id).Layers()
		require.Equal(t, want, got, id)
		require.Equal(t, want != Layers{Full: want.Full}, got.Mixed(), id)
	}
	nas := byID(t, ms, "nvidia/Llama-3_3-Nemotron-Super-49B-v1").Layers()
	require.Equal(t, 80, nas.Full+nas.None, "every block is attention or a no-op")
	require.Positive(t, nas.None, "some blocks replace attention with nothing")
	require.True(t, nas.Mixed())
	require.Equal(t, Layers{}, Model{}.Layers(), "an unusable config has no layers")
}
