package ui

import (
	"fmt"
	"strings"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
)

// focus is what the detail pane describes: the selected model at the
// selected precision, graded against the budget of the moment.
type focus struct {
	model      fit.Model
	ok         bool            // a model is selected and a budget is known
	request    fit.Request     // at the context that can be served
	runtime    fit.Runtime     // the runtime chosen; request's may differ (fit.RuntimeFor)
	asked      int             // the context chosen; more than request's when past the model's limit
	verdict    fit.Verdict     // exact, from fit.Grade
	precisions []fit.Precision // the columns shown, for the max-context line
	budget     fit.Budget
	device     gpu.Device
	card       catalog.Card // the device's card: its catalogue entry, or one built from the driver's figures
	watched    bool
	found      *local.Found // where the model is on this machine; nil for the catalogue only
	server     *gpu.Process // the process serving the model now; nil when none does
	low        *gpuPeak     // the GPU's least free memory since start or R; nil before a reading
	why        string       // when not ok, why there is nothing to describe
}

// detail is the pane that explains the selected cell: where the memory
// goes, the longest context at each precision, the decode estimate, the
// launch commands and what to stop to make room.
type detail struct {
	common
}

// line is one line of the pane with its rank: when the pane is short, the
// lines of lowest rank are dropped first.
type line struct {
	text string
	rank int
}

// View draws the pane for f into d.height lines at most.
func (d detail) View(f focus) []string {
	s := d.styles
	if !f.ok {
		return []string{s.Faint.Render(oneLine(f.why))}
	}
	m, r, v := f.model, f.request, f.verdict
	ctx := contextShort(r.Context)
	if f.asked > r.Context {
		ctx += " (its limit; " + fit.FormatContext(f.asked) + " asked)"
	}
	ls := []line{
		{s.Title.Render(m.Name) + " " + s.Faint.Render(m.ID), 0},
		{fmt.Sprintf("%s · %s · %s · ", r.Precision, ctx, r.Runtime) + statusStyle(s, v).Render(statusWords(v)), 0},
	}
	if v.Status == fit.NeedsFreeing && gradable(v) {
		ls = append(ls, line{d.holdersLine(f.device, v.ToFreeBytes), 1})
	}
	if e, err := m.Estimate(r); err == nil {
		ls = append(ls, line{d.breakdown(e, f.budget), 2}, line{d.figures(e, f.budget), 3})
	}
	lc := fit.Launch(m, r, v, f.budget)
	ls = append(ls, line{d.command(lc.VLLM, "vllm"), 4})
	if lc.LlamaCpp.Command != "" || r.Runtime == fit.LlamaCpp {
		ls = append(ls, line{d.command(lc.LlamaCpp, "llama.cpp"), 6})
	}
	ls = append(ls, line{d.maxContexts(f), 5}, line{d.decode(f), 7})
	if l := d.atTheLow(f); l != "" {
		ls = append(ls, line{l, 6})
	}
	if f.watched {
		ls = append(ls, line{s.Faint.Render("◆ watched: a banner (and the bell) when it starts or stops fitting"), 8})
	}
	if p := f.server; p != nil {
		ls = append(ls, line{s.Title.Render(oneLine(fmt.Sprintf("▸ running: PID %d, %s; %s", p.PID, p.Serving.Label(), p.Serving.Versus(p.UsedBytes.Value, p.UsedBytes.OK)))), 1})
	}
	if fd := f.found; fd != nil {
		ls = append(ls, line{s.Faint.Render(oneLine(fmt.Sprintf("• on this machine (%s, %s %s): %s", fd.Origin, fd.Format, fd.Precision, fd.Path))), 8})
	}
	return keepRanked(ls, d.height)
}

// keepRanked drops the lines of lowest rank until n remain, keeping order.
func keepRanked(ls []line, n int) []string {
	for rank := 8; len(ls) > n && rank >= 0; rank-- {
		kept := ls[:0]
		for _, l := range ls {
			if l.rank != rank {
				kept = append(kept, l)
			}
		}
		ls = kept
	}
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.text)
	}
	return out
}

// Breakdown bar characters: what is in use now, then the model's weights,
// KV cache and overhead stacked on it, then what stays free.
const (
	barInUse    = "░"
	barWeights  = "█"
	barKV       = "▓"
	barOverhead = "▒"
	barFree     = "·"
)

// breakdown is the bar of the card's usable memory: in use now, weights,
// KV, overhead, free. A model that does not fit runs off the right end.
func (d detail) breakdown(e fit.Estimate, b fit.Budget) string {
	s := d.styles
	total := usable(b)
	width := max(d.width-3, 4) // brackets and the overflow mark
	if total == 0 {
		return ""
	}
	inUse := total - min(b.FreeBytes, total)
	parts := []struct {
		bytes uint64
		char  string
		style func(...string) string
	}{
		{inUse, barInUse, s.Faint.Render},
		{e.WeightsBytes, barWeights, s.Weights.Render},
		{e.KVBytes, barKV, s.KV.Render},
		{e.OverheadBytes, barOverhead, s.Overhead.Render},
	}
	var b2 strings.Builder
	used := 0
	for _, p := range parts {
		n := int(float64(p.bytes)/float64(total)*float64(width) + 0.5)
		if p.bytes > 0 && n == 0 {
			n = 1
		}
		n = min(n, width-used)
		b2.WriteString(p.style(strings.Repeat(p.char, n)))
		used += n
	}
	b2.WriteString(s.GaugeFree.Render(strings.Repeat(barFree, width-used)))
	over := ""
	if inUse+e.TotalBytes > total {
		over = s.TooBig.Render("▶")
	}
	return "[" + b2.String() + "]" + over
}

// figures is the legend of the bar, with the sizes in GiB.
func (d detail) figures(e fit.Estimate, b fit.Budget) string {
	total := usable(b)
	inUse := total - min(b.FreeBytes, total)
	return fmt.Sprintf("%s in use %s  %s weights %s  %s KV %s  %s overhead %s  = %s of %s free",
		barInUse, gib(inUse), barWeights, gib(e.WeightsBytes), barKV, gib(e.KVBytes),
		barOverhead, gib(e.OverheadBytes), fit.FormatGiB(e.TotalBytes), fit.FormatGiB(b.FreeBytes))
}

// command is a launch line, or why there is none.
func (d detail) command(l fit.LaunchLine, runtime string) string {
	if l.Command != "" && l.Status == fit.NeedsFreeing {
		return "$ " + l.Command + d.styles.Faint.Render("  (once memory is freed)")
	}
	if l.Command != "" {
		return "$ " + l.Command
	}
	return d.styles.Faint.Render(runtime + ": no command line: " + l.Why)
}

// maxContexts is the longest context that fits now at each precision shown.
func (d detail) maxContexts(f focus) string {
	parts := make([]string, 0, len(f.precisions))
	for _, p := range f.precisions {
		r := f.request
		r.Precision, r.Runtime = p, f.model.RuntimeFor(p, f.runtime)
		v := fit.Grade(f.model, r, f.budget)
		c := "none"
		if !gradable(v) {
			c = "n/a"
		} else if v.MaxContext > 0 {
			c = contextShort(v.MaxContext)
		}
		parts = append(parts, string(p)+" "+c)
	}
	return "longest context now: " + strings.Join(parts, " · ")
}

// decode is the decode speed estimate, or why there is none.
func (d detail) decode(f focus) string {
	tps, ok := fit.DecodeTokensPerSecond(f.model, f.request, f.budget.BandwidthBytesPerS, f.budget.HBM)
	if !ok {
		why := "no memory bandwidth for this card in the card catalogue"
		if f.card.Unlisted {
			why = f.card.Name + " is not in the card catalogue"
		}
		return d.styles.Faint.Render("decode speed: unknown (" + why + ")")
	}
	eff := fit.DecodeEfficiency
	if f.budget.HBM {
		eff = fit.DecodeEfficiencyHBM
	}
	return fmt.Sprintf("decode ≈ %.0f tok/s, one stream (an estimate: the bytes read a token at %.0f%% of %.2f TB/s, plus %.0f µs a layer; within 8%% on average of 21 published runs)",
		tps, eff*100, float64(f.budget.BandwidthBytesPerS)/1e12, fit.DecodeLayerSeconds*1e6)
}

// holdersLine names the processes to stop to free need bytes.
func (d detail) holdersLine(dev gpu.Device, need uint64) string {
	hs := holders(dev.Processes, need)
	if len(hs) == 0 {
		return d.styles.Faint.Render("to free " + fit.FormatGiB(need) + ": no process listed holds memory on this GPU")
	}
	names := make([]string, len(hs))
	for i, p := range hs {
		names[i] = fmt.Sprintf("%d %s (%s GiB)", p.PID, p.Name, gib(p.UsedBytes.Value))
	}
	return d.styles.NeedsFreeing.Render("to free " + fit.FormatGiB(need) + ", stop: " + strings.Join(names, ", "))
}

// atTheLow says whether the model would have loaded when the GPU had the
// least memory free since start (or R): the moment a glance may have
// missed. Empty when free memory never went below now.
func (d detail) atTheLow(f focus) string {
	lo := f.low
	if lo == nil || lo.free >= f.budget.FreeBytes {
		return ""
	}
	b := f.budget
	b.FreeBytes = lo.free
	v := fit.Grade(f.model, f.request, b)
	head := fmt.Sprintf("lowest free %s at %s: %s %s ", fit.FormatGiB(lo.free), clock(lo.freeAt), f.model.Name, f.request.Precision)
	switch {
	case !gradable(v):
		return ""
	case v.Status == fit.Fits:
		return d.styles.Faint.Render(head + "would have loaded then too")
	case f.verdict.Status == fit.Fits:
		return d.styles.NeedsFreeing.Render(head + "would not have loaded then")
	}
	return d.styles.Faint.Render(head + "would not have loaded then either")
}
