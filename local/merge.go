package local

import "github.com/headroom-dev/headroom/fit"

// OriginCatalogue marks a model known only from the catalogue.
const OriginCatalogue Kind = "catalogue"

// Listed is a model as headroom lists it: a catalogue model, a model
// found on this machine, or both (a cached checkpoint of a catalogue
// model).
type Listed struct {
	Model       fit.Model
	Origin      Kind   // catalogue, hf, gguf or ollama
	InCatalogue bool   // the catalogue has it
	Found       *Found // where it was found on this machine; nil for the catalogue only
}

// Merge lists the catalogue's models, then the usable models found on
// this machine. A found checkpoint whose id is a catalogue model's is
// that model, listed once, found here too; the catalogue's facts (its
// sources, its published counts) stay, and the found files' exact bytes
// size it.
func Merge(catalogue []fit.Model, found []Found) []Listed {
	out := make([]Listed, 0, len(catalogue)+len(found))
	index := make(map[string]int, len(catalogue))
	for i, m := range catalogue {
		out = append(out, Listed{Model: m, Origin: OriginCatalogue, InCatalogue: true})
		index[m.ID] = i
	}
	for i := range found {
		f := &found[i]
		if !f.Usable() {
			continue
		}
		if j, ok := index[f.Model.ID]; ok && f.Format == Safetensors {
			out[j].Origin, out[j].Found = f.Origin, f
			if f.WeightsBytes > 0 {
				out[j].Model.WeightsBytes = f.WeightsBytes
			}
			continue
		}
		out = append(out, Listed{Model: f.Model, Origin: f.Origin, Found: f})
	}
	return out
}

// Models is the fit models of a listing, in order.
func Models(ls []Listed) []fit.Model {
	out := make([]fit.Model, len(ls))
	for i, l := range ls {
		out[i] = l.Model
	}
	return out
}

// Lookup finds the listed model a server names: a repository id, the path
// of a file or folder found here, or an Ollama blob; false when none.
func Lookup(ls []Listed, model string) (Listed, bool) {
	for _, l := range ls {
		if l.Model.ID == model || l.Found != nil && l.Found.Path == model {
			return l, true
		}
	}
	return Listed{}, false
}
