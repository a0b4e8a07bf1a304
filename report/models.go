package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/absent"
	"github.com/headroom-dev/headroom/local"
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
	// Where the model is: the catalogue, or found on this machine (hf,
	// gguf, ollama); InCatalogue when the catalogue has it too.
	Origin      local.Kind `json:"origin"`
	InCatalogue bool       `json:"in_catalogue"`
	Path        *string    `json:"path"`      // the file or folder found; null for the catalogue only
	Format      string     `json:"format"`    // safetensors or gguf
	Precision   string     `json:"precision"` // how the weights are stored: a GGUF file's own type, or bf16, fp8…
	// Status is "ready", or for a model found that cannot be graded
	// "downloading" or "unusable", with Problem saying why.
	Status  string  `json:"status"`
	Problem *string `json:"problem,omitempty"`
}

// ModelRows derives the listing, one row a model: the catalogue's and
// those found here (ls), then those found that cannot be graded.
func ModelRows(ls []local.Listed, found []local.Found) []ModelRow {
	rows := make([]ModelRow, 0, len(ls))
	for _, l := range ls {
		r := modelRow(l.Model)
		r.Origin, r.InCatalogue, r.Status = l.Origin, l.InCatalogue, "ready"
		r.Format, r.Precision = string(local.Safetensors), r.NativePrecision
		if f := l.Found; f != nil {
			r.Path, r.Format, r.Precision = absent.Null(f.Path), string(f.Format), f.Precision
		}
		rows = append(rows, r)
	}
	for _, f := range found {
		if f.Usable() {
			continue
		}
		r := ModelRow{ID: f.Name, Name: f.Name, Origin: f.Origin, Path: absent.Null(f.Path), Format: string(f.Format),
			Precision: f.Precision, Status: "unusable", Problem: absent.Null(f.Problem)}
		if f.Partial != "" {
			r.Status, r.Problem = "downloading", absent.Null(f.Partial)
		}
		rows = append(rows, r)
	}
	return rows
}

func modelRow(m fit.Model) ModelRow {
	r := ModelRow{ID: m.ID, Name: m.Name, Family: m.Family, Released: m.Released,
		Params: m.Params(), ActiveParams: m.ActiveParams(), PublishedParams: absent.Null(m.PublishedParams),
		KVBytesPer1KTokens: m.KVBytesPerToken() * 1024, MaxContext: knownLimit(m),
		CheckpointBytes: absent.Null(m.WeightsBytes), ModelType: m.ModelType, NativePrecision: m.NativeFormat(),
		Layers: m.Layers()}
	r.SlidingOrHybridLayout = r.Layers.Mixed()
	if e, err := m.Estimate(fit.Request{Precision: fit.BF16, Context: 1}); err == nil {
		r.BF16WeightsBytes = e.WeightsBytes
	}
	if e, err := m.Estimate(fit.Request{Precision: fit.Native, Runtime: m.RuntimeFor(fit.Native, fit.VLLM), Context: 1}); err == nil {
		r.WeightsBytes = e.WeightsBytes
	} else if f := m.File(); f != nil {
		r.WeightsBytes = uint64(f.TensorBytes) // an architecture not modelled: its tensors, exactly
	}
	if f := m.File(); f != nil {
		r.NativePrecision = f.FileType
	}
	if q := m.QuantizationConfig; q != nil {
		r.NativeQuantization = q.QuantMethod
	}
	return r
}

// WriteModelsText writes the listing as a table.
func WriteModelsText(w io.Writer, rows []ModelRow) error {
	var b page
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tFROM\tPARAMS\tACTIVE\tNATIVE\tWEIGHTS\tMAX CONTEXT\tKV/1K TOKENS\tLAYERS")
	fp32 := false
	for _, r := range rows {
		if r.Status != "ready" {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Origin, *r.Problem)
			continue
		}
		active := "-"
		if r.ActiveParams < r.Params {
			active = billions(r.ActiveParams)
		}
		ctx := "?"
		if r.MaxContext > 0 {
			ctx = fit.FormatContext(r.MaxContext)
		}
		native := r.NativePrecision
		if native == "fp32" && r.Format != "gguf" {
			native, fp32 = "fp32*", true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f MiB\t%s\n", listedName(r), from(r), billions(r.Params), active,
			native, fit.FormatGiB(r.WeightsBytes), ctx, float64(r.KVBytesPer1KTokens)/(1<<20), layers(r.Layers))
	}
	tw.Flush() // into a bytes.Buffer: cannot fail
	if fp32 {
		fmt.Fprintln(&b, "* an fp32 checkpoint: vLLM and llama.cpp load it at 16 bits, and its weights are sized so")
	}
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

// listedName is how the table names a model: its id, or for a GGUF file
// (whose id is its path) the file's name.
func listedName(r ModelRow) string {
	if r.Origin == local.KindGGUF && r.Format == string(local.GGUFFormat) {
		return r.Name
	}
	return r.ID
}

// from names where a row's model is: "catalogue", "hf", or "hf+catalogue"
// for a catalogue model found here too.
func from(r ModelRow) string {
	if r.InCatalogue && r.Origin != local.OriginCatalogue {
		return string(r.Origin) + "+catalogue"
	}
	return string(r.Origin)
}

// WritePlacesText writes where a scan looked and what it found there.
func WritePlacesText(w io.Writer, places []local.Place) error {
	var b page
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PLACE\tPATH\tFOUND")
	for _, p := range places {
		found := fmt.Sprint(p.Found)
		if p.Note != "" {
			found += " (" + p.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Label, p.Path, found)
	}
	tw.Flush() // into a bytes.Buffer: cannot fail
	return flush(w, &b)
}

// LocalModels is `headroom models --local --json`: every place looked in,
// and the models found there.
type LocalModels struct {
	Places []local.Place `json:"places"`
	Models []ModelRow    `json:"models"`
}

// LocalRows keeps the rows of models found on this machine.
func LocalRows(rows []ModelRow) []ModelRow {
	out := []ModelRow{}
	for _, r := range rows {
		if r.Origin != local.OriginCatalogue {
			out = append(out, r)
		}
	}
	return out
}

// knownLimit is the model's stated context limit; 0 (unknown) when its
// config states none.
func knownLimit(m fit.Model) int {
	if !m.ContextLimitKnown() {
		return 0
	}
	return m.ContextLimit()
}
