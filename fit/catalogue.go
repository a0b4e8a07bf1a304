package fit

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/headroom-dev/headroom/internal/jsonpos"
	"github.com/headroom-dev/headroom/internal/sanitize"
)

// Model is one catalogue entry: headroom's own facts about a model, then
// its Hugging Face config.json fields (Config, inline in the JSON).
type Model struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Family   string `json:"family"`
	Released string `json:"released,omitempty"`
	// PublishedParams and PublishedActiveParams are the counts the
	// publisher or the Hub states ("params", "active_params"); 0 when
	// not read. Params and ActiveParams derive the counts from Config.
	PublishedParams       int64 `json:"params,omitempty"`
	PublishedActiveParams int64 `json:"active_params,omitempty"`
	// WeightsBytes is the checkpoint's size on disk (safetensors
	// metadata.total_size); 0 when not read.
	WeightsBytes int64 `json:"weights_bytes,omitempty"`
	// Source says where each fact came from.
	Source map[string]string `json:"source,omitempty"`
	// GGUF is a published GGUF conversion that llama-server -hf loads,
	// with the quant tags its files carry; nil when none is known.
	GGUF *Repo `json:"gguf,omitempty"`
	// Quantized are published checkpoints vLLM serves as they are, by
	// precision (fp8, int8, awq4); a precision without one has none known.
	Quantized map[Precision]*Repo `json:"quantized,omitempty"`

	Config

	shp  *shape    // derived at load; nil for a Model built by hand
	file *ggufFile // the GGUF file it was read from; nil otherwise
}

// repoName is a Hugging Face repository id, ORG/NAME, and quantTag a
// GGUF quant tag: both go into command lines, so nothing else passes.
var (
	repoName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$`)
	quantTag = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_]*$`)
)

// checkRepos refuses a published repository that is not a plain ORG/NAME,
// a quant tag that is not one, a precision with no pre-quantised form, or
// a repository without a source.
func (m *Model) checkRepos() (string, error) {
	check := func(field string, r *Repo) (string, error) {
		switch {
		case r == nil || !repoName.MatchString(r.Repo):
			return field + ".repo", fmt.Errorf("a repository is named ORG/NAME")
		case strings.TrimSpace(r.Source) == "":
			return field + ".source", fmt.Errorf("every repository needs a source")
		}
		for _, q := range r.Quants {
			if !quantTag.MatchString(q) {
				return field + ".quants", fmt.Errorf("%q is not a GGUF quant tag such as Q4_K_M", q)
			}
		}
		return "", nil
	}
	if m.GGUF != nil {
		if f, err := check("gguf", m.GGUF); err != nil {
			return f, err
		}
	}
	for p, r := range m.Quantized {
		if p != FP8 && p != INT8 && p != AWQ4 {
			return "quantized", fmt.Errorf("%q has no pre-quantised checkpoint: fp8, int8 or awq4", p)
		}
		if f, err := check("quantized."+string(p), r); err != nil {
			return f, err
		}
	}
	return "", nil
}

// Repo is a published Hugging Face repository of a model's weights.
type Repo struct {
	Repo   string   `json:"repo"`             // ORG/NAME
	Quants []string `json:"quants,omitempty"` // a GGUF repository's quant tags: "Q4_K_M", "BF16"
	Source string   `json:"source"`           // where it is published and quoted
}

// shape returns the derived shape, computing it if Load did not.
func (m Model) shape() (*shape, error) {
	if m.file != nil && m.file.unmodelled != "" {
		return nil, fmt.Errorf("%s: %w", m.file.unmodelled, ErrUnsupported)
	}
	if m.shp != nil {
		return m.shp, nil
	}
	return newShape(&m.Config)
}

// Load reads a model catalogue, a JSON array of Model entries. name is the
// file name used in errors, which give the line, column and field.
func Load(r io.Reader, name string) ([]Model, error) {
	elems, err := jsonpos.ReadArray(r, name)
	if err != nil {
		return nil, err
	}
	models := make([]Model, 0, len(elems))
	seen := make(map[string]int, len(elems))
	for _, e := range elems {
		var m Model
		if err := e.Decode(&m, false); err != nil {
			// Decoded again as a bare config, a type error in a config
			// field names it plainly rather than as "Config.field".
			if cerr := e.Decode(&m.Config, false); cerr != nil {
				return nil, cerr
			}
			return nil, err
		}
		if err := checkText(e, &m); err != nil {
			return nil, err
		}
		if strings.TrimSpace(m.ID) == "" {
			return nil, e.Errorf("id", "every model needs an id")
		}
		key := strings.ToLower(m.ID)
		if line, dup := seen[key]; dup {
			return nil, e.Errorf("id", "%q is already the id of the entry on line %d", m.ID, line)
		}
		seen[key] = e.Line
		if err := m.prepare(e); err != nil {
			return nil, err
		}
		models = append(models, m)
	}
	if len(models) == 0 {
		return nil, fmt.Errorf("%s: the model catalogue is empty", name)
	}
	return models, nil
}

// LoadConfig reads one Hugging Face config.json. name, used in errors, is
// also the model's id and name. A caller that knows the checkpoint's size
// (the sum of its safetensors files) sets WeightsBytes on the result.
func LoadConfig(r io.Reader, name string) (Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Model{}, fmt.Errorf("reading %s: %w", name, err)
	}
	e, err := jsonpos.ParseObject(data, name)
	if err != nil {
		return Model{}, err
	}
	var m Model
	if err := e.Decode(&m.Config, false); err != nil {
		return Model{}, err
	}
	if err := checkText(e, &m); err != nil {
		return Model{}, err
	}
	m.ID, m.Name = name, name
	if err := m.prepare(e); err != nil {
		return Model{}, err
	}
	return m, nil
}

// checkText refuses an entry holding text a terminal would obey or hide
// (escape sequences, control characters, bidirectional overrides,
// zero-width characters), naming the field.
func checkText(e jsonpos.Element, m *Model) error {
	if f, v, bad := sanitize.UnsafeField(m); bad {
		return e.Errorf(f, "%q holds control or invisible formatting characters; headroom will not print it", v)
	}
	return nil
}

// prepare checks the entry for impossible values and derives its shape.
func (m *Model) prepare(e jsonpos.Element) error {
	if err := m.check(e); err != nil {
		return err
	}
	s, err := newShape(&m.Config)
	if err != nil {
		return e.Errorf("", "model %q: %v", m.ID, err)
	}
	m.shp = s
	return nil
}

// check rejects values no real model has.
func (m *Model) check(e jsonpos.Element) error {
	c := m.text()
	bad := func(f, format string, args ...any) error {
		return e.Errorf(f, "model %q: "+format, append([]any{m.ID}, args...)...)
	}
	if f, err := m.checkBounds(); err != nil {
		return bad(f, "%v", err)
	}
	if f, err := m.checkRepos(); err != nil {
		return bad(f, "%v", err)
	}
	layers := firstPositive(c.NumHiddenLayers, c.NLayer)
	heads := firstPositive(c.NumAttentionHeads, c.NHead)
	kv := firstPositive(c.NumKeyValueHeads, c.NHeadKV, c.NumKVHeads)
	switch {
	case layers == 0 && len(c.BlockConfigs) == 0:
		return bad("num_hidden_layers", "a model needs at least one layer")
	case c.HiddenSize == 0:
		return bad("hidden_size", "a model needs a hidden size")
	case heads == 0:
		return bad("num_attention_heads", "a model needs at least one attention head")
	case c.VocabSize == 0:
		return bad("vocab_size", "a model needs a vocabulary")
	case kv > heads:
		return bad("num_key_value_heads", "%d KV heads is more than the %d attention heads", kv, heads)
	case kv > 0 && heads%kv != 0:
		return bad("num_key_value_heads", "%d KV heads do not divide the %d attention heads", kv, heads)
	case c.HeadDim == 0 && c.HiddenSize%heads != 0:
		return bad("num_attention_heads", "%d heads do not divide hidden_size %d (and head_dim is not given)", heads, c.HiddenSize)
	case len(c.BlockConfigs) > 0 && layers > 0 && len(c.BlockConfigs) != layers:
		return bad("block_configs", "%d blocks for %d layers", len(c.BlockConfigs), layers)
	case len(c.LayerTypes) > 0 && layers > 0 && len(c.LayerTypes) != layers:
		return bad("layer_types", "%d layer types for %d layers", len(c.LayerTypes), layers)
	case c.NumExpertsPerTok > max(c.NumExperts, c.NumLocalExperts) && max(c.NumExperts, c.NumLocalExperts) > 0:
		return bad("num_experts_per_tok", "%d active experts of %d", c.NumExpertsPerTok, max(c.NumExperts, c.NumLocalExperts))
	}
	for _, t := range c.LayerTypes {
		switch t {
		case "full_attention", "sliding_attention", "chunked_attention", "linear_attention":
		default:
			return bad("layer_types", "unknown layer type %q", t)
		}
	}
	for _, l := range c.MLPOnlyLayers {
		if l < 0 || l >= max(layers, 1) {
			return bad("mlp_only_layers", "layer %d is out of range", l)
		}
	}
	for i, b := range c.BlockConfigs {
		if f := b.FFN.FFNMult; !(f >= 0 && f <= 64) {
			return bad("ffn_mult", "block %d: ffn_mult %v is out of range (0 to 64)", i, f)
		}
	}
	return nil
}
