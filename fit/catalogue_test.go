package fit

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadRejectsImpossibleValues(t *testing.T) {
	base := `"hidden_size": 4096, "num_attention_heads": 32, "vocab_size": 32000`
	tests := map[string]struct {
		entry, want string
	}{
		"zero layers":           {`"num_hidden_layers": 0, ` + base, `models.json:3:1: field "num_hidden_layers": model "m": a model needs at least one layer`},
		"kv heads not dividing": {`"num_hidden_layers": 2, "num_key_value_heads": 12, ` + base, `models.json:3:25: field "num_key_value_heads": model "m": 12 KV heads do not divide the 32 attention heads`},
		"more kv than heads":    {`"num_hidden_layers": 2, "num_key_value_heads": 64, ` + base, `64 KV heads is more than the 32 attention heads`},
		"negative size":         {`"num_hidden_layers": 2, "weights_bytes": -5, ` + base, `field "weights_bytes": model "m": -5 is negative`},
		"no vocabulary":         {`"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4`, `field "vocab_size"`},
		"absurd size":           {`"num_hidden_layers": 4000, "intermediate_size": 16000000, ` + base, `beyond any real model`},
		"too many layers":       {`"num_hidden_layers": 100000, ` + base, `100000 is beyond any real model (at most 4096)`},
		"layer_types length":    {`"num_hidden_layers": 2, "layer_types": ["full_attention"], ` + base, `field "layer_types": model "m": 1 layer types for 2 layers`},
		"wrong type":            {`"num_hidden_layers": "two", ` + base, `models.json:3:27: field "num_hidden_layers": want int, found string`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			doc := "[\n{\"id\": \"m\",\n" + tc.entry + "}\n]"
			_, err := Load(strings.NewReader(doc), "models.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadRejectsDuplicatesAndEmpty(t *testing.T) {
	_, err := Load(strings.NewReader(`[]`), "models.json")
	assert.ErrorContains(t, err, "empty")
	m := `{"id": "a/b", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10}`
	_, err = Load(strings.NewReader("["+m+",\n"+m+"]"), "models.json")
	assert.ErrorContains(t, err, `models.json:2:2: field "id": "a/b" is already the id of the entry on line 1`)
}

func TestLoadConfigNested(t *testing.T) {
	cfg := `{"model_type": "gemma3", "torch_dtype": "bfloat16",
 "text_config": {"hidden_size": 5376, "intermediate_size": 21504, "num_hidden_layers": 62,
  "num_attention_heads": 32, "num_key_value_heads": 16, "head_dim": 128, "vocab_size": 262208,
  "sliding_window": 1024, "sliding_window_pattern": 6, "max_position_embeddings": 131072}}`
	m, err := LoadConfig(strings.NewReader(cfg), "config.json")
	require.NoError(t, err)
	assert.Equal(t, "config.json", m.ID)
	assert.Equal(t, 131072, m.ContextLimit())
	// keras-hub counts Gemma-3-27B's text tower as 27,009,002,240 with a
	// 262,144-row vocabulary; the Hugging Face config has 64 rows more.
	assert.Equal(t, int64(27_009_002_240+64*5376), m.Params())

	_, err = LoadConfig(strings.NewReader(`[1, 2]`), "config.json")
	assert.ErrorContains(t, err, "one JSON object")
	_, err = LoadConfig(strings.NewReader("{\"hidden_size\": 64,\n \"num_attention_heads\": 0}"), "config.json")
	assert.ErrorContains(t, err, "config.json:1:")
	_, err = LoadConfig(strings.NewReader(`{"kv_lora_rank": 512, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10}`), "config.json")
	assert.ErrorContains(t, err, "multi-head latent attention")
}
