package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/local"
	"github.com/headroom-dev/headroom/serving"
)

// foundGGUF is a Qwen3-32B Q4_K_M file, as a scan reads it.
func foundGGUF(t *testing.T) local.Found {
	t.Helper()
	g := fit.GGUF{Architecture: "qwen3", FileType: "Q4_K_M", TensorBytes: 19_762_149_376, Params: 32_762_123_264,
		Vocab: 151936, ContextLength: 40960, Embedding: 5120, Blocks: 64, FeedForward: 25600, Heads: 64, HeadsKV: 8, KeyLength: 128}
	m, err := fit.FromGGUF(g, "/models/Qwen3-32B-Q4_K_M.gguf")
	require.NoError(t, err)
	m.Name = "my-qwen-q4"
	return local.Found{Origin: local.KindGGUF, Name: m.Name, Path: m.ID, Format: local.GGUFFormat, Precision: "Q4_K_M",
		WeightsBytes: g.TensorBytes, Model: m}
}

// The scan runs off the event loop: the catalogue shows at once, and what
// the scan finds joins it, marked, keeping the selection.
func TestScanJoinsTheMatrix(t *testing.T) {
	res := local.Result{
		Models: []local.Found{foundGGUF(t), {Origin: local.KindHF, Name: "Org/Half", Partial: "downloading: 3 of 5 shards"}},
		Places: []local.Place{{Root: local.Root{Kind: local.KindGGUF, Path: "/models", Label: "--scan"}, Found: 2}},
	}
	ran := false
	scan := func() local.Result { ran = true; return res }
	models := catalogue(t, goldenModels...)
	m := New(Config{Source: fixedSource{liveSnapshot(10)}, Models: models, Cards: cards(t), Scan: scan, Interval: time.Second, NoColor: true})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = update(m, sampleMsg{snap: liveSnapshot(10)})
	assert.Contains(t, screen(m), "looking for models on this machine…", "a progress line while it runs")
	assert.False(t, ran, "New and the first frame do not scan: Init's command does")
	m = selectModel(t, m, "Qwen3-32B")

	cmd := m.Init()
	require.NotNil(t, cmd)
	m = update(m, scanMsg{res: scan(), took: 12 * time.Millisecond})
	assert.True(t, ran)
	s := screen(m)
	assert.NotContains(t, s, "looking for models")
	assert.Contains(t, s, "found 1 model on this machine in 12ms (1 more not ready; ? lists them)")
	row := lineWith(m, "my-qwen-q4")
	assert.Contains(t, row, "• my-qwen-q4", "marked as on this machine")
	assert.Contains(t, row, "✓", "graded at its own type under llama.cpp")
	assert.Contains(t, lineWith(m, "Qwen3-32B "), "Qwen3-32B", "the catalogue stays")
	i, ok := m.matrix.selected()
	require.True(t, ok)
	assert.Equal(t, "Qwen/Qwen3-32B", m.cfg.Models[i].ID, "the selection survives the merge")

	m = press(m, "m")
	s = screen(m)
	assert.Contains(t, s, "my-qwen-q4")
	assert.NotContains(t, s, "gemma-3-27b-it", "m shows only the models on this machine")
	m = press(m, "m", "?")
	s = screen(m)
	assert.Contains(t, s, "--scan: 2")
	assert.Contains(t, s, "Org/Half: downloading: 3 of 5 shards")
}

func TestNoScanSaysSo(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(10))
	assert.NotContains(t, screen(m), "looking for models")
	m = press(m, "M")
	assert.Contains(t, screen(m), "scanning is off (--no-scan)")
}

// A server on the GPU marks its model's row, and the processes panel and
// the detail pane compare what it holds with headroom's prediction.
func TestRunningServerIsShownAgainstItsPrediction(t *testing.T) {
	snap := liveSnapshot(40)
	p := &snap.Devices[0].Processes[0]
	p.Serving = serving.Recognise(strings.Fields("vllm serve Qwen/Qwen3-32B --max-model-len 8192 --gpu-memory-utilization 0.40"))
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, snap)
	assert.Contains(t, lineWith(m, "Qwen3-32B "), "▸ Qwen3-32B", "marked as running")
	m = selectModel(t, m, "Qwen3-32B")
	s := screen(m)
	assert.Contains(t, s, "▸ running: PID 4242, vLLM serving Qwen/Qwen3-32B, context 8192, utilisation 0.40; predicted")
	m = press(m, "P")
	assert.Contains(t, screen(m), "vLLM serving Qwen/Qwen3-32B, context 8192, utilisation 0.40; predicted")
	assert.Nil(t, snap.Devices[0].Processes[0].Serving.PredictedBytes, "the source's server is not written to")
}
