package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/fleet"
)

// Fleet is `headroom fleet --json`: the GPUs Prometheus knows, by host,
// and where each model asked for fits.
type Fleet struct {
	Prometheus string      `json:"prometheus"`
	Time       time.Time   `json:"time"`
	Hosts      []FleetHost `json:"hosts"`
	Fits       []FleetFit  `json:"fits"`
}

// FleetHost is one host and its GPUs.
type FleetHost struct {
	Hostname string     `json:"hostname"`
	GPUs     []FleetGPU `json:"gpus"`
}

// FleetGPU is one GPU as Prometheus last saw it.
type FleetGPU struct {
	Hostname      string  `json:"hostname"`
	GPU           string  `json:"gpu"`
	UUID          *string `json:"uuid"`
	Name          *string `json:"name"`
	TotalBytes    uint64  `json:"total_bytes"`
	FreeBytes     uint64  `json:"free_bytes"`
	UsedBytes     uint64  `json:"used_bytes"`
	ReservedBytes uint64  `json:"reserved_bytes"`
	// AgeSeconds is how old the sample is; null for a GPU whose series
	// stopped.
	AgeSeconds *float64 `json:"age_seconds"`
	// Stale: its series stopped or is older than three scrape intervals;
	// Down: its exporter reports it lost. Neither is graded as live.
	Stale bool `json:"stale"`
	Down  bool `json:"down"`
}

// FleetFit is one model at one precision across the fleet.
type FleetFit struct {
	Model     string        `json:"model"`
	Name      string        `json:"name"`
	Precision fit.Precision `json:"precision"`
	Runtime   fit.Runtime   `json:"runtime"`
	Context   int           `json:"context"`
	// TP is set when each host's GPUs are graded together.
	TP      bool `json:"tp"`
	FitsNow int  `json:"fits_now"`
	// Of is how many GPUs (or hosts, with TP) were placed.
	Of int              `json:"of"`
	On []FleetPlacement `json:"on"`
}

// FleetPlacement is one GPU (or host, with TP) graded for the model.
type FleetPlacement struct {
	Hostname      string       `json:"hostname"`
	GPU           string       `json:"gpu"` // "0", or "0,1,2,3" with TP
	Status        fleet.Status `json:"status"`
	MaxContext    int          `json:"max_context"`
	HeadroomBytes int64        `json:"headroom_bytes"`
	ToFreeBytes   uint64       `json:"to_free_bytes"`
	Reason        string       `json:"reason,omitempty"`
}

// NewFleet is the report of gpus read from the Prometheus server at
// address (credentials already taken out), and of fits.
func NewFleet(address string, now time.Time, gpus []fleet.GPU, fits []FleetFit) Fleet {
	f := Fleet{Prometheus: address, Time: now, Hosts: []FleetHost{}, Fits: fits}
	if f.Fits == nil {
		f.Fits = []FleetFit{}
	}
	for _, g := range gpus {
		n := len(f.Hosts)
		if n == 0 || f.Hosts[n-1].Hostname != g.Hostname {
			f.Hosts = append(f.Hosts, FleetHost{Hostname: g.Hostname})
			n++
		}
		f.Hosts[n-1].GPUs = append(f.Hosts[n-1].GPUs, FleetGPU{Hostname: g.Hostname, GPU: g.Index,
			UUID: nullString(g.UUID), Name: nullString(g.Name), TotalBytes: g.TotalBytes, FreeBytes: g.FreeBytes,
			UsedBytes: g.UsedBytes, ReservedBytes: g.ReservedBytes, Stale: g.Stale, Down: g.Down})
		if !g.Sampled.IsZero() {
			age := math.Round(g.Age.Seconds()*10) / 10
			f.Hosts[n-1].GPUs[len(f.Hosts[n-1].GPUs)-1].AgeSeconds = &age
		}
	}
	return f
}

// NewFleetFit is one model's placements.
func NewFleetFit(r fleet.Request, tp bool, ps []fleet.Placement) FleetFit {
	ff := FleetFit{Model: r.Model.ID, Name: r.Model.Name, Precision: r.Precision, Runtime: r.Runtime, Context: r.Context,
		TP: tp, FitsNow: fleet.FitsNow(ps), Of: len(ps), On: []FleetPlacement{}}
	for _, p := range ps {
		ff.On = append(ff.On, FleetPlacement{Hostname: p.Hostname, GPU: strings.Join(p.GPUs, ","), Status: p.Status,
			MaxContext: p.MaxContext, HeadroomBytes: p.HeadroomBytes, ToFreeBytes: p.ToFreeBytes, Reason: p.Reason})
	}
	return ff
}

// nullString is nil for "".
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// WriteFleetText writes the fleet's GPUs, then each model's placements:
// where it fits now, by headroom, and where it would once memory is freed.
func WriteFleetText(w io.Writer, f Fleet) error {
	var b page
	n, stale := 0, 0
	for _, h := range f.Hosts {
		for _, g := range h.GPUs {
			n++
			if g.Stale || g.Down {
				stale++
			}
		}
	}
	head := fmt.Sprintf("Fleet from %s: %s on %s", f.Prometheus, count(n, "GPU"), count(len(f.Hosts), "host"))
	if stale > 0 {
		head += fmt.Sprintf(", %d not live", stale)
	}
	fmt.Fprintln(&b, head)
	if n == 0 {
		fmt.Fprintln(&b, "  Prometheus holds no DCGM_FI_DEV_FB_* series from the last 10 minutes: is dcgm-exporter or `headroom serve` scraped?")
		_, err := w.Write(b.Bytes())
		return err
	}
	fmt.Fprintln(&b)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tGPU\tNAME\tFREE\tTOTAL\tAGE")
	for _, h := range f.Hosts {
		for _, g := range h.GPUs {
			age := "-"
			if g.AgeSeconds != nil {
				age = fmt.Sprintf("%.0fs", *g.AgeSeconds)
			}
			switch {
			case g.Down:
				age = "lost"
			case g.Stale:
				age = "stale"
			}
			name := "-"
			if g.Name != nil {
				name = *g.Name
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", h.Hostname, g.GPU, name, fit.FormatGiB(g.FreeBytes), fit.FormatGiB(g.TotalBytes), age)
		}
	}
	tw.Flush()
	for _, ff := range f.Fits {
		writeFleetFit(&b, ff)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeFleetFit writes one model's line and its placements.
func writeFleetFit(b *page, ff FleetFit) {
	unit := "GPU"
	if ff.TP {
		unit = "host"
	}
	fmt.Fprintf(b, "\n%s · %s · %s · %s: fits on %d of %s now\n", ff.Name, ff.Precision, ff.Runtime,
		fit.FormatContext(ff.Context), ff.FitsNow, count(ff.Of, unit))
	for _, p := range ff.On {
		where := p.Hostname + "/" + p.GPU
		var what string
		switch p.Status {
		case fleet.Status(fit.Fits.String()):
			what = fmt.Sprintf("fits, %s to spare, up to %s", fit.FormatGiB(uint64(p.HeadroomBytes)), fit.FormatContext(p.MaxContext))
		case fleet.Status(fit.FitsShorter.String()):
			what = "fits at up to " + fit.FormatContext(p.MaxContext)
		case fleet.Status(fit.NeedsFreeing.String()):
			what = "fits once " + fit.FormatGiB(p.ToFreeBytes) + " is freed"
		case fleet.Status(fit.TooBig.String()):
			what = "too big for it"
		case fleet.Stale:
			what = "stale: not graded"
		case fleet.Down:
			what = "lost: not graded"
		default:
			what = string(p.Status)
			if p.Reason != "" {
				what += ": " + p.Reason
			}
		}
		wrap(b, "  "+where+" "+what, nil, "    ")
	}
}
