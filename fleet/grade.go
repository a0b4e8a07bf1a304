package fleet

import (
	"cmp"
	"slices"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// Status is a GPU's grade for one model: the fit engine's, or stale or
// down for a GPU that cannot be graded as live.
type Status string

// The statuses a fleet placement takes beyond the fit engine's.
const (
	Stale    Status = "stale"     // its series stopped or is old: never graded as live
	Down     Status = "down"      // its exporter says it is lost
	NotGrade Status = "n/a"       // the runtime cannot run the precision there
	NoMemory Status = "no-memory" // no memory figures to grade
)

// Placement is one GPU (or, with tensor parallelism, one host's GPUs)
// graded for one model.
type Placement struct {
	Hostname string
	GPUs     []string // the gpu labels: one, or a host's with TP
	Status   Status
	// HeadroomBytes is free minus need per GPU (negative: memory to free
	// first); MaxContext the longest context that fits now.
	HeadroomBytes int64
	MaxContext    int
	ToFreeBytes   uint64
	Reason        string
}

// Request is a model at a precision, under a runtime, at a context.
type Request struct {
	Model fit.Model
	fit.Request
}

// Placements grades r on every GPU of the fleet, or with tp on every
// host's GPUs together (a host with fewer live GPUs than tp is left out).
// The live ones come first, by headroom (most first), then the stale.
func Placements(gpus []GPU, cards []catalog.Card, r Request, tp bool) []Placement {
	var out []Placement
	if tp {
		for _, host := range hosts(gpus) {
			out = append(out, placeHost(host, cards, r))
		}
	} else {
		for _, g := range gpus {
			out = append(out, placeOne(g, cards, r))
		}
	}
	slices.SortStableFunc(out, func(a, b Placement) int {
		return cmp.Or(cmp.Compare(rank(a.Status), rank(b.Status)), cmp.Compare(b.HeadroomBytes, a.HeadroomBytes))
	})
	return out
}

// rank orders statuses: fits first, stale and down last.
func rank(s Status) int {
	switch s {
	case Status(fit.Fits.String()):
		return 0
	case Status(fit.FitsShorter.String()):
		return 1
	case Status(fit.NeedsFreeing.String()):
		return 2
	case Status(fit.TooBig.String()):
		return 3
	case NotGrade:
		return 4
	}
	return 5
}

// device is g as the catalogue and the fit engine take a live GPU.
func device(g GPU) gpu.Device {
	return gpu.Device{Name: g.Name, UUID: g.UUID, Memory: gpu.Memory{Total: gpu.Read(g.TotalBytes),
		Used: gpu.Read(g.UsedBytes), Free: gpu.Read(g.FreeBytes), Reserved: gpu.Read(g.ReservedBytes)}}
}

// placeOne grades r on one GPU.
func placeOne(g GPU, cards []catalog.Card, r Request) Placement {
	p := Placement{Hostname: g.Hostname, GPUs: []string{g.Index}}
	switch {
	case g.Down:
		p.Status = Down
		return p
	case g.Stale:
		p.Status = Stale
		return p
	case g.TotalBytes == 0:
		p.Status = NoMemory
		return p
	}
	b, err := catalog.Budget(cards, device(g))
	if err != nil {
		p.Status, p.Reason = NoMemory, err.Error()
		return p
	}
	q := r.Request
	q.TP = 1
	return grade(p, r.Model, q, b)
}

// placeHost grades r over all the live GPUs of one host, with tensor
// parallelism over as many of them as the runtime allows (2, 4 or 8).
func placeHost(gpus []GPU, cards []catalog.Card, r Request) Placement {
	p := Placement{Hostname: gpus[0].Hostname}
	var devs []gpu.Device
	for _, g := range gpus {
		if !g.Stale && !g.Down && g.TotalBytes > 0 {
			devs = append(devs, device(g))
			p.GPUs = append(p.GPUs, g.Index)
		}
	}
	n := 1
	for _, k := range []int{8, 4, 2} {
		if len(devs) >= k {
			n = k
			break
		}
	}
	if len(devs) == 0 {
		p.Status = Stale
		return p
	}
	p.GPUs = p.GPUs[:n]
	b, err := catalog.GroupBudget(cards, devs[:n], n)
	if err != nil {
		p.Status, p.Reason = NoMemory, err.Error()
		return p
	}
	q := r.Request
	q.TP = n
	return grade(p, r.Model, q, b)
}

// grade fills p from the fit engine's verdict.
func grade(p Placement, m fit.Model, q fit.Request, b fit.Budget) Placement {
	v := fit.Grade(m, q, b)
	if v.Reason != "" {
		p.Status, p.Reason = NotGrade, v.Reason
		return p
	}
	p.Status = Status(v.Status.String())
	p.HeadroomBytes = int64(min(b.FreeBytes, 1<<62)) - int64(min(v.RequiredBytes, 1<<62))
	p.MaxContext, p.ToFreeBytes = v.MaxContext, v.ToFreeBytes
	return p
}

// hosts groups the fleet's GPUs by host, in order.
func hosts(gpus []GPU) [][]GPU {
	var out [][]GPU
	for _, g := range gpus {
		if n := len(out); n > 0 && out[n-1][0].Hostname == g.Hostname {
			out[n-1] = append(out[n-1], g)
			continue
		}
		out = append(out, []GPU{g})
	}
	return out
}

// FitsNow counts the placements that fit now.
func FitsNow(ps []Placement) int {
	n := 0
	for _, p := range ps {
		if p.Status == Status(fit.Fits.String()) {
			n++
		}
	}
	return n
}
