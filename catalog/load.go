package catalog

import (
	"bytes"
	"fmt"
	"io"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/inputfile"
)

// MaxFileBytes bounds a catalogue file: a catalogue of 20,000 models, each
// with its sources, is about 75 MB, and the built-in ones are under 100 KB.
const MaxFileBytes = 128 << 20

// File is where a catalogue comes from: the file a flag named, or the
// bytes built into the program.
type File struct {
	Flag    string // the flag that names a file, for errors: "--models"
	Path    string // the file; "" for the built-in catalogue
	Name    string // the built-in catalogue's name: "models.json"
	Builtin []byte
}

// open reads the file (a regular file of at most MaxFileBytes, under the
// input rules) or the built-in bytes, and names it for errors.
func (f File) open() (io.Reader, string, error) {
	if f.Path == "" {
		return bytes.NewReader(f.Builtin), f.Name + " (built in)", nil
	}
	b, err := inputfile.Read(f.Path, MaxFileBytes)
	if err != nil {
		return nil, f.Path, fmt.Errorf("%s: %w", f.Flag, err)
	}
	return bytes.NewReader(b), f.Path, nil
}

// LoadModels loads a model catalogue. Every error names the flag or the
// file, line and field; text a terminal would obey is refused, so what is
// loaded prints as it is.
func LoadModels(f File) ([]fit.Model, error) {
	r, name, err := f.open()
	if err != nil {
		return nil, err
	}
	return fit.Load(r, name)
}

// LoadCards loads a card catalogue, with the same rules as LoadModels.
func LoadCards(f File) ([]Card, error) {
	r, name, err := f.open()
	if err != nil {
		return nil, err
	}
	return ReadCards(r, name)
}
