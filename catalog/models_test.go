package catalog

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/fit"
)

func loadModels(t *testing.T) []fit.Model {
	t.Helper()
	data, err := os.ReadFile("../models.json")
	require.NoError(t, err)
	ms, err := LoadModels(File{Flag: "--models", Name: "models.json", Builtin: data})
	require.NoError(t, err)
	return ms
}

func TestFindModel(t *testing.T) {
	ms := loadModels(t)
	for query, want := range map[string]string{
		"Qwen/Qwen3-32B":     "Qwen/Qwen3-32B",
		"qwen/qwen3-32b":     "Qwen/Qwen3-32B",
		"  gemma-3-27b-it  ": "google/gemma-3-27b-it",
		"Scout":              "meta-llama/Llama-4-Scout-17B-16E-Instruct",
	} {
		m, err := FindModel(ms, query)
		require.NoError(t, err, query)
		assert.Equal(t, want, m.ID, query)
	}
	_, err := FindModel(ms, "qwen3")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "matches several models: Qwen/Qwen3-30B-A3B, ")
	_, err = FindModel(ms, "qwen")
	require.Error(t, err)
	assert.Regexp(t, `(, [^,]+){4} and [0-9]+ more$`, err.Error(), "past five, the rest are counted")

	_, err = FindModel(ms, "qwen32")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "closest: Qwen/", "the closest ids are named")

	_, err = FindModel(ms, "\x1b[2J")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\x1b", "what was typed is cleaned before it is quoted")

	_, err = FindModel(ms, " ")
	assert.ErrorContains(t, err, "name a model")
}
