package ui

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// goldenModels are the catalogue entries the golden screens show: dense
// and MoE, GQA and MHA, short and long context, small and too big.
var goldenModels = []string{
	"Qwen/Qwen3-32B", "Qwen/Qwen3-30B-A3B", "meta-llama/Llama-3.3-70B-Instruct", "01-ai/Yi-34B",
	"mistralai/Mixtral-8x22B-v0.1", "openai/gpt-oss-120b", "CohereForAI/c4ai-command-r-v01",
}

// catalogue loads the shipped model catalogue; with ids, only those models.
func catalogue(tb testing.TB, ids ...string) []fit.Model {
	tb.Helper()
	f, err := os.Open("../models.json")
	require.NoError(tb, err)
	defer f.Close()
	all, err := fit.Load(f, "models.json")
	require.NoError(tb, err)
	if len(ids) == 0 {
		return all
	}
	var out []fit.Model
	for _, m := range all {
		if slices.Contains(ids, m.ID) {
			out = append(out, m)
		}
	}
	require.Len(tb, out, len(ids))
	return out
}

// cards loads the shipped card catalogue.
func cards(tb testing.TB) []catalog.Card {
	tb.Helper()
	cs, err := catalog.LoadCards(catalog.File{Flag: "--gpus", Path: "../gpus.json"})
	require.NoError(tb, err)
	return cs
}

// rtxPro6000 is a hand-built reading of a 96 GB card with usedGiB in use,
// held by a model server, a notebook, and a process whose memory the
// driver could not report.
func rtxPro6000(usedGiB uint64) gpu.Device {
	const total, reserved = 97887 << 20, 591 << 20 // nvidia-smi's figures for the card
	used := usedGiB << 30
	return gpu.Device{
		Index: 0, Name: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition", UUID: "GPU-test-0",
		ComputeCapability: "12.0", MemorySource: "v2",
		Memory: gpu.Memory{Total: gpu.Read(uint64(total)), Reserved: gpu.Read(uint64(reserved)),
			Used: gpu.Read(used), Free: gpu.Read(total - reserved - used)},
		UtilizationPercent: gpu.Read(41), TemperatureC: gpu.Read(58), PowerW: gpu.Read(231.0), PowerLimitW: gpu.Read(600.0),
		Processes: []gpu.Process{
			{PID: 4242, Name: "python3", User: "ada", Command: "vllm serve Qwen/Qwen3-30B-A3B", UsedBytes: gpu.Read(used - 2<<30)},
			{PID: 777, Name: "jupyter-lab", User: "grace", UsedBytes: gpu.Read(uint64(2 << 30))},
			{PID: 999, Name: "Xorg", User: "root"},
		},
	}
}

// liveSnapshot is a fixed live reading of one card.
func liveSnapshot(usedGiB uint64) gpu.Snapshot {
	return gpu.Snapshot{Time: time.Unix(1_780_000_000, 0), Source: gpu.KindNVML, DriverVersion: "580.95.05",
		CUDAVersion: "13.0", Devices: []gpu.Device{rtxPro6000(usedGiB)}}
}

// planningSnapshot is planning mode's reading of the default card.
func planningSnapshot(tb testing.TB) gpu.Snapshot {
	tb.Helper()
	c, ok := catalog.Match(cards(tb), catalog.DefaultCard)
	require.True(tb, ok)
	snap, err := catalog.Plan(c, "").Sample(context.Background())
	require.NoError(tb, err)
	return snap
}

// demoSnapshot is the demo scenario 20 s in: the model server loaded.
func demoSnapshot(tb testing.TB) gpu.Snapshot {
	tb.Helper()
	t0 := time.Now()
	d := gpu.NewDemo()
	d.Now = func() time.Time { return t0.Add(20 * time.Second) }
	snap, err := d.Sample(context.Background())
	require.NoError(tb, err)
	return snap
}

// fixedSource is a Source that always returns one snapshot.
type fixedSource struct{ snap gpu.Snapshot }

func (f fixedSource) Sample(context.Context) (gpu.Snapshot, error) { return f.snap, nil }
func (fixedSource) Close() error                                   { return nil }

// newTestModel builds a colourless UI of the given size over models and
// feeds it snap.
func newTestModel(tb testing.TB, models []fit.Model, w, h int, snap gpu.Snapshot) Model {
	tb.Helper()
	m := New(Config{Source: fixedSource{snap}, Models: models, Cards: cards(tb), Interval: time.Second, NoColor: true})
	m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	return update(m, sampleMsg{snap: snap})
}

// update feeds one message and returns the new root model.
func update(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}

// press feeds key presses, each a key name such as "down" or "c".
func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m = update(m, keyMsg(k))
	}
	return m
}

// keyMsg is the key press bubbletea delivers for a key name.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen is the plain text of the model's view.
func screen(m Model) string { return ansi.Strip(m.View().Content) }

// selectModel moves the cursor to the model named name.
func selectModel(tb testing.TB, m Model, name string) Model {
	tb.Helper()
	for range len(m.matrix.rows) {
		if i, ok := m.matrix.selected(); ok && m.cfg.Models[i].Name == name {
			return m
		}
		m = press(m, "down")
	}
	tb.Fatalf("model %q is not in the matrix", name)
	return m
}

// lineWith returns the first screen line holding s.
func lineWith(m Model, s string) string {
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
