package local

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/inputfile"
)

// OllamaName is how Ollama names a model: MODEL:TAG, or
// NAMESPACE/MODEL:TAG.
var OllamaName = regexp.MustCompile(`^([a-z0-9._-]+/)?[a-z0-9._-]+:[A-Za-z0-9._-]+$`)

// Ollama is the Ollama model named MODEL:TAG (or NAMESPACE/MODEL:TAG),
// from every Ollama folder of roots; false when none has it.
func Ollama(roots []Root, name string) (fit.Model, bool, error) {
	for _, r := range roots {
		if r.Kind != KindOllama {
			continue
		}
		models, _ := OllamaModels(r.Path)
		for _, om := range models {
			if om.Name != name {
				continue
			}
			if om.Err != nil {
				return fit.Model{}, true, fmt.Errorf("%s: %w", name, om.Err)
			}
			m, err := LoadGGUF(om.Blob)
			if err != nil {
				return fit.Model{}, true, fmt.Errorf("%s: %w", name, err)
			}
			m.ID, m.Name = name, name
			return m, true, nil
		}
	}
	return fit.Model{}, false, nil
}

// LoadConfigPath reads a checkpoint folder, or a config file in one:
// either way the folder's files size the weights.
func LoadConfigPath(p string) (fit.Model, error) {
	st, err := os.Stat(p)
	if err != nil {
		return fit.Model{}, err
	}
	dir, config := p, "config.json"
	if !st.IsDir() {
		dir, config = filepath.Dir(p), filepath.Base(p)
	}
	return fit.LoadCheckpoint(inputfile.DirFS(dir), dir, config)
}
