package catalog

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/serving"
)

// qwen32 is the catalogue's Qwen3-32B.
func qwen32(t *testing.T) fit.Model {
	t.Helper()
	data, err := os.ReadFile("../models.json")
	require.NoError(t, err)
	ms, err := fit.Load(strings.NewReader(string(data)), "models.json")
	require.NoError(t, err)
	for _, m := range ms {
		if m.ID == "Qwen/Qwen3-32B" {
			return m
		}
	}
	t.Fatal("no Qwen3-32B")
	return fit.Model{}
}

func TestPredict(t *testing.T) {
	m := qwen32(t)
	b := fit.Budget{TotalBytes: 97887 << 20, UsableBytes: 97296 << 20, FreeBytes: 10 << 30, GPUs: 1}
	s := serving.Recognise(strings.Fields("vllm serve Qwen/Qwen3-32B --max-model-len 8192 --gpu-memory-utilization 0.90"))
	Predict(s, m, true, b)
	require.NotNil(t, s.PredictedBytes, s.Unpredicted)
	e, err := m.Estimate(fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192})
	require.NoError(t, err)
	assert.Equal(t, uint64(0.9*float64(b.TotalBytes))+e.OutsideBytes, *s.PredictedBytes, "the budget plus what vLLM keeps outside it")

	l := serving.Recognise(strings.Fields("llama-server -m /m/q.gguf -c 8192"))
	Predict(l, m, true, b)
	require.NotNil(t, l.PredictedBytes, l.Unpredicted)
	le, err := m.Estimate(fit.Request{Precision: fit.Native, Runtime: fit.LlamaCpp, Context: 8192})
	require.NoError(t, err)
	assert.Less(t, *l.PredictedBytes, le.TotalBytes, "headroom's own margin is left out")

	for argv, why := range map[string]string{
		"llama-server -m /m/q.gguf":                                  "no context length",
		"llama-server -m /m/q.gguf -c 4096 -ngl 10":                  "kept on the CPU",
		"python -m sglang.launch_server --model-path Qwen/Qwen3-32B": "does not model",
	} {
		s := serving.Recognise(strings.Fields(argv))
		Predict(s, m, true, b)
		assert.Nil(t, s.PredictedBytes, argv)
		assert.Contains(t, s.Unpredicted, why, argv)
	}
	Predict(s, fit.Model{}, false, b)
	assert.Contains(t, s.Unpredicted, "not in the catalogue")
	assert.Equal(t, "vLLM serving Qwen/Qwen3-32B, context 8192, utilisation 0.90", s.Label())
}
