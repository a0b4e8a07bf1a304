package fit

import (
	"fmt"
	"io"
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

	Config

	shp  *shape    // derived at load; nil for a Model built by hand
	file *ggufFile // the GGUF file it was read from; nil otherwise
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
