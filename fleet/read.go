// Package fleet reads a fleet of GPUs back from Prometheus, whether
// dcgm-exporter or `headroom serve` exports them, and grades models
// against each: which box can load a model now.
package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/headroom-dev/headroom/internal/sanitize"
)

// GPU is one GPU of the fleet as Prometheus last saw it.
type GPU struct {
	Hostname string
	Index    string // the gpu label: "0", "1", …
	UUID     string
	Name     string // as NVML names it (dcgm-exporter's modelName)
	// TotalBytes, FreeBytes, UsedBytes and ReservedBytes are the last
	// sample's, from DCGM_FI_DEV_FB_* (MiB).
	TotalBytes, FreeBytes, UsedBytes, ReservedBytes uint64
	// Sampled is when that sample was scraped, and Age now less that;
	// both zero for a GPU whose series stopped (its last scrape time is
	// not asked for).
	Sampled time.Time
	Age     time.Duration
	// Stale is a GPU whose series stopped (its exporter or host went away)
	// or is older than three of its scrape intervals: never graded as live.
	Stale bool
	// Down is a GPU its exporter reports lost (headroom_gpu_up 0).
	Down bool
}

// Key is the GPU's identity: its UUID, or host and index without one.
func (g GPU) Key() string {
	if g.UUID != "" {
		return g.UUID
	}
	return g.Hostname + "/" + g.Index
}

// Window is how far back a GPU is remembered: one not seen for longer has
// left the fleet.
const Window = 10 * time.Minute

// mib is the unit of dcgm-exporter's framebuffer fields.
const mib = 1 << 20

// Reader reads the fleet from a Prometheus server.
type Reader struct {
	api     v1.API
	address string // without credentials, for messages
	timeout time.Duration
}

// NewReader is a reader for the Prometheus server at address (a URL that
// may carry user:password for basic authentication), each read bounded by
// timeout.
func NewReader(address string, timeout time.Duration) (*Reader, error) {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--prometheus %q is not an http(s) URL such as http://prometheus:9090", Redact(address))
	}
	c, err := api.NewClient(api.Config{Address: address})
	if err != nil {
		return nil, fmt.Errorf("--prometheus %s: %w", Redact(address), err)
	}
	return &Reader{api: v1.NewAPI(c), address: Redact(address), timeout: timeout}, nil
}

// Redact is a URL with any password replaced, fit to print.
func Redact(address string) string {
	u, err := url.Parse(address)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

// The queries. last_over_time keeps a GPU whose series stopped within the
// window (its values, not its freshness); timestamp() of the plain
// selector gives the scrape time of series still live; count_over_time
// over the window gives each series' scrape interval.
var (
	memoryQueries = map[string]string{
		"free":     "last_over_time(DCGM_FI_DEV_FB_FREE[%s])",
		"used":     "last_over_time(DCGM_FI_DEV_FB_USED[%s])",
		"reserved": "last_over_time(DCGM_FI_DEV_FB_RESERVED[%s])",
	}
	freshQuery = "timestamp(DCGM_FI_DEV_FB_FREE)"
	countQuery = "count_over_time(DCGM_FI_DEV_FB_FREE[%s])"
	upQuery    = "last_over_time(headroom_gpu_up[%s])"
)

// Read is every GPU Prometheus has seen within Window, one per GPU even
// when two exporters report it (the fresher wins), sorted by host and
// index, at now.
func (r *Reader) Read(ctx context.Context, now time.Time) ([]GPU, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	win := model.Duration(Window).String()
	query := func(q string) (model.Vector, error) {
		v, _, _, err := r.api.Query(ctx, q, now)
		if err != nil {
			return nil, r.explain(err)
		}
		vec, ok := v.(model.Vector)
		if !ok {
			return nil, fmt.Errorf("the Prometheus server at %s answered %q with a %s, not an instant vector", r.address, q, v.Type())
		}
		return vec, nil
	}
	byKey := map[string]*GPU{}
	seriesKey := func(m model.Metric) string { return m.Fingerprint().String() }
	free, err := query(fmt.Sprintf(memoryQueries["free"], win))
	if err != nil {
		return nil, err
	}
	// Each exporter's series of a GPU, before two exporters are merged.
	type series struct {
		gpu   GPU
		fresh bool
	}
	all := map[string]*series{}
	for _, s := range free {
		g := gpuOf(s.Metric)
		g.FreeBytes = mibBytes(s.Value)
		all[seriesKey(memoryLabels(s.Metric))] = &series{gpu: g}
	}
	for _, state := range []string{"used", "reserved"} {
		vec, err := query(fmt.Sprintf(memoryQueries[state], win))
		if err != nil {
			return nil, err
		}
		for _, s := range vec {
			if x, ok := all[seriesKey(memoryLabels(s.Metric))]; ok {
				if state == "used" {
					x.gpu.UsedBytes = mibBytes(s.Value)
				} else {
					x.gpu.ReservedBytes = mibBytes(s.Value)
				}
			}
		}
	}
	fresh, err := query(freshQuery)
	if err != nil {
		return nil, err
	}
	for _, s := range fresh {
		if x, ok := all[seriesKey(memoryLabels(s.Metric))]; ok {
			x.gpu.Sampled = time.Unix(0, int64(float64(s.Value)*1e9))
			x.fresh = true
		}
	}
	counts, err := query(fmt.Sprintf(countQuery, win))
	if err != nil {
		return nil, err
	}
	interval := map[string]time.Duration{}
	for _, s := range counts {
		if n := float64(s.Value); n >= 2 {
			interval[seriesKey(memoryLabels(s.Metric))] = time.Duration(float64(Window) / n)
		}
	}
	ups, err := query(fmt.Sprintf(upQuery, win))
	if err != nil {
		return nil, err
	}
	down := map[string]bool{}
	for _, s := range ups {
		if s.Value == 0 {
			down[gpuOf(s.Metric).Key()] = true
		}
	}
	for k, x := range all {
		g := x.gpu
		g.TotalBytes = g.FreeBytes + g.UsedBytes + g.ReservedBytes
		g.Down = down[g.Key()]
		if x.fresh {
			g.Age = max(now.Sub(g.Sampled), 0)
			// Three scrape intervals; one minute (Prometheus' default
			// scrape_interval) when too few samples say otherwise.
			every := cmp.Or(interval[k], time.Minute)
			g.Stale = g.Age > 3*every
		} else {
			g.Stale = true
		}
		if prev, ok := byKey[g.Key()]; !ok || better(g, *prev) {
			byKey[g.Key()] = &g
		}
	}
	out := make([]GPU, 0, len(byKey))
	for _, g := range byKey {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b GPU) int {
		return cmp.Or(cmp.Compare(a.Hostname, b.Hostname), cmp.Compare(len(a.Index), len(b.Index)), cmp.Compare(a.Index, b.Index), cmp.Compare(a.UUID, b.UUID))
	})
	return out, nil
}

// better reports whether a is the better report of one GPU than b: live
// over stale, then the fresher.
func better(a, b GPU) bool {
	if a.Stale != b.Stale {
		return !a.Stale
	}
	return a.Sampled.After(b.Sampled)
}

// memoryLabels are the labels that name one exporter's GPU: a series'
// labels without its metric name, so that the FB_* series of one GPU from
// one exporter match.
func memoryLabels(m model.Metric) model.Metric {
	out := make(model.Metric, len(m))
	for k, v := range m {
		if k != model.MetricNameLabel {
			out[k] = v
		}
	}
	return out
}

// gpuOf reads a GPU's identity from a series' labels: dcgm-exporter's
// Hostname, gpu, UUID and modelName, falling back to the scrape target
// (instance) for a series without Hostname. Every string is cleaned, for
// it is printed.
func gpuOf(m model.Metric) GPU {
	host := string(m["Hostname"])
	if host == "" {
		host = string(m["instance"])
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
	}
	if host == "" {
		host = "(no host label)"
	}
	idx := string(m["gpu"])
	if idx == "" {
		idx = "?"
	}
	return GPU{Hostname: sanitize.Text(host), Index: sanitize.Text(idx), UUID: sanitize.Text(string(m["UUID"])),
		Name: sanitize.Text(string(m["modelName"]))}
}

// mibBytes turns a MiB sample into bytes; a value that is not a count of
// MiB (negative, NaN, absurd) is 0.
func mibBytes(v model.SampleValue) uint64 {
	f := float64(v)
	if !(f >= 0 && f < 1<<40) {
		return 0
	}
	return uint64(f) * mib
}

// explain turns a client error into one line naming the server, never its
// credentials.
func (r *Reader) explain(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("no answer within %s", r.timeout)
	}
	return fmt.Errorf("the Prometheus server at %s: %s", r.address, strings.TrimSpace(sanitize.Text(msg)))
}
