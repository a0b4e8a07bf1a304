package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/headroom-dev/headroom/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSnapshotOnADriverBeforeR510 runs headroom against fake libraries
// that lack what older drivers lack. Calling a function the library does
// not export would kill headroom with "symbol lookup error" (exit 127), so
// this proves that nothing missing is called and that memory and processes
// come through the older calls.
func TestSnapshotOnADriverBeforeR510(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	v1Lists := append(fakenvml.PreR510(), "nvmlDeviceGetComputeRunningProcesses_v2",
		"nvmlDeviceGetGraphicsRunningProcesses_v2", "nvmlDeviceGetMPSComputeRunningProcesses_v2")
	for name, omit := range map[string][]string{
		"no v2 memory, v2 process lists": fakenvml.PreR510(),
		"no v2 memory, v1 process lists": v1Lists,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lib := fakenvml.BuildWithout(t, omit...)
			card := fakenvml.RTXPro6000()
			card.Used = 40 << 30
			card.Processes = []fakenvml.Process{
				{PID: 1<<31 - 2, Used: 39 << 30, Name: "vllm"},
				{PID: 1<<31 - 3, Used: 512 << 20, Graphics: true, Name: "Xorg"},
			}
			state := filepath.Join(t.TempDir(), "state")
			require.NoError(t, fakenvml.WriteState(state, fakenvml.State{DriverVersion: "470.256.02", CUDAVersion: 11040, Devices: []fakenvml.Device{card}}))
			env := fakenvml.Env(lib, state)
			const note = "GPU 0: memory from NVML's v1 call, as this driver predates the v2 call (R510), so used includes the driver's reserved memory"

			code, out, errOut := runHeadroom(t, env, "snapshot", "--json")
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			s := decodeSnapshot(t, out)
			require.Len(t, s.Devices, 1)
			d := s.Devices[0]
			assert.Equal(t, "v1", d.MemorySource)
			assert.Equal(t, card.Total, *d.Memory.Total)
			assert.Nil(t, d.Memory.Reserved, "v1 cannot tell the reservation apart")
			assert.Equal(t, card.Reserved+card.Used, *d.Memory.Used, "v1's used includes the reservation")
			assert.Equal(t, card.Total-card.Reserved-card.Used, *d.Memory.Free)
			assert.Contains(t, s.Notes, note)
			require.Len(t, d.Processes, 2, "processes come through the older list calls")
			assert.Equal(t, "vllm", *d.Processes[0].Name)
			assert.Equal(t, uint64(39<<30), *d.Processes[0].Used)
			assert.Equal(t, "Xorg", *d.Processes[1].Name)
			assert.Equal(t, uint64(512<<20), *d.Processes[1].Used)
			assert.NotEmpty(t, s.Fits, "v1 memory is graded")

			code, out, errOut = runHeadroom(t, env, "snapshot")
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, words(out), note, "the note is printed, wrapped")
			assert.Contains(t, out, "driver 470.256.02, CUDA 11.4")
			assert.Contains(t, out, "used 40.6 GiB  reserved n/a  free 55.0 GiB  of 95.6 GiB")
			assert.Regexp(t, `2147483646\s+39\.0 GiB\s+n/a\s+vllm`, out)
		})
	}
}

// TestSnapshotOfReadingsNoCardGives runs headroom against a fake driver
// answering what no real reading is: NVML's "not available" sentinel
// (0xFFFFFFFF, or -1 for the compute capability) and memory figures that
// cannot be. Each must be absent (null, n/a), never a number.
func TestSnapshotOfReadingsNoCardGives(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	const notAvailable = 1<<32 - 1

	run := func(t *testing.T, card fakenvml.Device, args ...string) (string, string) {
		t.Helper()
		state := filepath.Join(t.TempDir(), "state")
		require.NoError(t, fakenvml.WriteState(state, fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}}))
		code, out, errOut := runHeadroom(t, fakenvml.Env(lib, state), args...)
		require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		return out, errOut
	}

	t.Run("not available", func(t *testing.T) {
		t.Parallel()
		card := fakenvml.RTXPro6000()
		card.UtilizationPercent, card.PowerMW, card.PowerLimitMW = notAvailable, notAvailable, notAvailable
		card.ComputeCapability = [2]int{-1, -1}

		out, _ := run(t, card, "snapshot", "--json")
		d := decodeSnapshot(t, out).Devices[0]
		assert.Nil(t, d.Utilization)
		assert.Nil(t, d.PowerW)
		assert.Nil(t, d.PowerLimitW)
		assert.Nil(t, d.ComputeCapability)
		assert.Equal(t, 34, *d.TemperatureC, "a real reading beside them is kept")
		assert.False(t, strings.Contains(out, "4294967"), "a sentinel reached the JSON")

		out, _ = run(t, card, "snapshot")
		assert.Contains(t, out, "GPU 0  NVIDIA RTX PRO 6000 Blackwell Workstation Edition  (Blackwell)\n")
		assert.Contains(t, out, "load       n/a  34 °C  n/a / n/a\n")
		assert.NotContains(t, out, "4294967")
		assert.NotContains(t, out, "-1.-1")

		card.UtilizationPercent, card.TemperatureC = 5, notAvailable
		out, _ = run(t, card, "snapshot")
		assert.Contains(t, out, "load       5%  n/a  n/a / n/a\n")
	})

	for name, tc := range map[string]struct {
		total, reserved uint64
		note            string
	}{
		"total 2^64-1": {total: 1<<64 - 1,
			note: "GPU 0: NVML reports a total of 18446744073709551615 bytes, which no card has, so its memory is shown as unreadable and nothing is graded against it"},
		"reserved over total": {total: 80 << 30, reserved: 1<<64 - 1,
			note: "GPU 0: NVML reports 18446744073709551615 bytes reserved, more than the total of 85899345920, which no card has, so its memory is shown as unreadable and nothing is graded against it"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			card := fakenvml.RTXPro6000()
			card.Total, card.Reserved, card.Used = tc.total, tc.reserved, 0

			out, _ := run(t, card, "snapshot", "--json")
			s := decodeSnapshot(t, out)
			m := s.Devices[0].Memory
			assert.Nil(t, m.Total)
			assert.Nil(t, m.Reserved)
			assert.Nil(t, m.Used)
			assert.Nil(t, m.Free)
			assert.Empty(t, s.Fits, "nothing is graded")
			assert.Equal(t, []string{tc.note, "not graded: GPU 0 has no memory reading"}, s.Notes)

			out, _ = run(t, card, "snapshot")
			assert.Contains(t, words(out), tc.note, "the note is printed, wrapped")
			assert.Contains(t, out, "memory     used n/a  reserved n/a  free n/a  of n/a\n")
			assert.NotContains(t, out, "Models at native precision")
		})
	}
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
	b := fit.Budget{FreeBytes: card.MemoryBytes, TotalBytes: card.MemoryBytes, BandwidthBytesPerS: *card.BandwidthBytesPerS, GPUs: 1,
		Compute: fit.ParseCapability(*card.ComputeCapability)}
	for i, f := range s.Fits {
		m, p := models[i/len(fit.Precisions)], fit.Precisions[i%len(fit.Precisions)]
		rt := fit.RuntimeFor(p, fit.VLLM) // the GGUF types under llama.cpp
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
	assert.Contains(t, errOut, "use --gpu NAME to plan for a card, or --demo", "says what to do instead")
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
