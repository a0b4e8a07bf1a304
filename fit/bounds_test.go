package fit

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qwen3NextConfig is a valid Qwen3-Next config (Qwen/Qwen3-Next-80B-A3B
// config.json) as a map, so that tests can set any one field.
func qwen3NextConfig() map[string]any {
	return map[string]any{
		"model_type": "qwen3_next", "hidden_size": 2048, "intermediate_size": 5120,
		"num_hidden_layers": 48, "num_attention_heads": 16, "num_key_value_heads": 2, "head_dim": 256,
		"vocab_size": 151936, "max_position_embeddings": 262144, "num_experts": 512,
		"num_experts_per_tok": 10, "moe_intermediate_size": 512, "shared_expert_intermediate_size": 512,
		"decoder_sparse_step": 1, "full_attention_interval": 4, "linear_num_key_heads": 16,
		"linear_num_value_heads": 32, "linear_key_head_dim": 128, "linear_value_head_dim": 128,
		"linear_conv_kernel_dim": 4,
	}
}

// setPath sets a dotted field ("vision_config.patch_size",
// "block_configs[0].attention.window_length") in a config map.
func setPath(cfg map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	cur := cfg
	for _, p := range parts[:len(parts)-1] {
		if i := strings.IndexByte(p, '['); i >= 0 {
			list, _ := cur[p[:i]].([]any)
			if len(list) == 0 {
				list = []any{map[string]any{}}
				cur[p[:i]] = list
			}
			cur = list[0].(map[string]any)
			continue
		}
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = v
}

func loadMap(t *testing.T, cfg map[string]any) (Model, error) {
	t.Helper()
	data, err := json.Marshal(cfg)
	require.NoError(t, err)
	return LoadConfig(strings.NewReader(string(data)), "config.json")
}

// TestEveryBoundIsEnforced sets each bounded field, one at a time, just
// outside its range and just inside it; the first must be refused naming
// the field, the second must not be refused for that field.
func TestEveryBoundIsEnforced(t *testing.T) {
	full := Model{Config: Config{VisionConfig: &VisionConfig{}, QuantizationConfig: &QuantizationConfig{},
		BlockConfigs: []BlockConfig{{}}}}
	index := regexp.MustCompile(`\[\d+\]`)
	for _, f := range full.bounds() {
		path := f.name
		if path == "params" || path == "active_params" || path == "weights_bytes" {
			continue // catalogue fields, checked by TestLoadRejectsImpossibleValues
		}
		leaf := path[strings.LastIndexAny(path, ".]")+1:]
		for _, v := range []int64{f.min - 1, f.max + 1} {
			t.Run(fmt.Sprintf("%s=%d", path, v), func(t *testing.T) {
				cfg := qwen3NextConfig()
				setPath(cfg, index.ReplaceAllString(path, "[0]"), v)
				_, err := loadMap(t, cfg)
				require.Error(t, err)
				assert.Contains(t, err.Error(), fmt.Sprintf("field %q", path))
				assert.Contains(t, err.Error(), fmt.Sprint(v))
			})
		}
		t.Run(path+" in range", func(t *testing.T) {
			cfg := qwen3NextConfig()
			setPath(cfg, index.ReplaceAllString(path, "[0]"), f.max)
			_, err := loadMap(t, cfg)
			if err != nil { // other rules may refuse it; the bound must not
				assert.NotContains(t, err.Error(), fmt.Sprintf("%d is beyond any real model", f.max), leaf)
			}
		})
	}
}

// TestNegativeLinearHeads is the reported case: a negative
// linear_num_value_heads once wrapped to 146 GiB of weights and a total
// of 5.6 GiB that "fit".
func TestNegativeLinearHeads(t *testing.T) {
	cfg := qwen3NextConfig()
	cfg["linear_num_value_heads"] = -65000
	_, err := loadMap(t, cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `field "linear_num_value_heads"`)
	assert.Contains(t, err.Error(), "-65000 is negative")
}

// TestDimensionsBeyondRealModels: every field within its bound, the
// product far beyond any model: an out-of-range error, never a number.
func TestDimensionsBeyondRealModels(t *testing.T) {
	cases := map[string]map[string]any{
		"dense": {"hidden_size": maxDim, "intermediate_size": maxDim, "num_hidden_layers": maxLayers,
			"num_attention_heads": 1024, "vocab_size": maxVocab},
		"recurrent state": func() map[string]any {
			c := qwen3NextConfig()
			c["linear_num_value_heads"], c["linear_key_head_dim"], c["linear_value_head_dim"] = maxHeads, maxDim, maxDim
			c["full_attention_interval"] = maxLayers
			return c
		}(),
		"vision": {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10,
			"vision_config": map[string]any{"hidden_size": maxDim, "num_hidden_layers": maxLayers}},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := loadMap(t, cfg)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrOutOfRange) || strings.Contains(err.Error(), "beyond any real model"), err.Error())
		})
	}
}

// TestEveryIntFieldHasABound walks the config types: an integer field
// added without a bound fails here.
func TestEveryIntFieldHasABound(t *testing.T) {
	full := Model{Config: Config{VisionConfig: &VisionConfig{}, QuantizationConfig: &QuantizationConfig{},
		BlockConfigs: []BlockConfig{{}}}}
	bounded := map[string]bool{}
	for _, f := range full.bounds() {
		bounded[f.name[strings.LastIndexAny(f.name, ".]")+1:]] = true
	}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(typ reflect.Type) {
		if seen[typ] { // text_config nests a Config: checked as the top one
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.Struct:
				walk(ft)
			case ft.Kind() == reflect.Int || ft.Kind() == reflect.Int64:
				if f.Type.Kind() == reflect.Slice {
					continue // layer index lists: checked against the layer count
				}
				assert.True(t, bounded[name], "%s.%s (%q) has no bound", typ.Name(), f.Name, name)
			}
		}
	}
	walk(reflect.TypeOf(full))
}
