package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/headroom-dev/headroom/fit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// llamaConfig is Llama-3.1-8B's config.json, the parts that size it.
const llamaConfig = `{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"torch_dtype":"bfloat16"}`

// checkpoint writes a folder holding llamaConfig and the files given.
func checkpoint(t *testing.T, name string, files map[string]int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(llamaConfig), 0o644))
	for f, size := range files {
		fh, err := os.Create(filepath.Join(dir, f))
		require.NoError(t, err)
		require.NoError(t, fh.Truncate(size)) // sparse: the size is all that is read
		require.NoError(t, fh.Close())
	}
	return dir
}

// fitWeights runs fit --config and returns the weights it graded.
func fitWeights(t *testing.T, dir string) (uint64, []string) {
	t.Helper()
	code, out, errOut := runCLI(t, noGPU, "--gpu", rtxPro, "fit", "--config", dir, "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		WeightsBytes uint64   `json:"weights_bytes"`
		Status       string   `json:"status"`
		Notes        []string `json:"notes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	return rep.WeightsBytes, rep.Notes
}

func TestFitConfigFolderNamesAreNotPatterns(t *testing.T) {
	// A 200 GiB shard in a folder whose name is a glob pattern: the shard
	// must be counted, whatever the folder is called.
	for _, name := range []string{"ckpt[1]", "ckpt[", "ckpt*", "ck?pt", `back\slash`} {
		t.Run(name, func(t *testing.T) {
			dir := checkpoint(t, name, map[string]int64{"model-00001-of-00001.safetensors": 200 << 30})
			w, _ := fitWeights(t, dir)
			assert.EqualValues(t, 200<<30, w, "the shard's size, read from a folder named %q", name)
		})
	}
}

func TestFitConfigFolderWithoutWeightsSaysTheyAreCounted(t *testing.T) {
	dir := checkpoint(t, "config-only", nil)
	w, notes := fitWeights(t, dir)
	// Counted tensor by tensor, the config gives Llama-3.1-8B's published
	// checkpoint size (its index's total_size) to the byte.
	assert.EqualValues(t, 16060522496, w)
	assert.Contains(t, strings.Join(notes, "\n"), "counted from the config")
}

func TestFitConfigRefusesBadInputFiles(t *testing.T) {
	fifoDir := checkpoint(t, "fifo-index", nil)
	require.NoError(t, syscall.Mkfifo(filepath.Join(fifoDir, fit.IndexFile), 0o644))
	dirIndex := checkpoint(t, "dir-index", nil)
	require.NoError(t, os.Mkdir(filepath.Join(dirIndex, fit.IndexFile), 0o755))
	badIndex := checkpoint(t, "bad-index", map[string]int64{fit.IndexFile: 0})
	require.NoError(t, os.WriteFile(filepath.Join(badIndex, fit.IndexFile), []byte(`{"metadata": {"total_size": "big"}}`), 0o644))
	hugeIndex := checkpoint(t, "huge-index", map[string]int64{fit.IndexFile: 0})
	require.NoError(t, os.WriteFile(filepath.Join(hugeIndex, fit.IndexFile), []byte(`{"metadata": {"total_size": 4611686018427387904}}`), 0o644))
	dangling := checkpoint(t, "dangling-index", nil)
	require.NoError(t, os.Symlink(filepath.Join(dangling, "blobs", "gone"), filepath.Join(dangling, fit.IndexFile)))
	fifoConfig := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, syscall.Mkfifo(fifoConfig, 0o644))
	huge := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(huge, []byte(strings.Repeat(" ", fit.MaxConfigBytes+1)), 0o644))
	tests := map[string]struct{ path, says string }{
		"index is a FIFO":      {fifoDir, "named pipe"},
		"index is a directory": {dirIndex, "is a directory"},
		"index is not JSON":    {badIndex, fit.IndexFile},
		"index dangles":        {dangling, "no such file"},
		"index is absurd":      {hugeIndex, "beyond any real checkpoint"},
		"config is a FIFO":     {fifoConfig, "named pipe"},
		"config is endless":    {"/dev/zero", "is a device"},
		"config is huge":       {huge, "larger than 4 MiB"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan struct{})
			var code int
			var errOut string
			go func() {
				defer close(done)
				code, _, errOut = runCLI(t, noGPU, "--gpu", rtxPro, "fit", "--config", tc.path)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("headroom fit blocked on the file")
			}
			assert.Equal(t, 2, code, errOut)
			assert.Contains(t, errOut, tc.says)
			assert.Contains(t, errOut, "--config")
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		})
	}
}

// TestFitRefusesAbsurdConfigs: the reported configs that once wrapped to
// a "fits" are usage errors (exit 2) naming the field or the limit.
func TestFitRefusesAbsurdConfigs(t *testing.T) {
	qwen3Next := `{"model_type":"qwen3_next","hidden_size":2048,"intermediate_size":5120,"num_hidden_layers":48,
"num_attention_heads":16,"num_key_value_heads":2,"head_dim":256,"vocab_size":151936,"num_experts":512,
"num_experts_per_tok":10,"moe_intermediate_size":512,"shared_expert_intermediate_size":512,
"full_attention_interval":4,"linear_num_key_heads":16,"linear_num_value_heads":-65000,
"linear_key_head_dim":128,"linear_value_head_dim":128,"linear_conv_kernel_dim":4}`
	longLlama := strings.Replace(llamaConfig, `"torch_dtype"`, `"max_position_embeddings":4611686018427387904,"torch_dtype"`, 1)
	wide := `{"model_type":"llama","hidden_size":65536,"num_hidden_layers":4096,"num_attention_heads":65536,"head_dim":4,
"vocab_size":10,"intermediate_size":16,"max_position_embeddings":1073741824}`
	tests := map[string]struct {
		config string
		args   []string
		says   string
	}{
		"negative linear heads":          {qwen3Next, nil, `"linear_num_value_heads": model`},
		"max_position_embeddings 2^62":   {longLlama, nil, `"max_position_embeddings"`},
		"a cache beyond 1 EiB":           {wide, []string{"--context", "1024m"}, "needs more than 1 EiB"},
		"a context below 256 tokens":     {llamaConfig, []string{"--context", "1"}, "--context"},
		"a context beyond 1G tokens":     {llamaConfig, []string{"--context", "1025m"}, "out of range"},
		"free memory beyond any GPU":     {llamaConfig, []string{"--free", "1000000TB"}, "--free"},
		"free memory beyond the card":    {llamaConfig, []string{"--free", "200GiB"}, "--free"},
		"a context that is not a number": {llamaConfig, []string{"--context", "lots"}, "--context"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.config), 0o644))
			args := append([]string{noGPU, "--gpu", rtxPro, "fit", "--config", path, "--json"}, tc.args...)
			code, out, errOut := runCLI(t, args...)
			assert.Equal(t, 2, code, "stdout %q stderr %q", out, errOut)
			assert.Contains(t, errOut, tc.says)
			assert.Empty(t, out, "no figure is printed")
		})
	}
}

func TestFitConfigFolder(t *testing.T) {
	dir := t.TempDir()
	cfg := `{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"intermediate_size":14336,
"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"torch_dtype":"bfloat16"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), []byte(`{"metadata":{"total_size":16060522496}}`), 0o644))
	code, out, errOut := runCLI(t, noGPU, "--gpu", "4090", "fit", "--config", dir, "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		ID           string `json:"id"`
		WeightsBytes uint64 `json:"weights_bytes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, dir, rep.ID)
	assert.EqualValues(t, 16060522496, rep.WeightsBytes, "the index's total_size, Llama-3.1-8B's")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{\"hidden_size\": 64,\n\"num_hidden_layers\": 2, \"num_attention_heads\": 4,\n\"num_key_value_heads\": 3, \"vocab_size\": 10}"), 0o644))
	code, _, errOut = runCLI(t, noGPU, "fit", "--config", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "bad.json:3:1: field \"num_key_value_heads\"")
}
