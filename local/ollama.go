package local

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/headroom-dev/headroom/internal/inputfile"
)

// ollamaModelLayer is the media type of the layer that holds the GGUF
// weights in an Ollama manifest (server/images.go in ollama/ollama).
const ollamaModelLayer = "application/vnd.ollama.image.model"

// ollamaRegistry is where `ollama pull` keeps manifests of models from the
// public registry: manifests/registry.ollama.ai/NAMESPACE/MODEL/TAG.
const ollamaRegistry = "registry.ollama.ai"

// sha256Digest is the digest form Ollama accepts for a blob.
var sha256Digest = regexp.MustCompile(`^sha256[:-][0-9a-fA-F]{64}$`)

// maxManifestBytes bounds a manifest: a real one is under 2 KB.
const maxManifestBytes = 1 << 20

// OllamaModel is one Ollama model: its name and its weights' blob.
type OllamaModel struct {
	Name string // MODEL:TAG, or NAMESPACE/MODEL:TAG outside "library"
	Blob string // the GGUF blob under blobs/
	Err  error  // why the manifest or its blob cannot be used
}

// OllamaModels lists the manifests under root/manifests/registry.ollama.ai
// and the blob each names (blobs/sha256-HEX, as Ollama's GetBlobsPath in
// server/modelpath.go turns a digest into a file name).
func OllamaModels(root string) ([]OllamaModel, error) {
	base := filepath.Join(root, "manifests", ollamaRegistry)
	var out []OllamaModel
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == base {
				return err
			}
			out = append(out, OllamaModel{Name: clean(path), Err: err})
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(base, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 3 {
			return nil
		}
		name := parts[1] + ":" + parts[2]
		if parts[0] != "library" {
			name = parts[0] + "/" + name
		}
		blob, err := manifestBlob(root, path)
		out = append(out, OllamaModel{Name: name, Blob: blob, Err: err})
		return nil
	})
	return out, err
}

// manifestBlob is the model layer's blob a manifest names.
func manifestBlob(root, manifest string) (string, error) {
	data, err := inputfile.Read(manifest, maxManifestBytes)
	if err != nil {
		return "", err
	}
	var m struct {
		Layers []struct {
			MediaType string `json:"mediaType"`
			Digest    string `json:"digest"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("manifest is not JSON: %w", err)
	}
	for _, l := range m.Layers {
		if l.MediaType != ollamaModelLayer {
			continue
		}
		if !sha256Digest.MatchString(l.Digest) {
			return "", fmt.Errorf("manifest names a digest that is not sha256: %q", clean(l.Digest))
		}
		blob := filepath.Join(root, "blobs", strings.Replace(l.Digest, ":", "-", 1))
		if _, err := os.Stat(blob); err != nil {
			return "", fmt.Errorf("manifest names a missing blob %s", filepath.Base(blob))
		}
		return blob, nil
	}
	return "", fmt.Errorf("manifest has no model layer")
}

// scanOllama reads every Ollama model: its manifest, then its blob's
// GGUF header.
func scanOllama(root string) ([]Found, string) {
	models, err := OllamaModels(root)
	if err != nil && len(models) == 0 {
		if os.IsNotExist(err) {
			return nil, "no manifests"
		}
		return nil, "unreadable: " + oneLine(err)
	}
	var out []Found
	for _, om := range models {
		if om.Err != nil {
			out = append(out, Found{Origin: KindOllama, Name: clean(om.Name), Path: clean(om.Blob), Format: GGUFFormat, Problem: oneLine(om.Err)})
			continue
		}
		f := ggufFound(KindOllama, om.Name, om.Blob)
		if f.Model.File() != nil {
			f.Model.ID, f.Model.Name = om.Name, om.Name
		}
		out = append(out, f)
	}
	return out, ""
}
