package fleet

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/testcat"
)

// catalogues loads the shipped catalogues.
func catalogues(tb testing.TB) ([]fit.Model, []catalog.Card) { return testcat.Catalogues(tb) }

// proGPU is an RTX PRO 6000 of the fleet with usedGiB taken.
func proGPU(host, idx string, usedGiB uint64) GPU {
	total, reserved := uint64(97887)<<20, uint64(591)<<20
	used := usedGiB << 30
	return GPU{Hostname: host, Index: idx, UUID: "GPU-" + host + "-" + idx, Name: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition",
		TotalBytes: total, UsedBytes: used, ReservedBytes: reserved, FreeBytes: total - reserved - used}
}

func TestPlacements(t *testing.T) {
	models, cards := catalogues(t)
	m, err := catalog.FindModel(models, "meta-llama/Llama-3.3-70B-Instruct")
	require.NoError(t, err)
	gpus := []GPU{proGPU("a", "0", 50), proGPU("b", "0", 0), proGPU("b", "1", 0), proGPU("c", "0", 0), proGPU("d", "0", 0)}
	gpus[3].Stale = true
	gpus[4].Down = true
	r := Request{Model: m, Request: fit.Request{Precision: fit.FP8, Runtime: fit.VLLM, Context: 8192}}
	ps := Placements(gpus, cards, r, false)
	require.Len(t, ps, 5)
	for _, p := range ps {
		i := -1
		for k, g := range gpus {
			if g.Hostname == p.Hostname && g.Index == p.GPUs[0] {
				i = k
			}
		}
		require.GreaterOrEqual(t, i, 0)
		g := gpus[i]
		switch {
		case g.Stale:
			assert.Equal(t, Stale, p.Status)
		case g.Down:
			assert.Equal(t, Down, p.Status)
		default:
			b, err := catalog.Budget(cards, device(g))
			require.NoError(t, err)
			v := fit.Grade(m, r.Request, b)
			assert.Equal(t, v.Status.String(), string(p.Status), "%s/%s", p.Hostname, p.GPUs[0])
			assert.Equal(t, int64(b.FreeBytes)-int64(v.RequiredBytes), p.HeadroomBytes)
		}
	}
	assert.Equal(t, "fits", string(ps[0].Status), "fits first")
	assert.Equal(t, "needs-freeing", string(ps[2].Status))
	assert.Equal(t, 2, FitsNow(ps))

	// 70B in BF16 fits no one GPU, and two of b's together.
	r.Precision = fit.BF16
	assert.Zero(t, FitsNow(Placements(gpus, cards, r, false)))
	tp := Placements(gpus, cards, r, true)
	require.Len(t, tp, 4, "one placement a host")
	assert.Equal(t, "b", tp[0].Hostname)
	assert.Equal(t, []string{"0", "1"}, tp[0].GPUs)
	assert.Equal(t, "fits", string(tp[0].Status), "two RTX PRO 6000s hold a 70B in BF16")
	for _, p := range tp[1:] {
		assert.NotEqual(t, "fits", string(p.Status), p.Hostname)
	}
}

// Grading the whole catalogue at one precision across 64 GPUs, as the
// fleet command does, and one model as the UI's fleet view does per
// refresh.
func BenchmarkPlacements64GPUs(b *testing.B) {
	models, cards := catalogues(b)
	var gpus []GPU
	for i := range 64 {
		gpus = append(gpus, proGPU(fmt.Sprintf("box%02d", i/8), fmt.Sprint(i%8), uint64(i%8)*10))
	}
	m, err := catalog.FindModel(models, "Qwen/Qwen3-32B")
	require.NoError(b, err)
	b.Run("one model", func(b *testing.B) {
		for b.Loop() {
			Placements(gpus, cards, Request{Model: m, Request: fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192}}, false)
		}
	})
	b.Run("catalogue", func(b *testing.B) {
		for b.Loop() {
			for _, m := range models {
				Placements(gpus, cards, Request{Model: m, Request: fit.Request{Precision: fit.FP8, Runtime: fit.VLLM, Context: 8192}}, false)
			}
		}
	})
}
