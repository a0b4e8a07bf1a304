package report

import (
	"bytes"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/absent"
)

// ModelRow is one model as `headroom models --json` prints it. Counts are
// derived from the config; published figures are null when unknown.
type ModelRow struct {
	ID                 string     `json:"id"`
	Name               string     `json:"name"`
	Family             string     `json:"family"`
	Released           string     `json:"released,omitempty"`
	Params             int64      `json:"params"`
	ActiveParams       int64      `json:"active_params"`
	PublishedParams    *int64     `json:"published_params"`
	NativePrecision    string     `json:"native_precision"`
	WeightsBytes       uint64     `json:"weights_bytes"` // at native precision, as vLLM loads it
	MaxContext         int        `json:"max_context"`   // 0 when the config does not say
	KVBytesPer1KTokens int64      `json:"kv_bytes_per_1k_tokens"`
	BF16WeightsBytes   uint64     `json:"bf16_weights_bytes"`
	CheckpointBytes    *int64     `json:"checkpoint_bytes"`
	ModelType          string     `json:"model_type,omitempty"`
	NativeQuantization string     `json:"native_quantization,omitempty"`
	Layers             fit.Layers `json:"layers"`
	// SlidingOrHybridLayout is Layers.Mixed: some layer is other than
	// full attention.
	SlidingOrHybridLayout bool `json:"sliding_or_hybrid_layout"`
}

// ModelRows derives the listing, one row a model.
func ModelRows(ms []fit.Model) []ModelRow {
	rows := make([]ModelRow, len(ms))
	for i, m := range ms {
		rows[i] = modelRow(m)
	}
	return rows
}

func modelRow(m fit.Model) ModelRow {
	r := ModelRow{ID: m.ID, Name: m.Name, Family: m.Family, Released: m.Released,
		Params: m.Params(), ActiveParams: m.ActiveParams(), PublishedParams: absent.Null(m.PublishedParams),
		KVBytesPer1KTokens: m.KVBytesPerToken() * 1024, MaxContext: m.ContextLimit(),
		CheckpointBytes: absent.Null(m.WeightsBytes), ModelType: m.ModelType, NativePrecision: m.NativeFormat(),
		Layers: m.Layers()}
	r.SlidingOrHybridLayout = r.Layers.Mixed()
	if e, err := m.Estimate(fit.Request{Precision: fit.BF16, Context: 1}); err == nil {
		r.BF16WeightsBytes = e.WeightsBytes
	}
	if e, err := m.Estimate(fit.Request{Precision: fit.Native, Context: 1}); err == nil {
		r.WeightsBytes = e.WeightsBytes
	}
	if q := m.QuantizationConfig; q != nil {
		r.NativeQuantization = q.QuantMethod
	}
	return r
}

// WriteModelsText writes the listing as a table.
func WriteModelsText(w io.Writer, rows []ModelRow) error {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tPARAMS\tACTIVE\tNATIVE\tWEIGHTS\tMAX CONTEXT\tKV/1K TOKENS\tLAYERS")
	for _, r := range rows {
		active := "-"
		if r.ActiveParams < r.Params {
			active = billions(r.ActiveParams)
		}
		ctx := "?"
		if r.MaxContext > 0 {
			ctx = fit.FormatContext(r.MaxContext)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f MiB\t%s\n", r.ID, billions(r.Params), active,
			r.NativePrecision, fit.FormatGiB(r.WeightsBytes), ctx, float64(r.KVBytesPer1KTokens)/(1<<20), layers(r.Layers))
	}
	tw.Flush() // into a bytes.Buffer: cannot fail
	return flush(w, &b)
}

// layers writes a layout as "64 full" or "10 full + 52 sliding".
func layers(l fit.Layers) string {
	s := ""
	for _, k := range []struct {
		n    int
		name string
	}{{l.Full, "full"}, {l.Sliding, "sliding"}, {l.Chunked, "chunked"}, {l.Linear, "linear"}, {l.None, "none"}} {
		if k.n == 0 {
			continue
		}
		if s != "" {
			s += " + "
		}
		s += fmt.Sprintf("%d %s", k.n, k.name)
	}
	if s == "" {
		return "?"
	}
	return s
}
