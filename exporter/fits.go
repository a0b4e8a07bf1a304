package exporter

import (
	"strconv"

	dto "github.com/prometheus/client_model/go"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/report"
)

// The fit families: models × precisions × contexts × statuses on every
// GPU, nine in ten of a page's series. They are built as the exposition
// format's own structures (client_model's dto), label pairs shared between
// series and storage allocated in blocks, rather than through const
// metrics and a registry's gather: that costs a third of the time for the
// same text, once per changed sample.
const (
	fitName      = "headroom_model_fit"
	fitHelp      = "1 for the model's status on this GPU now, 0 for the other statuses (fits, fits-shorter, needs-freeing, too-big, n/a)."
	headroomName = "headroom_model_headroom_bytes"
	headroomHelp = "Free memory minus what the model needs at this precision and context: negative is memory to free first. Absent for n/a."
	maxCtxName   = "headroom_model_max_context_tokens"
	maxCtxHelp   = "Longest context that fits in the free memory now, in steps of 256 tokens; 0 when none of 4K or more does. Absent for n/a."
)

// fitFamilies grades every model at every precision and context on each
// GPU of snap that can be graded, and returns the three families (nil
// when there is nothing to say).
func (e *Exporter) fitFamilies(snap gpu.Snapshot) []*dto.MetricFamily {
	fam := func(name, help string) *dto.MetricFamily {
		t := dto.MetricType_GAUGE
		return &dto.MetricFamily{Name: &name, Help: &help, Type: &t}
	}
	fits, rooms, ctxs := fam(fitName, fitHelp), fam(headroomName, headroomHelp), fam(maxCtxName, maxCtxHelp)
	o := e.opts
	pair := func(name, value string) *dto.LabelPair { return &dto.LabelPair{Name: &name, Value: &value} }
	statusPairs := make([]*dto.LabelPair, len(Statuses))
	for i, s := range Statuses {
		statusPairs[i] = pair("status", s)
	}
	ctxPairs := make([]*dto.LabelPair, len(o.Contexts))
	for i, c := range o.Contexts {
		ctxPairs[i] = pair("context", strconv.Itoa(c))
	}
	var blk block
	for _, d := range snap.Devices {
		if d.Lost {
			continue
		}
		b, err := catalog.Budget(e.cards, d)
		if err != nil {
			continue // a MIG or unreadable GPU: nothing graded, as everywhere else
		}
		uuid, idx := pair("UUID", d.UUID), pair("gpu", strconv.Itoa(d.Index))
		for _, m := range e.models {
			model := pair("model", m.ID)
			for _, p := range o.Precisions {
				rt := m.RuntimeFor(p, o.Runtime)
				prec, run := pair("precision", string(p)), pair("runtime", string(rt))
				for i, ctx := range o.Contexts {
					v := fit.Grade(m, fit.Request{Precision: p, Runtime: rt, Context: ctx}, b)
					status := report.StatusName(v)
					// Label pairs in name order, as a registry writes them.
					base := []*dto.LabelPair{uuid, ctxPairs[i], idx, model, prec, run}
					for k, s := range Statuses {
						fits.Metric = append(fits.Metric, blk.metric(boolValue(s == status), base, statusPairs[k]))
					}
					if status == report.NotGraded {
						continue
					}
					rooms.Metric = append(rooms.Metric, blk.metric(float64(b.FreeBytes)-float64(v.RequiredBytes), base))
					if i == 0 {
						ctxs.Metric = append(ctxs.Metric, blk.metric(float64(v.MaxContext), []*dto.LabelPair{uuid, idx, model, prec, run}))
					}
				}
			}
		}
	}
	var out []*dto.MetricFamily
	for _, f := range []*dto.MetricFamily{fits, rooms, ctxs} {
		if len(f.Metric) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// block hands out metrics from storage allocated a few thousand at a time.
type block struct {
	metrics []dto.Metric
	gauges  []dto.Gauge
	values  []float64
	labels  []*dto.LabelPair
}

// blockSize is how many metrics one allocation holds.
const blockSize = 4096

// metric is a gauge of value v labelled with base and then extra.
func (b *block) metric(v float64, base []*dto.LabelPair, extra ...*dto.LabelPair) *dto.Metric {
	if len(b.metrics) == 0 {
		b.metrics, b.gauges, b.values = make([]dto.Metric, blockSize), make([]dto.Gauge, blockSize), make([]float64, blockSize)
	}
	n := len(base) + len(extra)
	if len(b.labels) < n {
		b.labels = make([]*dto.LabelPair, blockSize*8)
	}
	m, g, val := &b.metrics[0], &b.gauges[0], &b.values[0]
	b.metrics, b.gauges, b.values = b.metrics[1:], b.gauges[1:], b.values[1:]
	*val = v
	g.Value = val
	ls := b.labels[:n:n]
	b.labels = b.labels[n:]
	copy(ls, base)
	copy(ls[len(base):], extra)
	m.Label, m.Gauge = ls, g
	return m
}
