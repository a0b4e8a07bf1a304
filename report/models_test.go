package report

import (
	"bytes"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/local"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// foundHere is what a scan of this machine might find: a GGUF file, a
// download in progress and a file that is not a model.
func foundHere(t *testing.T) []local.Found {
	t.Helper()
	g := fit.GGUF{Architecture: "qwen3", FileType: "Q4_K_M", TensorBytes: 19_762_149_376, Params: 32_762_123_264,
		Vocab: 151936, ContextLength: 40960, Embedding: 5120, Blocks: 64, FeedForward: 25600, Heads: 64, HeadsKV: 8, KeyLength: 128}
	const path = "/models/Qwen3-32B-Q4_K_M.gguf"
	m, err := fit.FromGGUF(g, path)
	require.NoError(t, err)
	m.Name = "Qwen3-32B-Q4_K_M"
	return []local.Found{
		{Origin: local.KindGGUF, Name: m.Name, Path: path, Format: local.GGUFFormat, Precision: "Q4_K_M", WeightsBytes: g.TensorBytes, Model: m},
		{Origin: local.KindHF, Name: "Qwen/QwQ-32B", Path: "/hub/models--Qwen--QwQ-32B/snapshots/abc", Format: local.Safetensors, Partial: "downloading: 12 of 17 shards"},
		{Origin: local.KindGGUF, Name: "junk", Path: "/models/junk.gguf", Format: local.GGUFFormat, Problem: "/models/junk.gguf: not a readable GGUF file"},
	}
}

func TestModelsText(t *testing.T) {
	models, _ := catalogues(t)
	found := foundHere(t)
	rows := ModelRows(local.Merge(models, found), found)
	require.Len(t, rows, len(models)+3)
	assert.Equal(t, "ready", rows[len(models)].Status)
	assert.EqualValues(t, 19_762_149_376, rows[len(models)].WeightsBytes, "the file's exact bytes")
	assert.Equal(t, "Q4_K_M", rows[len(models)].Precision)
	assert.Equal(t, "downloading", rows[len(models)+1].Status)
	assert.Equal(t, "unusable", rows[len(models)+2].Status)
	var b bytes.Buffer
	require.NoError(t, WriteModelsText(&b, rows))
	for _, r := range rows {
		assert.Contains(t, b.String(), listedName(r)+" ", "every model is listed")
	}
	golden.RequireEqual(t, b.Bytes())
}

func TestModelRowsFollowTheEngine(t *testing.T) {
	models, _ := catalogues(t)
	rows := ModelRows(local.Merge(models, nil), nil)
	require.Len(t, rows, len(models))
	for i, m := range models {
		r := rows[i]
		assert.Equal(t, m.ID, r.ID)
		assert.Equal(t, m.Params(), r.Params)
		assert.Equal(t, m.Layers(), r.Layers)
		assert.Equal(t, m.Layers().Mixed(), r.SlidingOrHybridLayout, m.ID)
		assert.Equal(t, m.PublishedParams == 0, r.PublishedParams == nil, "published count null exactly when unknown: %s", m.ID)
		assert.Equal(t, m.WeightsBytes == 0, r.CheckpointBytes == nil, m.ID)
	}
}
