package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/absent"
	"github.com/headroom-dev/headroom/local"
)

// Snapshot is what `headroom snapshot` prints: one sample of every GPU,
// and the catalogue graded against one of them. Anything that could not
// be read is null.
type Snapshot struct {
	Time          time.Time    `json:"time"`
	Source        gpu.Kind     `json:"source"`
	DriverVersion *string      `json:"driver_version"`
	CUDAVersion   *string      `json:"cuda_version"`
	Devices       []gpu.Device `json:"devices"`
	Notes         []string     `json:"notes"`
	// FitsDevice is the index of the GPU the fits are for.
	FitsDevice int         `json:"fits_device"`
	Fits       []GradedFit `json:"fits"`

	names   map[string]string // model id → name, for the text
	context int
}

// GradedFit is one model at one precision, graded against one GPU.
type GradedFit struct {
	Model         string        `json:"model"`
	Precision     fit.Precision `json:"precision"`
	Runtime       fit.Runtime   `json:"runtime"`
	Context       int           `json:"context"`
	RequiredBytes uint64        `json:"required_bytes"`
	// Status is the grade's name, or "n/a" when the request could not be
	// graded (Reason says why), as the UI shows it.
	Status     string `json:"status"`
	MaxContext int    `json:"max_context"`
	// Reason says why a request could not be graded (a precision the
	// runtime cannot load); absent otherwise.
	Reason string `json:"reason,omitempty"`
	// AtModelLimit: the config allows less context than asked, so the
	// grade is at the model's own maximum (MaxContext).
	AtModelLimit bool `json:"at_model_limit"`
}

// NotGraded is the status of a request the engine could not grade.
const NotGraded = "n/a"

// StatusName is v's status as the reports name it: NotGraded when v
// carries a reason it could not be graded.
func StatusName(v fit.Verdict) string {
	if v.Reason != "" {
		return NotGraded
	}
	return v.Status.String()
}

// NewSnapshot grades every listed model (the catalogue's and those found
// on this machine) at every precision, each under the runtime that loads
// it, against GPU device as it is in snap, at context ctxLen, and predicts
// what each recognised model server should hold. A GPU that cannot be
// graded, and one the card catalogue does not hold, get a note saying so.
func NewSnapshot(snap gpu.Snapshot, device int, ls []local.Listed, cards []catalog.Card, ctxLen int) Snapshot {
	models := local.Models(ls)
	catalog.PredictServers(&snap, cards, ls)
	s := Snapshot{Time: snap.Time, Source: snap.Source, DriverVersion: absent.Null(snap.DriverVersion),
		CUDAVersion: absent.Null(snap.CUDAVersion), Devices: snap.Devices, FitsDevice: device, Fits: []GradedFit{},
		Notes: append([]string{}, snap.Notes...), names: make(map[string]string, len(models)), context: ctxLen}
	for _, m := range models {
		s.names[m.ID] = m.Name
	}
	if snap.Source == gpu.KindNVML {
		for _, d := range snap.Devices {
			if c := catalog.ForDevice(cards, d); c.Unlisted && !d.Lost {
				s.Notes = append(s.Notes, fmt.Sprintf("GPU %d (%s) is %s", d.Index, c.Name, catalog.NotListed))
			}
		}
	}
	if device < 0 || device >= len(snap.Devices) {
		s.Notes = append(s.Notes, "not graded: there is no GPU "+strconv.Itoa(device))
		return s
	}
	b, err := catalog.Budget(cards, snap.Devices[device])
	if err != nil {
		s.Notes = append(s.Notes, "not graded: "+err.Error())
		return s
	}
	for _, m := range models {
		for _, p := range fit.Precisions {
			rt := m.RuntimeFor(p, fit.VLLM)
			v := fit.Grade(m, fit.Request{Precision: p, Runtime: rt, Context: ctxLen}, b)
			s.Fits = append(s.Fits, GradedFit{Model: m.ID, Precision: p, Runtime: rt, Context: ctxLen,
				RequiredBytes: v.RequiredBytes, Status: StatusName(v), MaxContext: v.MaxContext, Reason: v.Reason,
				AtModelLimit: v.AtModelLimit})
		}
	}
	return s
}

// topProcesses is how many processes the text shows per GPU.
const topProcesses = 5

// WriteSnapshotText writes the snapshot as a compact table: each GPU with
// its memory and top processes, then the models grouped by status at
// native precision on the GPU the fits are for.
func WriteSnapshotText(w io.Writer, s Snapshot) error {
	var b page
	for _, n := range s.Notes {
		wrap(&b, "", strings.Fields(n), "  ")
	}
	if s.DriverVersion != nil {
		cuda := "n/a"
		if s.CUDAVersion != nil {
			cuda = *s.CUDAVersion
		}
		fmt.Fprintf(&b, "driver %s, CUDA %s\n", *s.DriverVersion, cuda)
	}
	for _, d := range s.Devices {
		writeDevice(&b, d)
	}
	if len(s.Fits) > 0 {
		writeFits(&b, s)
	}
	return flush(w, &b)
}

// writeDevice writes one GPU: its name, memory, load and top processes.
func writeDevice(b *page, d gpu.Device) {
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
	tw.Flush() // into a bytes.Buffer: cannot fail
	for i, p := range d.Processes {
		if i == topProcesses {
			break
		}
		if s := p.Serving; s != nil {
			wrap(b, fmt.Sprintf("  %d: %s;", p.PID, s.Label()), strings.Fields(s.Versus(p.UsedBytes.Value, p.UsedBytes.OK)), "    ")
		}
	}
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
	{NotGraded, "n/a, cannot be graded"},
}

// writeFits writes the models at native precision grouped by status.
func writeFits(b *page, s Snapshot) {
	d := s.Devices[s.FitsDevice]
	fmt.Fprintf(b, "\nModels at native precision under %s, %s context, on GPU %d (%s free):\n",
		fit.RuntimeFor(fit.Native, fit.VLLM), fit.FormatContext(s.context), d.Index, gib(d.Memory.Free))
	labels := make([]string, 0, len(statusTitles))
	groups := make([][]string, 0, len(statusTitles))
	width := 0
	for _, g := range statusTitles {
		var items []string
		for _, f := range s.Fits {
			if f.Precision != fit.Native || f.Status != g.status {
				continue
			}
			name := s.names[f.Model]
			if name == "" {
				name = f.Model
			}
			switch {
			case f.Status == fit.Fits.String() && f.AtModelLimit:
				name += " (at its whole " + fit.FormatContext(f.MaxContext) + ")"
			case f.Status == fit.FitsShorter.String():
				name += " (to " + fit.FormatContext(f.MaxContext) + ")"
			case f.Status == NotGraded:
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
		padded := fmt.Sprintf("%-*s", width+1, label)
		wrap(b, padded, commas(groups[i]), strings.Repeat(" ", len(padded)))
	}
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
