package local

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/sanitize"
)

// Format is how a model's weights are stored.
type Format string

// The formats headroom reads.
const (
	Safetensors Format = "safetensors"
	GGUFFormat  Format = "gguf"
)

// Found is one model found on this machine.
type Found struct {
	Origin Kind   // where it was found: hf, gguf or ollama
	Name   string // ORG/NAME, MODEL:TAG, or the file's name
	Path   string // the snapshot folder, or the .gguf file (the first of a split)
	Format Format
	// Precision is how the file stores its weights: a GGUF file's type
	// ("Q4_K_M"), or a checkpoint's native format ("bf16").
	Precision string
	// WeightsBytes is the exact bytes of the weights: the index's
	// total_size with every shard present, or a GGUF file's tensors.
	WeightsBytes int64
	Model        fit.Model // what the matrix grades; zero when Problem is set
	// Partial says a download is not finished ("downloading: 12 of 17
	// shards"): the model cannot load yet and is not graded.
	Partial string
	// Problem says, in one line, why the model cannot be used.
	Problem string
}

// Usable reports whether the model can be graded.
func (f Found) Usable() bool { return f.Partial == "" && f.Problem == "" }

// Place is one place scanned, and what came of it.
type Place struct {
	Root
	Found int    `json:"found"` // models found there
	Note  string `json:"note"`  // why it was skipped ("not present"), or what went wrong there
}

// Result is what a scan found.
type Result struct {
	Models []Found
	Places []Place
}

// Scan looks in every root, in order, and returns what it found, sorted
// by origin and name. It never writes, follows no symlinked folder (so a
// loop cannot trap it), reads GGUF headers only, and turns every fault
// into one line on the model or the place.
func Scan(roots []Root) Result {
	var res Result
	for _, r := range roots {
		p := Place{Root: r}
		st, err := os.Stat(r.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			p.Note = "not present"
		case err != nil:
			p.Note = "unreadable: " + oneLine(err)
		case !st.IsDir():
			p.Note = "not a folder"
		}
		if p.Note == "" {
			var found []Found
			switch r.Kind {
			case KindHF:
				found, p.Note = scanHF(r.Path)
			case KindGGUF:
				found, p.Note = scanGGUFDir(r.Path)
			case KindOllama:
				found, p.Note = scanOllama(r.Path)
			}
			p.Found = len(found)
			res.Models = append(res.Models, found...)
		}
		p.Path, p.Label = clean(p.Path), clean(p.Label) // an environment variable or --scan may hold anything
		res.Places = append(res.Places, p)
	}
	slices.SortStableFunc(res.Models, func(a, b Found) int {
		return cmp.Or(cmp.Compare(a.Origin, b.Origin), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Path, b.Path))
	})
	return res
}

// oneLine is an error as one clean line.
func oneLine(err error) string { return sanitize.Text(fmt.Sprint(err)) }
