package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// modelsCmd is `headroom models`.
type modelsCmd struct {
	JSON bool `name:"json" help:"Print JSON instead of a table."`
}

// modelRow is one model as `headroom models --json` prints it. Counts
// are derived from the config; published figures are null when unknown.
type modelRow struct {
	ID                    string `json:"id"`
	Name                  string `json:"name"`
	Family                string `json:"family"`
	Released              string `json:"released,omitempty"`
	Params                int64  `json:"params"`
	ActiveParams          int64  `json:"active_params"`
	PublishedParams       *int64 `json:"published_params"`
	NativePrecision       string `json:"native_precision"`
	WeightsBytes          uint64 `json:"weights_bytes"` // at native precision, as vLLM loads it
	MaxContext            int    `json:"max_context"`   // 0 when the config does not say
	KVBytesPer1KTokens    int64  `json:"kv_bytes_per_1k_tokens"`
	BF16WeightsBytes      uint64 `json:"bf16_weights_bytes"`
	CheckpointBytes       *int64 `json:"checkpoint_bytes"`
	ModelType             string `json:"model_type,omitempty"`
	NativeQuantization    string `json:"native_quantization,omitempty"`
	SlidingOrHybridLayout bool   `json:"sliding_or_hybrid_layout"`
}

// rowFor derives one listing row.
func rowFor(m fit.Model) modelRow {
	r := modelRow{ID: m.ID, Name: m.Name, Family: m.Family, Released: m.Released,
		Params: m.Params(), ActiveParams: m.ActiveParams(),
		KVBytesPer1KTokens: m.KVBytesPerToken() * 1024, MaxContext: m.ContextLimit(),
		ModelType: m.ModelType, NativePrecision: m.NativeFormat()}
	if m.PublishedParams > 0 {
		r.PublishedParams = &m.PublishedParams
	}
	if m.WeightsBytes > 0 {
		r.CheckpointBytes = &m.WeightsBytes
	}
	if e, err := m.Estimate(fit.Request{Precision: fit.BF16, Context: 1}); err == nil {
		r.BF16WeightsBytes = e.WeightsBytes
	}
	if e, err := m.Estimate(fit.Request{Precision: fit.Native, Context: 1}); err == nil {
		r.WeightsBytes = e.WeightsBytes
	}
	if q := m.QuantizationConfig; q != nil {
		r.NativeQuantization = q.QuantMethod
	}
	c := m.Config
	if m.TextConfig != nil {
		c = *m.TextConfig
	}
	r.SlidingOrHybridLayout = len(c.LayerTypes) > 0 || c.AttentionChunkSize > 0 || c.FullAttentionInterval > 0 ||
		strings.HasPrefix(c.ModelType, "gemma2") || strings.HasPrefix(c.ModelType, "gemma3") || len(c.BlockConfigs) > 0
	return r
}

// Run lists the catalogue: parameters, KV per 1K tokens, BF16 weights.
func (c *modelsCmd) Run(a *app) error {
	ms, err := a.models()
	if err != nil {
		return err
	}
	rows := make([]modelRow, len(ms))
	for i, m := range ms {
		rows[i] = rowFor(m)
	}
	if c.JSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	w := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "MODEL\tPARAMS\tACTIVE\tNATIVE\tWEIGHTS\tMAX CONTEXT\tKV/1K TOKENS")
	for _, r := range rows {
		active := "-"
		if r.ActiveParams < r.Params {
			active = billions(r.ActiveParams)
		}
		ctx := "?"
		if r.MaxContext > 0 {
			ctx = fit.FormatContext(r.MaxContext)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f MiB\n", gpu.Clean(r.ID), billions(r.Params), active,
			r.NativePrecision, fit.FormatGiB(r.WeightsBytes), ctx, float64(r.KVBytesPer1KTokens)/(1<<20))
	}
	return w.Flush()
}

// billions writes a parameter count as "32.8B".
func billions(n int64) string {
	return fmt.Sprintf("%.1fB", float64(n)/1e9)
}

// findModel picks the model a user named: an exact id or name (any case),
// else the one id or name containing it. Anything else is a usage error
// that lists the candidates, or the closest ids.
func findModel(ms []fit.Model, query string) (fit.Model, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return fit.Model{}, usageError{fmt.Errorf("name a model, or give --config PATH (headroom models lists them)")}
	}
	for _, m := range ms {
		if strings.ToLower(m.ID) == q || strings.ToLower(m.Name) == q {
			return m, nil
		}
	}
	var hits []string
	var hit fit.Model
	for _, m := range ms {
		if strings.Contains(strings.ToLower(m.ID), q) || strings.Contains(strings.ToLower(m.Name), q) {
			hits = append(hits, m.ID)
			hit = m
		}
	}
	switch {
	case len(hits) == 1:
		return hit, nil
	case len(hits) > 1:
		return fit.Model{}, usageError{fmt.Errorf("%q matches several models: %s", gpu.Clean(query), listIDs(hits))}
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	slices.SortStableFunc(ids, func(x, y string) int {
		return distance(q, strings.ToLower(x)) - distance(q, strings.ToLower(y))
	})
	return fit.Model{}, usageError{fmt.Errorf("no model %q in the catalogue; closest: %s (headroom models lists them)",
		gpu.Clean(query), strings.Join(ids[:min(3, len(ids))], ", "))}
}

// listIDs writes up to five ids, comma-separated.
func listIDs(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + fmt.Sprintf(" and %d more", len(ids)-5)
	}
	return strings.Join(ids, ", ")
}

// distance is the edit distance from a query to an id, where the query
// may match anywhere in the id: the cheapest alignment of q against any
// stretch of s (so "qwen32" is close to "qwen/qwen3-32b").
func distance(q, s string) int {
	prev := make([]int, len(s)+1) // aligning q[:0] costs nothing anywhere
	cur := make([]int, len(s)+1)
	for i := 1; i <= len(q); i++ {
		cur[0] = i
		for j := 1; j <= len(s); j++ {
			cost := 1
			if q[i-1] == s[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return slices.Min(prev)
}
