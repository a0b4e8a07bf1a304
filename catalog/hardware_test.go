package catalog

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/fit"
)

// Which card runs what, on an Ampere, an Ada, a Hopper and two Blackwell
// cards of the catalogue, each with its own compute capability: a
// precision a card cannot run is n/a with the reason, never "fits".
func TestHardwareGatingOnCatalogueCards(t *testing.T) {
	cards := loadCatalogue(t)
	models := loadModels(t)
	model := func(id string) fit.Model {
		m, err := FindModel(models, id)
		require.NoError(t, err)
		return m
	}
	dense, oss := model("Qwen/Qwen3-32B"), model("openai/gpt-oss-20b")
	type want map[fit.Precision]bool // runs, under the precision's runtime
	for name, tc := range map[string]struct {
		cc   fit.Capability
		runs want
	}{
		"A100 80GB SXM":                      {80, want{fit.BF16: true, fit.FP8: true, fit.INT8: true, fit.NVFP4: true, fit.AWQ4: true, fit.Q4_K_M: true}},
		"RTX 3090":                           {86, want{fit.BF16: true, fit.FP8: true, fit.INT8: true, fit.NVFP4: true}},
		"RTX 4090":                           {89, want{fit.BF16: true, fit.FP8: true, fit.INT8: true, fit.NVFP4: true}},
		"H100 SXM":                           {90, want{fit.BF16: true, fit.FP8: true, fit.INT8: true, fit.NVFP4: true}},
		"B200":                               {100, want{fit.BF16: true, fit.FP8: true, fit.INT8: false, fit.NVFP4: true}},
		"RTX PRO 6000 Blackwell Workstation": {120, want{fit.BF16: true, fit.FP8: true, fit.INT8: false, fit.NVFP4: true, fit.Q4_K_M: true}},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := FindCard(cards, name)
			require.NoError(t, err)
			spec := Spec(c)
			require.Equal(t, tc.cc, spec.Compute, "the catalogue's compute capability")
			b := fit.Budget{FreeBytes: 1 << 40, UsableBytes: 1 << 40, TotalBytes: 1 << 40, GPUs: 1, Compute: spec.Compute}
			for p, runs := range tc.runs {
				r := fit.Request{Precision: p, Runtime: fit.RuntimeFor(p, fit.VLLM), Context: 4096}
				err := dense.RunsOn(r, spec.Compute)
				assert.Equal(t, runs, err == nil, "%s at %s: %v", name, p, err)
				v := fit.Grade(dense, r, b)
				if runs {
					assert.Empty(t, v.Reason, "%s at %s", name, p)
				} else {
					assert.True(t, errors.Is(err, fit.ErrHardware))
					assert.Contains(t, v.Reason, "this GPU is "+spec.Compute.String(), "%s at %s: n/a, saying why", name, p)
					assert.NotEqual(t, fit.Fits, v.Status)
				}
			}
			assert.NoError(t, oss.RunsOn(fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 4096}, spec.Compute), "MXFP4 from 8.0")
		})
	}
	// Older cards, which the catalogue does not hold.
	turing, volta := fit.Capability(75), fit.Capability(70)
	r := func(p fit.Precision) fit.Request { return fit.Request{Precision: p, Runtime: fit.VLLM, Context: 4096} }
	assert.Error(t, dense.RunsOn(r(fit.FP8), turing), "FP8 needs 8.0")
	assert.Error(t, dense.RunsOn(r(fit.BF16), turing), "BF16 needs 8.0")
	assert.NoError(t, dense.RunsOn(r(fit.Native), turing), "a BF16 checkpoint loads as FP16")
	assert.NoError(t, dense.RunsOn(r(fit.INT8), turing))
	assert.NoError(t, dense.RunsOn(r(fit.AWQ4), turing))
	assert.Error(t, dense.RunsOn(r(fit.AWQ4), volta), "AWQ needs Turing")
	assert.Error(t, oss.RunsOn(r(fit.Native), turing), "MXFP4 needs 8.0")
	assert.NoError(t, dense.RunsOn(fit.Request{Precision: fit.Q2_K, Runtime: fit.LlamaCpp}, volta), "llama.cpp runs GGUF from 5.0")
	assert.NoError(t, dense.RunsOn(r(fit.FP8), 0), "unknown: nothing refused")
	assert.Equal(t, fit.Capability(121), fit.ParseCapability("12.1"))
	assert.Equal(t, fit.Capability(0), fit.ParseCapability("12"))
	assert.Equal(t, "8.9", fit.Capability(89).String())
}
