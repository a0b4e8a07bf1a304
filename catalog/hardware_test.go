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

// Apple's and AMD's unified-memory machines are not NVIDIA GPUs: vLLM's
// quantised kernels do not run there, llama.cpp's GGUF types do.
func TestCardsThatAreNotNVIDIAsRunNoCUDAKernels(t *testing.T) {
	cards := loadCatalogue(t)
	models := loadModels(t)
	dense, err := FindModel(models, "Qwen/Qwen3-32B")
	require.NoError(t, err)
	oss, err := FindModel(models, "openai/gpt-oss-20b")
	require.NoError(t, err)
	for _, name := range []string{"Apple M3 Ultra (512 GB)", "AMD Ryzen AI Max+ 395 (128 GB)"} {
		c, err := FindCard(cards, name)
		require.NoError(t, err)
		spec := Spec(c)
		require.Equal(t, fit.NotCUDA, spec.Compute, name)
		for _, p := range []fit.Precision{fit.FP8, fit.INT8, fit.AWQ4, fit.GPTQ4, fit.NVFP4, fit.NF4} {
			err := dense.RunsOn(fit.Request{Precision: p, Runtime: fit.VLLM}, spec.Compute)
			require.ErrorIs(t, err, fit.ErrHardware, "%s at %s", name, p)
			assert.Contains(t, err.Error(), "not an NVIDIA GPU")
		}
		assert.Error(t, oss.RunsOn(fit.Request{Precision: fit.Native, Runtime: fit.VLLM}, spec.Compute), "%s: MXFP4 under vLLM", name)
		assert.NoError(t, oss.RunsOn(fit.Request{Precision: fit.MXFP4, Runtime: fit.LlamaCpp}, spec.Compute), "%s: MXFP4 GGUF under llama.cpp", name)
		for _, p := range []fit.Precision{fit.Q4_K_M, fit.IQ3_XXS, fit.Q8_0} {
			assert.NoError(t, dense.RunsOn(fit.Request{Precision: p, Runtime: fit.LlamaCpp}, spec.Compute), "%s at %s", name, p)
		}
		assert.NoError(t, dense.RunsOn(fit.Request{Precision: fit.Native, Runtime: fit.VLLM}, spec.Compute), "%s: 16-bit weights are not refused", name)
	}
	c, err := FindCard(cards, "DGX Spark (GB10)")
	require.NoError(t, err)
	assert.Equal(t, fit.Capability(121), Spec(c).Compute, "NVIDIA's own unified-memory machine keeps its capability")
}
