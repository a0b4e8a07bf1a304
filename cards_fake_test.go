package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// fakeGPU runs headroom against the fake driver holding one GPU that NVML
// names name, with total bytes of memory, and returns what it printed.
func fakeGPU(t *testing.T, lib, name string, total uint64, args ...string) string {
	t.Helper()
	d := fakenvml.RTXPro6000()
	d.Name, d.Total, d.Reserved = name, total, 0
	state := filepath.Join(t.TempDir(), "state")
	require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{d}}))
	code, out, errOut := runHeadroom(t, fakenvml.Env(lib, state), args...)
	require.Equal(t, 0, code, errOut)
	return out
}

// A GPU the card catalogue holds is judged as that card. One it does not
// hold (an L4, whose name is part of "L40S"; an A10, part of "A100"; a T4)
// is graded from the memory the driver reports, with no bandwidth or
// price, and every command says it is not in the card catalogue rather
// than borrow another card's figures.
func TestCommandsOnAGPUTheCatalogueDoesNotHold(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	t.Run("listed", func(t *testing.T) {
		var rep struct {
			Verdict map[string]any `json:"verdict"`
		}
		out := fakeGPU(t, lib, "NVIDIA H100 NVL", 95830<<20, "cards", "--json")
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		assert.Equal(t, "H100 NVL", rep.Verdict["name"])
		assert.Equal(t, "live GPU", rep.Verdict["chosen_by"])
		assert.Equal(t, true, rep.Verdict["in_catalogue"])
		assert.NotNil(t, rep.Verdict["bandwidth_bytes_per_s"])
	})
	for name, total := range map[string]uint64{
		"NVIDIA L4": 23034 << 20, "NVIDIA A10": 23028 << 20, "Tesla T4": 15360 << 20,
	} {
		t.Run(name, func(t *testing.T) {
			var cards struct {
				Cards   []map[string]any `json:"cards"`
				Verdict map[string]any   `json:"verdict"`
			}
			out := fakeGPU(t, lib, name, total, "cards", "--json")
			require.NoError(t, json.Unmarshal([]byte(out), &cards), out)
			v := cards.Verdict
			assert.Equal(t, name, v["name"])
			assert.Equal(t, "live GPU", v["chosen_by"])
			assert.Equal(t, false, v["in_catalogue"])
			assert.EqualValues(t, total, v["memory_bytes"], "graded from the driver's memory")
			assert.Nil(t, v["bandwidth_bytes_per_s"])
			assert.Nil(t, v["launch_price_usd"])
			found := 0
			for _, c := range cards.Cards {
				if c["name"] == name {
					found++
					assert.Equal(t, false, c["in_catalogue"])
				} else {
					assert.Equal(t, true, c["in_catalogue"], c["name"])
				}
			}
			assert.Equal(t, 1, found, "the live GPU is a row of the comparison")

			text := fakeGPU(t, lib, name, total, "cards")
			assert.Contains(t, text, "Verdict for "+name+" (the live GPU)")
			assert.Contains(t, text, "not in the card catalogue")
			assert.NotContains(t, text, "Verdict for L40S")

			var fitRep map[string]any
			out = fakeGPU(t, lib, name, total, "fit", "Qwen3-32B", "--precision", "q4_k_m", "--json")
			require.NoError(t, json.Unmarshal([]byte(out), &fitRep), out)
			assert.Nil(t, fitRep["decode_tokens_per_s"], "no decode estimate without the card's bandwidth")
			budget := fitRep["budget"].(map[string]any)
			assert.Nil(t, budget["bandwidth_bytes_per_s"])
			assert.Equal(t, name, budget["device"])
			assert.Contains(t, fitRep["notes"], name+" is not in the card catalogue: graded from the driver's memory reading; bandwidth, price and class unknown")

			snap := decodeSnapshot(t, fakeGPU(t, lib, name, total, "snapshot", "--json"))
			assert.Contains(t, snap.Notes, "GPU 0 ("+name+") is not in the card catalogue: graded from the driver's memory reading; bandwidth, price and class unknown")
			assert.NotEmpty(t, snap.Fits, "graded from its memory all the same")
		})
	}
}
