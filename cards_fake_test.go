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

// TestCardsJudgesTheLiveCard reads the card's name from the fake driver:
// a card in the catalogue is judged; any other falls back to the default
// card, saying which GPU was seen.
func TestCardsJudgesTheLiveCard(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	for name, tc := range map[string]struct {
		device, wantCard, wantChosen, wantNote string
	}{
		"in the catalogue":     {"NVIDIA H100 NVL", "H100 NVL", "live GPU", ""},
		"not in the catalogue": {"NVIDIA Mystery 9000", gpu.DefaultCard, "default", `the live GPU "NVIDIA Mystery 9000" is not in the card catalogue`},
	} {
		t.Run(name, func(t *testing.T) {
			d := fakenvml.RTXPro6000()
			d.Name = tc.device
			state := filepath.Join(t.TempDir(), "state")
			require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{d}}))
			code, out, errOut := runHeadroom(t, fakenvml.Env(lib, state), "cards", "--json")
			require.Equal(t, 0, code, errOut)
			var rep struct {
				Verdict cardVerdictJSON `json:"verdict"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
			assert.Equal(t, tc.wantCard, rep.Verdict.Name)
			assert.Equal(t, tc.wantChosen, rep.Verdict.ChosenBy)
			if tc.wantNote == "" {
				assert.Nil(t, rep.Verdict.Note)
			} else {
				require.NotNil(t, rep.Verdict.Note)
				assert.Equal(t, tc.wantNote, *rep.Verdict.Note)
			}
		})
	}
}
