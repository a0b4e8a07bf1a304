package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModelsJSON(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "models", "--json")
	require.Equal(t, 0, code, errOut)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	models, _ := builtinCatalogues(t)
	require.Len(t, rows, len(models), "one row a catalogue model")
	byID := map[string]map[string]any{}
	for i, r := range rows {
		for _, k := range []string{"id", "params", "active_params", "native_precision", "weights_bytes", "max_context",
			"kv_bytes_per_1k_tokens", "layers", "sliding_or_hybrid_layout"} {
			assert.Contains(t, r, k)
		}
		assert.Equal(t, models[i].ID, r["id"], "in catalogue order")
		byID[r["id"].(string)] = r
	}
	// Qwen3-32B (its model card: 32.8B parameters, 64 layers, 8 KV heads
	// of 128, 40,960 positions, BF16).
	q := byID["Qwen/Qwen3-32B"]
	require.NotNil(t, q, "Qwen/Qwen3-32B is listed")
	assert.EqualValues(t, 32762123264, q["params"])
	assert.EqualValues(t, 64*8*128*2*2*1024, q["kv_bytes_per_1k_tokens"])
	assert.Equal(t, "bf16", q["native_precision"])
	assert.EqualValues(t, 2*32762123264, q["weights_bytes"])
	assert.EqualValues(t, 40960, q["max_context"])
	assert.Equal(t, map[string]any{"full": 64.0, "sliding": 0.0, "chunked": 0.0, "linear": 0.0, "none": 0.0}, q["layers"])
	assert.Equal(t, false, q["sliding_or_hybrid_layout"])
	// gpt-oss-120b ships its experts in MXFP4, and alternates sliding
	// and full attention.
	g := byID["openai/gpt-oss-120b"]
	require.NotNil(t, g, "openai/gpt-oss-120b is listed")
	assert.Equal(t, "mxfp4", g["native_precision"])
	assert.Less(t, g["weights_bytes"], g["bf16_weights_bytes"])
	assert.Equal(t, true, g["sliding_or_hybrid_layout"])

	code, out, _ = runCLI(t, noGPU, "models")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Qwen/Qwen3-32B")
	assert.Contains(t, out, "256 MiB")
}
