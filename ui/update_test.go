package ui

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

func TestWindowSizeIsKept(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 80, 24, liveSnapshot(40))
	m = update(m, tea.WindowSizeMsg{Width: 133, Height: 41})
	assert.Equal(t, 133, m.com.width)
	assert.Equal(t, 41, m.com.height)
	assert.Len(t, strings.Split(m.View().Content, "\n"), 41)
}

// Sampling: Init samples at once; each sample schedules exactly one more,
// after the interval. Keys and resizes never start a sample, so samples
// cannot stack up.
func TestSamplingCycle(t *testing.T) {
	snap := liveSnapshot(40)
	m := New(Config{Source: fixedSource{snap}, Models: catalogue(t, goldenModels...), Interval: 100 * time.Millisecond, NoColor: true})
	msg := m.Init()()
	got, ok := msg.(sampleMsg)
	require.True(t, ok, "Init's command samples the source, got %T", msg)
	assert.Equal(t, snap.Devices, got.snap.Devices)

	next, cmd := m.Update(got)
	require.NotNil(t, cmd, "a sample schedules the next")
	m = next.(Model)
	assert.True(t, m.sampled)
	_, ok = cmd().(sampleMsg)
	assert.True(t, ok, "after the interval, the next sample")

	for _, msg := range []tea.Msg{keyMsg("j"), tea.WindowSizeMsg{Width: 80, Height: 24}} {
		_, cmd := m.Update(msg)
		assert.Nil(t, cmd, "%T must not start a sample", msg)
	}
}

// sameDevices must compare every field of a Device: a new field has to be
// added there, or a change to it would not redraw the screen.
func TestSameDevicesSeesEveryField(t *testing.T) {
	assert.Equal(t, 16, reflect.TypeOf(gpu.Device{}).NumField(), "gpu.Device changed: update sameDevices and this count")
	a := liveSnapshot(40).Devices
	assert.True(t, sameDevices(a, liveSnapshot(40).Devices))
	b := liveSnapshot(40).Devices
	b[0].Processes[1].Name = "other"
	assert.False(t, sameDevices(a, b))
	c := liveSnapshot(40).Devices
	c[0].TemperatureC.Value++
	assert.False(t, sameDevices(a, c))
}

// The next tick comes one interval after the last sample began, never
// sooner than minTickGap.
func TestTickDelay(t *testing.T) {
	for name, c := range map[string]struct{ interval, took, want time.Duration }{
		"fast sample": {time.Second, 10 * time.Millisecond, 990 * time.Millisecond},
		"slow sample": {time.Second, 3 * time.Second, minTickGap},
		"10 Hz":       {100 * time.Millisecond, 20 * time.Millisecond, 80 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, c.want, tickDelay(c.interval, c.took))
		})
	}
}

// A sample that changes nothing leaves the screen as it was; one that
// changes memory redraws it.
func TestScreenChangesOnlyWithTheData(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 100, 30, liveSnapshot(40))
	for range historyLen { // fill the sparkline, so it no longer grows
		m = update(m, sampleMsg{snap: liveSnapshot(40)})
	}
	before := m.View().Content
	m = update(m, sampleMsg{snap: liveSnapshot(40)})
	assert.Equal(t, before, m.View().Content)
	m = update(m, sampleMsg{snap: liveSnapshot(60)})
	assert.NotEqual(t, before, m.View().Content)
}

// A failed sample keeps the last reading on screen with a banner, and the
// banner goes when sampling recovers.
func TestFailedSampleKeepsLastReading(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 100, 30, liveSnapshot(40))
	m = update(m, sampleMsg{err: errors.New("driver timed out")})
	assert.Contains(t, screen(m), "sampling failed: driver timed out; showing the last reading")
	assert.Contains(t, screen(m), "free 55.0")
	m = update(m, sampleMsg{snap: liveSnapshot(40)})
	assert.NotContains(t, screen(m), "sampling failed")
}

func TestMatrixKeys(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(40))
	first, _ := m.matrix.selected()
	m = press(m, "j")
	second, _ := m.matrix.selected()
	assert.NotEqual(t, first, second, "j moves down")
	m = press(m, "up")
	got, _ := m.matrix.selected()
	assert.Equal(t, first, got, "up moves back")

	assert.Equal(t, fit.Native, m.matrix.precision())
	m = press(m, "l")
	assert.Equal(t, fit.FP8, m.matrix.precision())
	m = press(m, "left", "left")
	assert.Equal(t, fit.Native, m.matrix.precision(), "the cursor stops at the first column")

	m = press(m, "a")
	assert.Contains(t, lineWith(m, "MODEL"), "gptq8", "a shows every precision")
	for range fit.Precisions {
		m = press(m, "l")
	}
	assert.Equal(t, fit.Q2_K, m.matrix.precision(), "the last column")
	assert.Contains(t, lineWith(m, "MODEL"), "q2_k", "the columns scroll to the cursor")
	m = press(m, "a")
	assert.NotContains(t, lineWith(m, "MODEL"), "gptq8")
}

func TestContextRuntimeAndSortKeys(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(40))
	assert.Contains(t, screen(m), "context 8K · vllm")
	m = press(m, "c")
	assert.Contains(t, screen(m), "context 32K")
	m = press(m, "c", "c")
	assert.Contains(t, screen(m), "context model max")
	m = press(m, "c")
	assert.Contains(t, screen(m), "context 4K", "c wraps round")
	m = press(m, "C")
	assert.Contains(t, screen(m), "context model max", "C goes back")

	m = press(m, "r")
	assert.Contains(t, screen(m), "llama.cpp (fp8, nvfp4: vllm)", "llama.cpp cannot load fp8 or int8: vLLM grades them")
	assert.NotContains(t, lineWith(m, "Qwen3-32B"), symbolNA)
	m = press(m, "r", "r")
	assert.Contains(t, screen(m), "· vllm (q4_k_m: llama.cpp) ·", "vLLM cannot load GGUF: llama.cpp grades it")
	assert.NotContains(t, lineWith(m, "Qwen3-32B"), symbolNA)
	m = press(m, "a")
	assert.Contains(t, screen(m), "· vllm (GGUF: llama.cpp) ·", "all eight GGUF types named by their kind")
	m = press(m, "r")
	assert.Contains(t, screen(m), "llama.cpp (non-GGUF: vllm) ·")
	m = press(m, "r", "r", "a")

	names := func(m Model) []string {
		var out []string
		for _, i := range m.matrix.rows {
			out = append(out, m.cfg.Models[i].Name)
		}
		return out
	}
	bySize := names(m)
	m = press(m, "s")
	assert.Contains(t, screen(m), "sort name")
	byName := names(m)
	assert.NotEqual(t, bySize, byName)
	assert.IsNonDecreasing(t, lower(byName))
	m = press(m, "s")
	assert.Contains(t, screen(m), "sort headroom")
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func TestFilter(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(40))
	m = press(m, "/", "q", "w", "e", "n")
	assert.True(t, m.filtering)
	assert.Len(t, m.matrix.rows, 2, "Qwen3-32B and Qwen3-30B-A3B")
	assert.Contains(t, screen(m), "/qwen")
	m = press(m, "backspace", "backspace", "backspace", "enter")
	assert.False(t, m.filtering)
	assert.Equal(t, "q", m.matrix.filter)
	m = press(m, "/", "z", "z", "z")
	assert.Contains(t, screen(m), "no model matches")
	m = press(m, "esc")
	assert.Empty(t, m.matrix.filter)
	assert.Len(t, m.matrix.rows, len(goldenModels))
	_, ok := m.matrix.selected()
	assert.True(t, ok)
}

func TestPanelsAndHelp(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(40))
	m = press(m, "P")
	s := screen(m)
	assert.Contains(t, s, "Processes on GPU 0, largest first")
	assert.Less(t, strings.Index(s, "python3"), strings.Index(s, "jupyter-lab"), "largest first")
	assert.Contains(t, lineWith(m, "Xorg"), "n/a", "unknown memory is n/a, not 0")
	m = press(m, "P", "?")
	assert.Contains(t, screen(m), "tensor parallel")
	m = press(m, "?")
	assert.NotContains(t, screen(m), "tensor parallel")
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := newTestModel(t, catalogue(t, goldenModels...), 80, 24, liveSnapshot(40))
		_, cmd := m.Update(keyMsg(k))
		require.NotNil(t, cmd, k)
		assert.Equal(t, tea.QuitMsg{}, cmd(), k)
	}
	m := newTestModel(t, catalogue(t, goldenModels...), 80, 24, liveSnapshot(40))
	m = press(m, "/")
	_, cmd := m.Update(keyMsg("q"))
	assert.Nil(t, cmd, "q while filtering types a q")
}

// Two GPUs: g picks the GPU the matrix is for, t splits models over both.
func TestGPUAndTensorParallelKeys(t *testing.T) {
	snap := liveSnapshot(80)
	idle := rtxPro6000(0)
	idle.Index, idle.UUID, idle.Processes = 1, "GPU-test-1", nil
	snap.Devices = append(snap.Devices, idle)
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, snap)
	m = selectModel(t, m, "Qwen3-32B")
	busy := m.matrix.verdict(mustSelected(t, m), fit.Native)
	m = press(m, "g")
	assert.Equal(t, 1, m.sel.gpu)
	free := m.matrix.verdict(mustSelected(t, m), fit.Native)
	assert.Equal(t, fit.NeedsFreeing, busy.Status)
	assert.Equal(t, fit.Fits, free.Status)

	m = selectModel(t, press(m, "g"), "Llama-3.3-70B")
	m = press(m, "t")
	assert.Contains(t, screen(m), "TP 2")
	assert.Equal(t, 2, m.matrix.grid.key.tp)
	m = press(m, "g", "t")
	assert.Contains(t, screen(m), "1 GPU")
	assert.Equal(t, 1, m.matrix.grid.key.tp)

	one := press(newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(40)), "t")
	assert.Contains(t, screen(one), "tensor parallel needs two or more GPUs")
	assert.False(t, one.sel.tp)
}

func mustSelected(t *testing.T, m Model) int {
	t.Helper()
	i, ok := m.matrix.selected()
	require.True(t, ok)
	return i
}

// A watched model raises a banner and rings the bell when a sample makes
// it stop or start fitting; --no-bell keeps the banner only.
func TestWatchAlerts(t *testing.T) {
	for _, noBell := range []bool{false, true} {
		m := New(Config{Source: fixedSource{}, Models: catalogue(t, goldenModels...), NoColor: true, NoBell: noBell})
		m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		m = update(m, sampleMsg{snap: liveSnapshot(0)})
		m = selectModel(t, m, "Qwen3-32B")
		m = press(m, "p")
		assert.Contains(t, screen(m), "watching Qwen3-32B at native")
		assert.Contains(t, screen(m), "◆ Qwen3-32B ", "the watched row is marked")

		next, cmd := m.Update(sampleMsg{snap: liveSnapshot(40)})
		m = next.(Model)
		assert.Contains(t, screen(m), "▼ Qwen3-32B (native) no longer fits at 8K")
		assert.Equal(t, !noBell, batchHas(cmd, tea.RawMsg{Msg: "\a"}), "bell with NoBell %v", noBell)

		m = press(m, "j")
		assert.NotContains(t, screen(m), "no longer fits", "a key dismisses the alert")
		next, cmd = m.Update(sampleMsg{snap: liveSnapshot(0)})
		m = next.(Model)
		assert.Contains(t, screen(m), "▲ Qwen3-32B (native) fits now at 8K")
		assert.Equal(t, !noBell, batchHas(cmd, tea.RawMsg{Msg: "\a"}))

		// A change of context is the user's doing: no alert.
		m = press(m, "c", "c", "c")
		next, cmd = m.Update(sampleMsg{snap: liveSnapshot(1)})
		assert.False(t, batchHas(cmd, tea.RawMsg{Msg: "\a"}))
		assert.NotContains(t, screen(next.(Model)), "fits now at")
	}
}

// batchHas runs a command (a batch included) and reports whether it
// produced want. Tick commands, which sleep, are not run.
func batchHas(cmd tea.Cmd, want tea.Msg) bool {
	if cmd == nil {
		return false
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(100 * time.Millisecond):
		return false // a tick
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if batchHas(c, want) {
				return true
			}
		}
		return false
	}
	return reflect.DeepEqual(msg, want)
}

// y copies the launch command for the chosen runtime through OSC 52.
func TestCopyLaunchCommand(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(0))
	m = selectModel(t, m, "Qwen3-32B")
	next, cmd := m.Update(keyMsg("y"))
	m = next.(Model)
	require.NotNil(t, cmd)
	f := m.focus()
	want := fit.Launch(f.model, f.request, f.verdict, f.budget).VLLM.Command
	require.True(t, strings.HasPrefix(want, "vllm serve Qwen/Qwen3-32B --max-model-len 8192"), want)
	assert.Equal(t, tea.SetClipboard(want)(), cmd())
	assert.Contains(t, screen(m), "copied (OSC 52): vllm serve Qwen/Qwen3-32B")
}

// Planning, demo, a lost GPU and a limited process list each get a
// banner, and none of them hides the matrix.
func TestBanners(t *testing.T) {
	lost := liveSnapshot(40)
	gone := rtxPro6000(0)
	gone.Index, gone.UUID, gone.Lost, gone.Memory = 1, "GPU-test-1", true, gpu.Memory{}
	lost.Devices = append(lost.Devices, gone)
	limited := liveSnapshot(40)
	limited.Devices[0].Processes = nil
	limited.Devices[0].ProcessNote = "no permission to list this GPU's processes (run as root to see them)"
	for name, c := range map[string]struct {
		snap gpu.Snapshot
		want string
	}{
		"planning":   {planningSnapshot(t), "planning for RTX PRO 6000 Blackwell Workstation: not a live reading"},
		"demo":       {demoSnapshot(t), "demo: a scripted scenario, not a live reading"},
		"lost GPU":   {lost, "GPU 1 is lost"},
		"permission": {limited, "GPU 0: no permission to list this GPU's processes"},
	} {
		t.Run(name, func(t *testing.T) {
			for _, sz := range [][2]int{{120, 40}, {80, 24}} {
				m := newTestModel(t, catalogue(t, goldenModels...), sz[0], sz[1], c.snap)
				assert.Contains(t, screen(m), c.want)
				assert.Contains(t, screen(m), "Qwen3-32B", "the matrix still shows")
			}
		})
	}
}

func TestCardsViewMarksTheLiveCardAndFollowsTheSelection(t *testing.T) {
	m := newTestModel(t, catalogue(t), 120, 40, liveSnapshot(40))
	assert.NotContains(t, screen(m), "Cards, graded empty")
	m = press(m, "v")
	assert.Contains(t, screen(m), "Cards, graded empty: native · vllm · 8K context")
	live := lineWith(m, "▶")
	assert.Contains(t, live, "RTX PRO 6000 Blackwell Workst", "the card NVML reports is marked")

	// The counts are the fit engine's for the empty card.
	table, err := fit.CompareCards(m.cfg.Models, catalog.Specs(m.cfg.Cards), fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8 << 10})
	require.NoError(t, err)
	row, ok := table.Row("RTX PRO 6000 Blackwell Workstation")
	require.True(t, ok)
	assert.Contains(t, live, fmt.Sprintf(" %d  ", row.FittingModels()))

	m = press(m, "c") // 32K: fewer models fit each card
	assert.Contains(t, screen(m), "· 32K context")
	m = press(m, "v")
	assert.NotContains(t, screen(m), "Cards, graded empty", "v closes the view")
}

// A GPU the card catalogue does not hold is a row of its own, graded from
// the driver's memory, never marked as a card whose name contains its own.
func TestCardsViewGradesAnUnlistedGPUFromItsMemory(t *testing.T) {
	snap := liveSnapshot(0)
	d := &snap.Devices[0]
	d.Name = "NVIDIA L4"
	d.Memory.Total, d.Memory.Reserved, d.Memory.Used = gpu.Read(uint64(23034<<20)), gpu.Read(uint64(0)), gpu.Read(uint64(0))
	d.Memory.Free, d.Processes = d.Memory.Total, nil
	m := newTestModel(t, catalogue(t), 120, 40, snap)
	m = press(m, "v")
	live := lineWith(m, "▶")
	assert.Contains(t, live, "NVIDIA L4")
	assert.Contains(t, live, "22.5G", "its own memory")
	assert.NotContains(t, live, "L40S")
	assert.Contains(t, screen(m), "not in the card catalogue")
	m = press(m, "v")
	assert.Contains(t, screen(m), "decode speed: unknown (NVIDIA L4 is not in the card catalogue)")
}

// At NVFP4 the cards view marks the cards that run it only weight-only.
func TestCardsViewMarksWeightOnlyCards(t *testing.T) {
	m := newTestModel(t, catalogue(t), 120, 60, liveSnapshot(40))
	m = press(m, "l")
	m = press(m, "l")
	m = press(m, "v")
	require.Contains(t, screen(m), "Cards, graded empty: nvfp4 · vllm")
	assert.Contains(t, lineWith(m, "A100 80GB SXM"), "A100 80GB SXM ‡", "Ampere has no FP4 tensor cores")
	assert.NotContains(t, lineWith(m, "RTX PRO 6000 Blackwell Workst"), "‡", "Blackwell has")
	assert.Contains(t, screen(m), "‡ runs nvfp4 weight-only")
}

// At every size a planned or demo screen says so, and the keys work: the
// narrow list scrolls with j and k and shows the keys on ?, esc closes
// what is open, the card view scrolls, and g with one GPU says why it does
// nothing.
func TestSmallPanesKeepTheirMarkAndTheirKeys(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {30, 3}, {50, 14}} {
		m := newTestModel(t, catalogue(t), size[0], size[1], planningSnapshot(t))
		assert.Contains(t, screen(m), "planning", "%dx%d", size[0], size[1])
		m = newTestModel(t, catalogue(t), size[0], size[1], demoSnapshot(t))
		assert.Contains(t, screen(m), "demo", "%dx%d", size[0], size[1])
	}

	m := newTestModel(t, catalogue(t), 50, 14, liveSnapshot(0))
	first := lineWith(m, "j/k scroll")
	require.NotEmpty(t, first, "the list says it scrolls")
	assert.Contains(t, first, "1–")
	m = press(m, "j", "j")
	assert.Contains(t, lineWith(m, "j/k scroll"), "3–", "j scrolls the narrow list")
	m = press(m, "k")
	assert.Contains(t, lineWith(m, "j/k scroll"), "2–")
	m = press(m, "?")
	assert.Contains(t, screen(m), "keys (? or esc closes, q quits)")
	assert.Contains(t, screen(m), "c       context")
	m = press(m, "esc")
	assert.NotContains(t, screen(m), "keys (? or esc closes", "esc closes the keys")

	m = newTestModel(t, catalogue(t), 120, 40, liveSnapshot(0))
	m = press(m, "?")
	assert.Contains(t, screen(m), "esc or ? closes this help")
	m = press(m, "esc")
	assert.NotContains(t, screen(m), "esc or ? closes this help")
	m = press(m, "g")
	assert.Contains(t, screen(m), "g moves to the next GPU: there is only one")

	m = newTestModel(t, catalogue(t), 120, 24, liveSnapshot(0))
	m = press(m, "v")
	top := lineWith(m, "j/k scroll")
	require.NotEmpty(t, top, "more cards than rows: the view says it scrolls")
	assert.Contains(t, top, "cards 1–")
	m = press(m, "j", "j")
	assert.Contains(t, lineWith(m, "j/k scroll"), "cards 3–")
	m = press(m, "esc")
	assert.NotContains(t, screen(m), "Cards, graded empty", "esc closes the card view")
}

// Inside tmux, y copies through tmux too and says which way it went; when
// tmux refuses, it says the copy went by OSC 52 only.
func TestCopyThroughTmux(t *testing.T) {
	m := newTestModel(t, catalogue(t, goldenModels...), 120, 40, liveSnapshot(0))
	m.cfg.Tmux = "/nonexistent/tmux"
	m = selectModel(t, m, "Qwen3-32B")
	next, cmd := m.Update(keyMsg("y"))
	m = next.(Model)
	require.NotNil(t, cmd)
	assert.Contains(t, screen(m), "copying into tmux's buffer")
	m = update(m, copiedMsg{text: "vllm serve x", err: errors.New("exec: not found")})
	assert.Contains(t, screen(m), "copied by OSC 52 only (tmux load-buffer failed: exec: not found): vllm serve x")
	m = update(m, copiedMsg{text: "vllm serve x", how: "into tmux's buffer and, through tmux, the clipboard"})
	assert.Contains(t, screen(m), "copied into tmux's buffer and, through tmux, the clipboard: vllm serve x")
}

// A spike between two glances is not lost: the gauge marks the peak and
// the header says when, each process keeps its peak, the detail pane says
// whether the selected model would have loaded at the lowest free memory,
// and R starts again.
func TestPeaksOfAnExperiment(t *testing.T) {
	m := newTestModel(t, catalogue(t), 160, 48, liveSnapshot(10))
	m = selectModel(t, m, "Qwen3-32B")
	require.Equal(t, fit.Fits, m.focus().verdict.Status, "Qwen3-32B fits with 10 GiB used")
	spike := liveSnapshot(80)
	spike.Time = spike.Time.Add(5 * time.Second)
	m = update(m, sampleMsg{snap: spike})
	after := liveSnapshot(10)
	after.Time = spike.Time.Add(5 * time.Second)
	m = update(m, sampleMsg{snap: after})

	s := screen(m)
	assert.Contains(t, s, "peak 80.0 at "+spike.Time.Format("15:04:05"))
	assert.Contains(t, lineWith(m, "used 10.0"), gaugePeakMark, "the gauge marks the peak beyond what is used now")
	low := "lowest free " + fit.FormatGiB(spike.Devices[0].Memory.Free.Value) + " at " + spike.Time.Format("15:04:05") +
		": Qwen3-32B native would not have loaded then"
	assert.Contains(t, s, low)

	m = press(m, "P")
	assert.Contains(t, lineWith(m, "4242"), "78.0", "the process's peak, 80 GiB used less the notebook's 2")
	m = press(m, "P")

	m = press(m, "R")
	assert.Contains(t, screen(m), "peaks reset")
	m = press(m, "j", "k")
	s = screen(m)
	assert.NotContains(t, s, "peak 80.0")
	assert.NotContains(t, s, "lowest free")
}
