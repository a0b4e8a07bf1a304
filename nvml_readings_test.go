package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
)

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
