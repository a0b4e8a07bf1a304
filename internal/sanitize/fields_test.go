package sanitize

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type inner struct {
	Method string   `json:"quant_method"`
	Names  []string `json:"names"`
}

type outer struct {
	ID     string            `json:"id"`
	Source map[string]string `json:"source"`
	inner
	Quant  *inner `json:"quantization_config,omitempty"`
	hidden string
	Count  int `json:"count"`
}

func TestUnsafeFieldNamesTheField(t *testing.T) {
	for name, tc := range map[string]struct {
		v           outer
		field, text string
	}{
		"clean":         {outer{ID: "Qwen/Qwen3-32B", Source: map[string]string{"a": "b"}, hidden: "\x1b[2J"}, "", ""},
		"id":            {outer{ID: "x\x1b]52;c;aGk=\x07"}, "id", "x\x1b]52;c;aGk=\x07"},
		"map value":     {outer{Source: map[string]string{"params": "model card\u202E"}}, "source", "model card\u202E"},
		"map key":       {outer{Source: map[string]string{"\x1b[2J": "x"}}, "source", "\x1b[2J"},
		"embedded list": {outer{inner: inner{Names: []string{"ok", "zero\u200Bwidth"}}}, "names", "zero\u200Bwidth"},
		"pointer":       {outer{Quant: &inner{Method: "awq\n"}}, "quant_method", "awq\n"},
		"invalid UTF-8": {outer{ID: "a\xffb"}, "id", "a\xffb"},
	} {
		t.Run(name, func(t *testing.T) {
			field, text, bad := UnsafeField(&tc.v)
			assert.Equal(t, tc.field != "", bad)
			assert.Equal(t, tc.field, field)
			assert.Equal(t, tc.text, text)
		})
	}
}
