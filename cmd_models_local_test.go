package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/ggufwrite"
)

// localFixture lays out a machine's models: a GGUF file in a --scan
// folder and an Ollama model, and points OLLAMA_MODELS at it.
func localFixture(t *testing.T) (scanDir, gguf string, spec ggufwrite.Spec) {
	t.Helper()
	scanDir = t.TempDir()
	spec = ggufwrite.TinyLlama(8192)
	gguf = filepath.Join(scanDir, "tiny-Q4_K_M.gguf")
	require.NoError(t, spec.Write(gguf))
	ollama := t.TempDir()
	hex := strings.Repeat("ab", 32)
	require.NoError(t, spec.Write(filepath.Join(ollama, "blobs", "sha256-"+hex)))
	manifest := filepath.Join(ollama, "manifests", "registry.ollama.ai", "library", "tiny", "q4")
	require.NoError(t, os.MkdirAll(filepath.Dir(manifest), 0o755))
	require.NoError(t, os.WriteFile(manifest, []byte(`{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:`+hex+`"}]}`), 0o644))
	t.Setenv("OLLAMA_MODELS", ollama)
	return scanDir, gguf, spec
}

func TestModelsListsWhatIsOnThisMachine(t *testing.T) {
	scanDir, gguf, spec := localFixture(t)
	code, out, errOut := runCLI(t, "--scan", scanDir, "models", "--local", "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Places []struct {
			Kind, Path, Label, Note string
			Found                   int
		} `json:"places"`
		Models []map[string]any `json:"models"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	labels := map[string]int{}
	for _, p := range rep.Places {
		labels[p.Label] = p.Found
	}
	assert.Equal(t, 1, labels["--scan"])
	assert.Equal(t, 1, labels["Ollama ($OLLAMA_MODELS)"])
	assert.Contains(t, labels, "Hugging Face cache", "every place is reported, found or not")
	require.Len(t, rep.Models, 2)
	byOrigin := map[string]map[string]any{}
	for _, m := range rep.Models {
		byOrigin[m["origin"].(string)] = m
	}
	g := byOrigin["gguf"]
	require.NotNil(t, g)
	assert.Equal(t, gguf, g["path"])
	assert.Equal(t, "gguf", g["format"])
	assert.Equal(t, "Q4_K_M", g["precision"])
	assert.EqualValues(t, spec.TensorBytes(), g["weights_bytes"], "the tensor table's exact bytes")
	assert.Equal(t, "tiny:q4", byOrigin["ollama"]["id"])

	code, out, _ = runCLI(t, "--scan", scanDir, "models")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "tiny-Q4_K_M")
	assert.Contains(t, out, "Qwen/Qwen3-32B", "the catalogue too")
	code, out, _ = runCLI(t, "--no-scan", "models", "--json")
	require.Equal(t, 0, code)
	assert.NotContains(t, out, "tiny", "--no-scan: the catalogue only")
}

func TestFitTakesAGGUFFileAndAnOllamaModel(t *testing.T) {
	_, gguf, spec := localFixture(t)
	for _, target := range []string{gguf, "tiny:q4"} {
		code, out, errOut := runCLI(t, "--no-scan", "--gpu", rtxPro, "fit", target, "--json")
		require.Equal(t, 0, code, errOut)
		var rep map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		assert.Equal(t, "llama.cpp", rep["runtime"], "a GGUF file runs under llama.cpp")
		assert.EqualValues(t, spec.TensorBytes(), rep["weights_bytes"])
		assert.Equal(t, "fits", rep["status"])
	}
	code, _, errOut := runCLI(t, "--no-scan", "fit", gguf, "--runtime", "vllm")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "a GGUF file runs under llama.cpp")
	code, _, errOut = runCLI(t, "--no-scan", "fit", gguf, "--precision", "bf16")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "this file holds Q4_K_M")
}

func TestSnapshotGradesTheModelsFoundHere(t *testing.T) {
	scanDir, _, _ := localFixture(t)
	code, out, errOut := runCLI(t, "--scan", scanDir, "--gpu", rtxPro, "snapshot", "--json")
	require.Equal(t, 0, code, errOut)
	s := decodeSnapshot(t, out)
	var found bool
	for _, f := range s.Fits {
		if strings.HasSuffix(f.Model, "tiny-Q4_K_M.gguf") && f.Precision == "native" {
			found = true
			assert.Equal(t, "llama.cpp", f.Runtime)
			assert.Equal(t, "fits", f.Status)
		}
	}
	assert.True(t, found, "the GGUF file found is graded")
}
