package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/report"
)

// snapshotJSON is `headroom snapshot --json` as a script reads it.
type snapshotJSON struct {
	Time          string   `json:"time"`
	Source        string   `json:"source"`
	DriverVersion *string  `json:"driver_version"`
	CUDAVersion   *string  `json:"cuda_version"`
	Notes         []string `json:"notes"`
	Devices       []struct {
		Index         int     `json:"index"`
		Name          *string `json:"name"`
		UUID          *string `json:"uuid"`
		UnifiedMemory bool    `json:"unified_memory"`
		MemorySource  string  `json:"memory_source"`
		Memory        struct {
			Total    *uint64 `json:"total_bytes"`
			Reserved *uint64 `json:"reserved_bytes"`
			Used     *uint64 `json:"used_bytes"`
			Free     *uint64 `json:"free_bytes"`
		} `json:"memory"`
		ComputeCapability *string  `json:"compute_capability"`
		Architecture      *string  `json:"architecture"`
		Utilization       *int     `json:"utilization_percent"`
		TemperatureC      *int     `json:"temperature_c"`
		PowerW            *float64 `json:"power_w"`
		PowerLimitW       *float64 `json:"power_limit_w"`
		MIG               bool     `json:"mig"`
		Lost              bool     `json:"lost"`
		ProcessNote       string   `json:"process_note"`
		Processes         []struct {
			PID     uint32  `json:"pid"`
			Name    *string `json:"name"`
			User    *string `json:"user"`
			Command *string `json:"command"`
			Used    *uint64 `json:"used_bytes"`
		} `json:"processes"`
	} `json:"devices"`
	FitsDevice int `json:"fits_device"`
	Fits       []struct {
		Model         string `json:"model"`
		Precision     string `json:"precision"`
		Runtime       string `json:"runtime"`
		Context       int    `json:"context"`
		RequiredBytes uint64 `json:"required_bytes"`
		Status        string `json:"status"`
		MaxContext    int    `json:"max_context"`
		Reason        string `json:"reason"`
	} `json:"fits"`
}

func decodeSnapshot(t *testing.T, out string) snapshotJSON {
	t.Helper()
	var s snapshotJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&s), out)
	return s
}

// builtinCatalogues loads the shipped catalogues as the binary does.
func builtinCatalogues(t *testing.T) ([]fit.Model, []catalog.Card) {
	t.Helper()
	models, err := fit.Load(bytes.NewReader(builtinModels), "models.json")
	require.NoError(t, err)
	cards, err := catalog.ReadCards(bytes.NewReader(builtinCards), "gpus.json")
	require.NoError(t, err)
	return models, cards
}

func TestSnapshotJSONPlansForACard(t *testing.T) {
	models, cards := builtinCatalogues(t)
	card, err := catalog.FindCard(cards, "RTX 5090")
	require.NoError(t, err)

	code, out, errOut := runCLI(t, noGPU, "--gpu", "5090", "--context", "32k", "snapshot", "--json")
	require.Equal(t, 0, code, errOut)
	s := decodeSnapshot(t, out)
	assert.Equal(t, "planning", s.Source)
	assert.Nil(t, s.DriverVersion)
	assert.Nil(t, s.CUDAVersion)
	assert.Contains(t, s.Notes, "planning for RTX 5090: not a live reading")
	require.Len(t, s.Devices, 1)
	d := s.Devices[0]
	assert.Nil(t, d.UUID, "a planned card has no UUID: null, not \"\"")
	assert.Equal(t, card.MemoryBytes, *d.Memory.Total)
	assert.Equal(t, card.MemoryBytes, *d.Memory.Free)
	assert.Nil(t, d.Memory.Reserved)
	assert.NotNil(t, d.Processes)

	require.Len(t, s.Fits, len(models)*len(fit.Precisions), "one per model × precision")
	b := fit.Budget{FreeBytes: card.MemoryBytes, TotalBytes: card.MemoryBytes, BandwidthBytesPerS: *card.BandwidthBytesPerS, GPUs: 1}
	for i, f := range s.Fits {
		m, p := models[i/len(fit.Precisions)], fit.Precisions[i%len(fit.Precisions)]
		rt := fit.VLLM
		if strings.HasPrefix(string(p), "q") { // the GGUF types
			rt = fit.LlamaCpp
		}
		v := fit.Grade(m, fit.Request{Precision: p, Runtime: rt, Context: 32 << 10}, b)
		assert.Equal(t, m.ID, f.Model)
		assert.Equal(t, string(p), f.Precision)
		assert.Equal(t, string(rt), f.Runtime)
		assert.Equal(t, v.Reason, f.Reason)
		assert.Equal(t, 32<<10, f.Context)
		if v.Reason != "" {
			assert.Equal(t, "n/a", f.Status, "%s at %s cannot be graded: %s", m.ID, p, v.Reason)
		} else {
			assert.Equal(t, v.Status.String(), f.Status, "%s at %s", m.ID, p)
		}
		assert.Equal(t, v.RequiredBytes, f.RequiredBytes, "%s at %s", m.ID, p)
		assert.Equal(t, v.MaxContext, f.MaxContext, "%s at %s", m.ID, p)
	}
}

func TestSnapshotTextGroupsModelsAndShowsTheBanner(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "--gpu", "pro6000", "snapshot")
	require.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "planning for RTX PRO 6000 Blackwell Workstation: not a live reading\n"), out)
	assert.Contains(t, out, "GPU 0  RTX PRO 6000 Blackwell Workstation")
	assert.Contains(t, out, "used 0.0 GiB  reserved n/a  free 95.6 GiB  of 95.6 GiB")
	assert.Contains(t, out, "Models at native precision under vllm, 8K context, on GPU 0 (95.6 GiB free):")
	assert.Regexp(t, `(?m)^  fits \(\d+\): `, out)
	for _, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), report.TextWidth, "line too long: %q", line)
	}
}

func TestSnapshotDemoShowsUsedReservedAndFree(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "--demo", "snapshot")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "demo: a scripted scenario, not a live reading")
	assert.Regexp(t, `used \d+\.\d GiB  reserved 0\.6 GiB  free \d+\.\d GiB  of 95\.6 GiB`, out)
}

func TestSnapshotGPUFlag(t *testing.T) {
	for name, tc := range map[string]struct {
		query    string
		wantCode int
		want     string
	}{
		"card name":            {"RTX 4090", 0, "planning for RTX 4090: not a live reading"},
		"alias":                {"rtxpro6000", 0, "planning for RTX PRO 6000 Blackwell Workstation: not a live reading"},
		"name NVML reports":    {"NVIDIA RTX PRO 6000 Blackwell Workstation Edition", 0, "planning for RTX PRO 6000 Blackwell Workstation: not a live reading"},
		"unique part any case": {"6000 ADA", 0, "planning for RTX 6000 Ada: not a live reading"},
		"ambiguous part":       {"a100 80", 2, `"a100 80" matches several cards: A100 80GB PCIe; A100 80GB SXM`},
		"unknown":              {"voodoo", 2, `no card in the catalogue matches "voodoo"`},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, noGPU, "--gpu", tc.query, "snapshot")
			require.Equal(t, tc.wantCode, code, errOut)
			if tc.wantCode == 0 {
				assert.Contains(t, out, tc.want)
				return
			}
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line")
		})
	}
}

func TestSnapshotDeviceOutOfRangeIsAUsageError(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "--gpu", "4090", "snapshot", "--device", "1")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "--device 1: there is no such GPU (there is one GPU: 0)")
}

func TestSnapshotWithoutAGPUExitsThree(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "snapshot", "--json")
	assert.Equal(t, 3, code)
	assert.Empty(t, out)
	if gpu.NVMLAvailable {
		assert.Contains(t, errOut, "NVML library not found")
		assert.Contains(t, errOut, "/nonexistent/libnvidia-ml.so.1")
	} else {
		assert.Contains(t, errOut, "built without cgo")
	}
	assert.Contains(t, errOut, "--gpu NAME")
}

func TestSnapshotTextAndJSONAgreeOnWhatCannotBeGraded(t *testing.T) {
	// A checkpoint quantised in a way headroom does not model, and of
	// unknown size: its native precision cannot be graded.
	cat := writeFile(t, "models.json", `[{"id": "x/bnb-model", "name": "bnb-model", "hidden_size": 4096, "num_hidden_layers": 32,
"num_attention_heads": 32, "vocab_size": 32000, "intermediate_size": 11008, "max_position_embeddings": 32768,
"quantization_config": {"quant_method": "bitsandbytes"}}]`)
	code, out, errOut := runCLI(t, noGPU, "--models", cat, "--gpu", "4090", "snapshot", "--json")
	require.Equal(t, 0, code, errOut)
	s := decodeSnapshot(t, out)
	require.NotEmpty(t, s.Fits)
	native := s.Fits[0]
	require.Equal(t, "native", native.Precision)
	assert.Equal(t, "n/a", native.Status)
	assert.Contains(t, native.Reason, "not modelled")

	code, out, errOut = runCLI(t, noGPU, "--models", cat, "--gpu", "4090", "snapshot")
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, out, "too big", "a model that cannot be graded is not too big")
	assert.Contains(t, out, "n/a, cannot be graded (1): bnb-model (the checkpoint's quantisation is not modelled")
}
