package local

import (
	"path/filepath"
)

// Kind is the layout of a place that holds models.
type Kind string

// The kinds of place scanned.
const (
	KindHF     Kind = "hf"     // a Hugging Face hub cache: models--ORG--NAME/snapshots/REV
	KindGGUF   Kind = "gguf"   // a folder of GGUF files, searched to a bounded depth
	KindOllama Kind = "ollama" // Ollama's models folder: manifests/ and blobs/
)

// Root is one place to scan, and what chose it.
type Root struct {
	Kind  Kind   `json:"kind"`
	Path  string `json:"path"`
	Label string `json:"label"` // "Hugging Face cache ($HF_HOME/hub)", "LM Studio", "--scan", …
}

// DefaultRoots are the places the runtimes keep models, from the
// environment (getenv) and the home folder, then the folders given with
// --scan. The rules are each tool's own:
//   - Hugging Face: $HF_HUB_CACHE, else $HF_HOME/hub, else
//     $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub
//     (huggingface_hub's constants.py).
//   - llama.cpp: $LLAMA_CACHE, else ~/.cache/llama.cpp (common/arg.cpp's
//     fs_get_cache_directory).
//   - LM Studio: ~/.lmstudio/models, and the older ~/.cache/lm-studio/models.
//   - Ollama: $OLLAMA_MODELS, else ~/.ollama/models, else
//     /usr/share/ollama/.ollama/models, where the Linux service keeps them
//     (Ollama's docs/faq.md).
func DefaultRoots(getenv func(string) string, home string, scan []string) []Root {
	var roots []Root
	cache := getenv("XDG_CACHE_HOME")
	if cache == "" && home != "" {
		cache = filepath.Join(home, ".cache")
	}
	switch {
	case getenv("HF_HUB_CACHE") != "":
		roots = append(roots, Root{KindHF, getenv("HF_HUB_CACHE"), "Hugging Face cache ($HF_HUB_CACHE)"})
	case getenv("HF_HOME") != "":
		roots = append(roots, Root{KindHF, filepath.Join(getenv("HF_HOME"), "hub"), "Hugging Face cache ($HF_HOME/hub)"})
	case cache != "":
		roots = append(roots, Root{KindHF, filepath.Join(cache, "huggingface", "hub"), "Hugging Face cache"})
	}
	switch {
	case getenv("LLAMA_CACHE") != "":
		roots = append(roots, Root{KindGGUF, getenv("LLAMA_CACHE"), "llama.cpp cache ($LLAMA_CACHE)"})
	case cache != "":
		roots = append(roots, Root{KindGGUF, filepath.Join(cache, "llama.cpp"), "llama.cpp cache"})
	}
	if home != "" {
		roots = append(roots, Root{KindGGUF, filepath.Join(home, ".lmstudio", "models"), "LM Studio"},
			Root{KindGGUF, filepath.Join(home, ".cache", "lm-studio", "models"), "LM Studio (older releases)"})
	}
	switch {
	case getenv("OLLAMA_MODELS") != "":
		roots = append(roots, Root{KindOllama, getenv("OLLAMA_MODELS"), "Ollama ($OLLAMA_MODELS)"})
	default:
		if home != "" {
			roots = append(roots, Root{KindOllama, filepath.Join(home, ".ollama", "models"), "Ollama"})
		}
		roots = append(roots, Root{KindOllama, "/usr/share/ollama/.ollama/models", "Ollama (Linux service)"})
	}
	for _, d := range scan {
		roots = append(roots, Root{KindGGUF, d, "--scan"})
	}
	return roots
}
