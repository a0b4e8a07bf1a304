package fit

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadRefusesTextATerminalWouldObey(t *testing.T) {
	shape := `"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10`
	for name, tc := range map[string]struct{ field, value string }{
		"OSC 52 in the id":         {"id", "evil\x1b]52;c;cm0gLXJmIH4=\x07/model"},
		"clear screen in the name": {"name", "Model\x1b[2J"},
		"bidi override in family":  {"family", "qwen\u202E3"},
		"zero-width in model_type": {"model_type", "lla\u200Bma"},
		"newline in a source":      {"source", "x"},
	} {
		t.Run(name, func(t *testing.T) {
			entry := map[string]any{"id": "a/b"}
			if tc.field == "source" {
				entry["source"] = map[string]string{"params": "model card\nrm -rf"}
			} else {
				entry[tc.field] = tc.value
			}
			b, err := json.Marshal(entry)
			require.NoError(t, err)
			doc := "[\n" + strings.TrimSuffix(string(b), "}") + ", " + shape + "}\n]"
			_, err = Load(strings.NewReader(doc), "models.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), `models.json:2:`)
			assert.Contains(t, err.Error(), `field "`+tc.field+`"`)
			assert.NotContains(t, err.Error(), "\x1b", "the error itself must be printable")
		})
	}
	_, err := LoadConfig(strings.NewReader(`{"model_type": "llama\u202E", `+shape+`}`), "config.json")
	assert.ErrorContains(t, err, `config.json:1:2: field "model_type"`)
}
