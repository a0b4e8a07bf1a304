package fit

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// oneLineCatalogue is a catalogue of n models on a single line, made from
// the shipped catalogue's entries with new ids: the layout that made
// finding each entry's line quadratic.
// With bare set, each entry keeps only its config, as a catalogue written
// by a script might.
func oneLineCatalogue(tb testing.TB, n int, bare bool) string {
	data, err := os.ReadFile("../models.json")
	if err != nil {
		tb.Fatal(err)
	}
	var entries []map[string]any
	if err := json.Unmarshal(data, &entries); err != nil {
		tb.Fatal(err)
	}
	parts := make([]string, n)
	for i := range parts {
		e := entries[i%len(entries)]
		out := e
		if bare {
			out = map[string]any{}
			for k, v := range e {
				switch k {
				case "source", "name", "family", "released", "params", "active_params":
				default:
					out[k] = v
				}
			}
		}
		out["id"] = fmt.Sprintf("%s-%d", e["id"], i)
		b, err := json.Marshal(out)
		if err != nil {
			tb.Fatal(err)
		}
		parts[i] = string(b)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func BenchmarkLoad20000ModelsOnOneLine(b *testing.B) {
	for _, bare := range []bool{false, true} {
		name := "with sources"
		if bare {
			name = "configs only"
		}
		b.Run(name, func(b *testing.B) {
			doc := oneLineCatalogue(b, 20000, bare)
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				ms, err := Load(strings.NewReader(doc), "models.json")
				if err != nil || len(ms) != 20000 {
					b.Fatal(len(ms), err)
				}
			}
		})
	}
}
