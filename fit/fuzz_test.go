package fit

import (
	"bytes"
	"os"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load: it must return models or an
// error, never panic, and every model it accepts must be gradable.
func FuzzLoad(f *testing.F) {
	data, err := os.ReadFile("../models.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`[{"id":"x","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100}]`))
	f.Add([]byte(`[{"id":"x","text_config":{"hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":3,"vocab_size":10}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := Load(bytes.NewReader(b), "fuzz.json")
		if err != nil {
			return
		}
		exercise(t, ms)
	})
}

// FuzzLoadConfig does the same for a single config.json.
func FuzzLoadConfig(f *testing.F) {
	f.Add([]byte(`{"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"intermediate_size":14336}`))
	f.Add([]byte(`{"model_type":"gemma3","text_config":{"hidden_size":5376,"num_hidden_layers":62,"num_attention_heads":32,"num_key_value_heads":16,"head_dim":128,"vocab_size":262208,"sliding_window":1024},"vision_config":{"hidden_size":1152,"num_hidden_layers":27,"patch_size":14,"image_size":896}}`))
	f.Add([]byte(`{"model_type":"nemotron-nas","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":10,"block_configs":[{"attention":{"n_heads_in_group":8},"ffn":{"ffn_mult":2}},{"attention":{"no_op":true},"ffn":{"no_op":true}}]}`))
	// Hostile seeds: the reported wrap-arounds and a cache beyond 1 EiB.
	f.Add([]byte(`{"model_type":"qwen3_next","hidden_size":2048,"num_hidden_layers":48,"num_attention_heads":16,"num_key_value_heads":2,"head_dim":256,"vocab_size":151936,"full_attention_interval":4,"linear_num_key_heads":16,"linear_num_value_heads":-65000,"linear_key_head_dim":128,"linear_value_head_dim":128,"linear_conv_kernel_dim":4}`))
	f.Add([]byte(`{"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"intermediate_size":14336,"max_position_embeddings":4611686018427387904}`))
	f.Add([]byte(`{"model_type":"llama","hidden_size":65536,"num_hidden_layers":4096,"num_attention_heads":65536,"head_dim":4,"vocab_size":10,"intermediate_size":16,"max_position_embeddings":1073741824}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := LoadConfig(bytes.NewReader(b), "config.json")
		if err != nil {
			return
		}
		exercise(t, []Model{m})
	})
}

// exercise grades accepted models every way; any panic fails the fuzz.
func exercise(t *testing.T, ms []Model) {
	for _, m := range ms {
		if m.Params() <= 0 {
			t.Fatalf("%s: accepted with %d parameters", m.ID, m.Params())
		}
		for _, rt := range Runtimes {
			for _, p := range Precisions {
				r := Request{Precision: p, Runtime: rt, Context: 8192}
				if e, err := m.Estimate(r); err == nil && e.TotalBytes < e.WeightsBytes {
					t.Fatalf("%s: total %d below weights %d", m.ID, e.TotalBytes, e.WeightsBytes)
				}
				checkGrade(t, m, r, Budget{FreeBytes: 40 * GiB, UsableBytes: 96 * GiB}, m.ID)
			}
		}
	}
	NewMatrix(ms, Precisions, []int{1, 4096}, Request{}, 96*GiB).Overlay(50*GiB, nil)
}
