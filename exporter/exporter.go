// Package exporter serves headroom's view of the GPUs to Prometheus: each
// GPU's memory under dcgm-exporter's own metric names and units, so that
// existing dashboards work unchanged, and what fits on it now, which no
// other exporter knows.
//
// The page a scrape returns is built when a sample changes, never by the
// scrape: a scrape costs the same however often it comes, and never
// touches the driver.
package exporter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
	"github.com/headroom-dev/headroom/report"
)

// Options are what the exporter grades and how it labels.
type Options struct {
	// Hostname is the Hostname label of the dcgm-exporter series.
	Hostname string
	// Contexts are the context lengths each model is graded at.
	Contexts []int
	// Precisions are graded each under the runtime that loads it.
	Precisions []fit.Precision
	// Runtime is the runtime preferred where a precision has a choice.
	Runtime fit.Runtime
	// ProcessLabels adds each process's name and user as labels; off by
	// default, for they can be sensitive and of high cardinality.
	ProcessLabels bool
}

// DefaultPrecisions are the ones graded unless others are asked for: the
// UI's default columns.
var DefaultPrecisions = []fit.Precision{fit.Native, fit.FP8, fit.NVFP4, fit.Q4_K_M}

// Statuses are the values of headroom_model_fit's status label, in the
// order the series are written.
var Statuses = []string{
	fit.Fits.String(), fit.FitsShorter.String(), fit.NeedsFreeing.String(), fit.TooBig.String(), report.NotGraded,
}

// Exporter holds the page built from the latest sample.
type Exporter struct {
	listed []local.Listed
	models []fit.Model
	cards  []catalog.Card
	opts   Options
	page   atomic.Pointer[page]
	last   *gpu.Snapshot // the last good sample
	up     bool          // the page was built from a good sample, not a failure
}

// page is what the handlers serve: built once per changed sample.
type page struct {
	metrics  []byte
	snapshot []byte
	series   int
	built    time.Time
}

// New is an exporter for the listed models (the catalogue's and those
// found on this machine) and the card catalogue. Until Update is called
// its page says that no sample has been taken.
func New(listed []local.Listed, cards []catalog.Card, opts Options) *Exporter {
	if len(opts.Precisions) == 0 {
		opts.Precisions = DefaultPrecisions
	}
	if len(opts.Contexts) == 0 {
		opts.Contexts = []int{8192}
	}
	e := &Exporter{listed: listed, models: local.Models(listed), cards: cards, opts: opts}
	e.Update(gpu.Snapshot{}, fmt.Errorf("no sample yet"))
	return e
}

// Update builds the page from a sample, or, when err is not nil, from the
// last good sample with every GPU marked down (a driver fault): the
// exporter keeps serving what it knew, and says it is stale. A sample
// equal to the last one costs a comparison.
func (e *Exporter) Update(snap gpu.Snapshot, err error) {
	up := err == nil
	if up && e.up && e.last != nil && sameSample(*e.last, snap) {
		return
	}
	e.up = up
	if !up {
		if e.last != nil {
			snap = *e.last
		}
	} else {
		e.last = &snap
	}
	p, berr := e.build(snap, up, err)
	if berr != nil {
		// The registry refuses only what this code wrote wrong: serve
		// the reason rather than a half page.
		p = &page{metrics: []byte("# headroom: " + berr.Error() + "\n"), built: time.Now()}
	}
	e.page.Store(p)
}

// Series is how many series the latest page holds.
func (e *Exporter) Series() int { return e.page.Load().series }

// build grades every GPU of snap and encodes the page.
func (e *Exporter) build(snap gpu.Snapshot, up bool, sampleErr error) (*page, error) {
	c := &collector{e: e, snap: snap, up: up}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		return nil, err
	}
	families, err := reg.Gather()
	if err != nil {
		return nil, err
	}
	families = append(families, e.fitFamilies(snap)...)
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	series := 0
	for _, f := range families {
		series += len(f.GetMetric())
		if err := enc.Encode(f); err != nil {
			return nil, err
		}
	}
	p := &page{metrics: b.Bytes(), series: series, built: time.Now()}
	if len(snap.Devices) > 0 {
		doc := report.NewSnapshot(snap, 0, e.listed, e.cards, e.opts.Contexts[0])
		if !up {
			doc.Notes = append(doc.Notes, "stale: the last sample failed: "+sampleErr.Error())
		}
		if p.snapshot, err = json.MarshalIndent(doc, "", "  "); err != nil {
			return nil, err
		}
		p.snapshot = append(p.snapshot, '\n')
	}
	return p, nil
}

// Handler serves /metrics, /healthz and /api/v1/snapshot (the document
// `headroom snapshot --json` prints, for GPU 0).
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		p := e.page.Load()
		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		w.Header().Set("Content-Length", strconv.Itoa(len(p.metrics)))
		_, _ = w.Write(p.metrics)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /api/v1/snapshot", func(w http.ResponseWriter, _ *http.Request) {
		p := e.page.Load()
		if p.snapshot == nil {
			http.Error(w, "no GPU has been read yet", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(p.snapshot)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(landing))
	})
	return mux
}

// landing is the page at /, as exporters have one.
const landing = `<!doctype html><title>headroom</title><h1>headroom exporter</h1>
<p><a href="/metrics">/metrics</a> · <a href="/api/v1/snapshot">/api/v1/snapshot</a> · <a href="/healthz">/healthz</a></p>
`

// sameSample reports whether two samples would give the same page: the
// same GPUs, memory, loss and processes. Temperature, power and time do
// not enter the page.
func sameSample(a, b gpu.Snapshot) bool {
	if len(a.Devices) != len(b.Devices) || a.Source != b.Source {
		return false
	}
	for i := range a.Devices {
		x, y := &a.Devices[i], &b.Devices[i]
		if x.UUID != y.UUID || x.Name != y.Name || x.Lost != y.Lost || x.Memory != y.Memory ||
			len(x.Processes) != len(y.Processes) {
			return false
		}
		for j := range x.Processes {
			p, q := &x.Processes[j], &y.Processes[j]
			if p.PID != q.PID || p.UsedBytes != q.UsedBytes || p.Name != q.Name || p.User != q.User {
				return false
			}
		}
	}
	return true
}
