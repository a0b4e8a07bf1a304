package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// topProcesses is how many processes the table shows per GPU.
const topProcesses = 5

// textWidth is where the model lists wrap.
const textWidth = 100

// writeSnapshotText prints the snapshot as a compact table: each GPU with
// its memory and top processes, then the models grouped by status at
// native precision for GPU device.
func writeSnapshotText(w io.Writer, snap gpu.Snapshot, device int, fits []fitOut, models []fit.Model, ctxLen int) error {
	var b strings.Builder
	for _, n := range snap.Notes {
		fmt.Fprintln(&b, n)
	}
	if snap.DriverVersion != "" {
		fmt.Fprintf(&b, "driver %s, CUDA %s\n", snap.DriverVersion, orNA(snap.CUDAVersion))
	}
	for _, d := range snap.Devices {
		writeDevice(&b, d)
	}
	if len(fits) > 0 {
		writeFits(&b, snap.Devices[device], fits, models, ctxLen)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the snapshot: %w", err)
	}
	return nil
}

// writeDevice writes one GPU: its name, memory, load and top processes.
func writeDevice(b *strings.Builder, d gpu.Device) {
	fmt.Fprintf(b, "\nGPU %d  %s", d.Index, orNA(d.Name))
	var facts []string
	if d.Architecture != "" {
		facts = append(facts, d.Architecture)
	}
	if d.ComputeCapability != "" {
		facts = append(facts, "compute "+d.ComputeCapability)
	}
	if d.UnifiedMemory {
		facts = append(facts, "unified memory")
	}
	if d.MIG {
		facts = append(facts, "MIG")
	}
	if len(facts) > 0 {
		fmt.Fprintf(b, "  (%s)", strings.Join(facts, ", "))
	}
	b.WriteString("\n")
	if d.Lost {
		b.WriteString("  LOST: the GPU does not answer (GPU_IS_LOST)\n")
		return
	}
	m := d.Memory
	fmt.Fprintf(b, "  memory     used %s  reserved %s  free %s  of %s\n", gib(m.Used), gib(m.Reserved), gib(m.Free), gib(m.Total))
	if d.UtilizationPercent.OK || d.TemperatureC.OK || d.PowerW.OK {
		fmt.Fprintf(b, "  load       %s  %s  %s / %s\n", reading(d.UtilizationPercent, "%d%%"),
			reading(d.TemperatureC, "%d °C"), reading(d.PowerW, "%.0f W"), reading(d.PowerLimitW, "%.0f W"))
	}
	if d.ProcessNote != "" {
		fmt.Fprintf(b, "  processes  %s\n", d.ProcessNote)
	}
	if len(d.Processes) == 0 {
		if d.ProcessNote == "" {
			b.WriteString("  processes  none\n")
		}
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  processes\tPID\tMEMORY\tUSER\tCOMMAND")
	for i, p := range d.Processes {
		if i == topProcesses {
			fmt.Fprintf(tw, "\t…\t\t\tand %d more\n", len(d.Processes)-topProcesses)
			break
		}
		cmd := p.Command
		if cmd == "" {
			cmd = p.Name
		}
		fmt.Fprintf(tw, "\t%d\t%s\t%s\t%s\n", p.PID, gib(p.UsedBytes), orNA(p.User), shortText(orNA(cmd), 60))
	}
	tw.Flush()
}

// statusTitles heads each group of models, best first.
var statusTitles = []struct {
	status string
	title  string
}{
	{fit.Fits.String(), "fits"},
	{fit.FitsShorter.String(), "fits shorter"},
	{fit.NeedsFreeing.String(), "needs freeing"},
	{fit.TooBig.String(), "too big"},
	{notGraded, "n/a, cannot be graded"},
}

// writeFits writes the models at native precision grouped by status.
func writeFits(b *strings.Builder, d gpu.Device, fits []fitOut, models []fit.Model, ctxLen int) {
	names := make(map[string]string, len(models))
	for _, m := range models {
		names[m.ID] = m.Name
	}
	fmt.Fprintf(b, "\nModels at native precision under %s, %s context, on GPU %d (%s free):\n",
		fit.RuntimeFor(fit.Native, fit.VLLM), fit.FormatContext(ctxLen), d.Index, gib(d.Memory.Free))
	labels := make([]string, 0, len(statusTitles))
	groups := make([][]string, 0, len(statusTitles))
	width := 0
	for _, g := range statusTitles {
		var items []string
		for _, f := range fits {
			if f.Precision != fit.Native || f.Status != g.status {
				continue
			}
			name := names[f.Model]
			if name == "" {
				name = f.Model
			}
			switch f.Status {
			case fit.FitsShorter.String():
				name += " (to " + fit.FormatContext(f.MaxContext) + ")"
			case notGraded:
				name += " (" + f.Reason + ")"
			}
			items = append(items, name)
		}
		if len(items) == 0 {
			continue
		}
		label := fmt.Sprintf("  %s (%d):", g.title, len(items))
		width = max(width, len(label))
		labels, groups = append(labels, label), append(groups, items)
	}
	for i, label := range labels {
		b.WriteString(wrapList(fmt.Sprintf("%-*s", width+1, label), groups[i], textWidth))
	}
}

// wrapList writes items after label, comma-separated, wrapping at width
// with continuation lines indented under the first item.
func wrapList(label string, items []string, width int) string {
	var b strings.Builder
	indent := strings.Repeat(" ", len(label))
	line := label
	for i, it := range items {
		if i < len(items)-1 {
			it += ","
		}
		if len(line) > len(indent) && len(line)+1+len(it) > width {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += it
	}
	b.WriteString(line + "\n")
	return b.String()
}

// gib formats a memory reading in GiB, or "n/a" when it was not read.
func gib(r gpu.Reading[uint64]) string {
	if !r.OK {
		return "n/a"
	}
	return fit.FormatGiB(r.Value)
}

// reading formats a reading with format, or "n/a" when it was not read.
func reading[T any](r gpu.Reading[T], format string) string {
	if !r.OK {
		return "n/a"
	}
	return fmt.Sprintf(format, r.Value)
}

// orNA is s, or "n/a" when it was not read.
func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

// shortText cuts s to n characters, marking the cut.
func shortText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
