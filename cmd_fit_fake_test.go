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

// fitAgainst runs headroom fit --json in its own process against the fake
// driver in state, and returns the report.
func fitAgainst(t *testing.T, lib string, st fakenvml.State, args ...string) map[string]any {
	t.Helper()
	state := filepath.Join(t.TempDir(), "state")
	require.NoError(t, fakenvml.WriteState(state, st))
	code, out, errOut := runHeadroom(t, fakenvml.Env(lib, state), append([]string{"fit", "--json"}, args...)...)
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	return rep
}

func TestFitGradesOnlyGPUsThatCanBeGraded(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	healthy, lost := fakenvml.RTXPro6000(), fakenvml.RTXPro6000()
	lost.UUID, lost.Lost = "GPU-lost", true
	two := fakenvml.State{DriverVersion: "580.95.05", Devices: []fakenvml.Device{healthy, lost}}

	t.Run("tensor parallel over a lost GPU", func(t *testing.T) {
		rep := fitAgainst(t, lib, two, "meta-llama/Llama-3.3-70B-Instruct", "--tp", "2")
		assert.Nil(t, rep["status"], "not graded")
		assert.Nil(t, rep["launch"], "no command line over a lost GPU")
		notes, _ := json.Marshal(rep["notes"])
		assert.Contains(t, string(notes), "needs 2 that can be graded; 1 of 2 can (GPU 1 is lost")
	})
	t.Run("one GPU of two, the other lost", func(t *testing.T) {
		rep := fitAgainst(t, lib, two, "Qwen/Qwen3-32B")
		assert.Equal(t, "fits", rep["status"], "GPU 0 still answers")
	})
	t.Run("MIG", func(t *testing.T) {
		mig := fakenvml.RTXPro6000()
		mig.MIG = true
		rep := fitAgainst(t, lib, fakenvml.State{Devices: []fakenvml.Device{mig}}, "Qwen/Qwen3-32B")
		assert.Nil(t, rep["status"], "a MIG card is not graded as a whole")
		notes, _ := json.Marshal(rep["notes"])
		assert.Contains(t, string(notes), "MIG on: a model must fit one MIG instance")
	})
}
