package local

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"

	gguf "github.com/gpustack/gguf-parser-go"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/inputfile"
)

// Bounds on a folder of GGUF files: how deep the search goes, and how many
// files it reads, so a home folder given with --scan stays quick.
const (
	maxDepth = 6
	maxFiles = 2000
)

// splitName matches the shards of a split GGUF, as llama.cpp's gguf-split
// names them: NAME-00001-of-00003.gguf.
var splitName = regexp.MustCompile(`^(.*)-([0-9]{5})-of-([0-9]{5})\.gguf$`)

// scanGGUFDir finds the GGUF files under root, to maxDepth folders deep,
// following no symlinked folder. Checkpoint folders (config.json beside
// *.safetensors) found on the way are read too.
func scanGGUFDir(root string) ([]Found, string) {
	var files []string
	var out []Found
	note := ""
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			out = append(out, Found{Origin: KindGGUF, Name: clean(filepath.Base(path)), Path: clean(path), Format: GGUFFormat,
				Problem: "unreadable: " + oneLine(err)})
			return nil
		}
		if d.IsDir() {
			if rel, _ := filepath.Rel(root, path); strings.Count(rel, string(filepath.Separator)) >= maxDepth {
				return filepath.SkipDir
			}
			if path != root && isCheckpoint(path) {
				out = append(out, checkpoint(KindGGUF, filepath.Base(path), path, 0))
			}
			return nil
		}
		if strings.HasSuffix(strings.ToLower(d.Name()), ".gguf") {
			if len(files) == maxFiles {
				note = fmt.Sprintf("read the first %d GGUF files only", maxFiles)
				return filepath.SkipAll
			}
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, "unreadable: " + oneLine(err)
	}
	return append(out, ggufFiles(files, KindGGUF)...), note
}

// isCheckpoint reports whether dir holds a config.json beside safetensors.
func isCheckpoint(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err != nil {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".safetensors") {
			return true
		}
	}
	return false
}

// ggufFiles reads GGUF files: a split model once, from its first shard,
// all its shards being present; vision projectors (mmproj) are not models.
func ggufFiles(paths []string, origin Kind) []Found {
	present := map[string]bool{}
	for _, p := range paths {
		present[p] = true
	}
	var out []Found
	for _, p := range paths {
		base := filepath.Base(p)
		if strings.HasPrefix(strings.ToLower(base), "mmproj") {
			continue
		}
		name := strings.TrimSuffix(base, filepath.Ext(base))
		if m := splitName.FindStringSubmatch(base); m != nil {
			if m[2] != "00001" {
				continue
			}
			name = m[1]
			var missing int
			var n int
			fmt.Sscan(m[3], &n)
			for i := 2; i <= n; i++ {
				if !present[filepath.Join(filepath.Dir(p), fmt.Sprintf("%s-%05d-of-%s.gguf", m[1], i, m[3]))] {
					missing++
				}
			}
			if missing > 0 {
				out = append(out, Found{Origin: origin, Name: clean(name), Path: clean(p), Format: GGUFFormat,
					Partial: fmt.Sprintf("downloading: %d of %d parts", n-missing, n)})
				continue
			}
		}
		out = append(out, ggufFound(origin, name, p))
	}
	return out
}

// ggufFound reads one GGUF model (the first shard of a split one).
func ggufFound(origin Kind, name, path string) Found {
	f := Found{Origin: origin, Name: clean(name), Path: clean(path), Format: GGUFFormat}
	if f.Name != name || f.Path != path {
		f.Problem = "its name or path holds control or invisible characters, or is not UTF-8; headroom will not print it"
		return f
	}
	g, err := ReadGGUF(path)
	if err != nil {
		f.Problem = oneLine(err)
		return f
	}
	f.Precision, f.WeightsBytes = g.FileType, g.TensorBytes
	m, err := fit.FromGGUF(g, path)
	if err != nil {
		f.Problem = oneLine(err)
		return f
	}
	m.Name = name
	f.Model = m
	return f
}

// ReadGGUF reads a GGUF file's header and tensor table (and those of the
// other parts of a split file) with gguf-parser-go, skipping the large
// metadata arrays (the tokenizer's) and never reading tensor data. A file
// that is not regular, is truncated, or claims counts its size cannot
// hold is an error naming it.
func ReadGGUF(path string) (g fit.GGUF, err error) {
	if err := inputfile.Check(path); err != nil {
		return fit.GGUF{}, err
	}
	// The file is mapped, not read: skipping a tokenizer's 150,000 strings
	// by read calls costs a system call each. A file that shrinks while
	// mapped faults on access; panicking on the fault turns that into the
	// error below instead of a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil { // the parser panics on a few read failures
			g, err = fit.GGUF{}, fmt.Errorf("%s: not a readable GGUF file (%v)", path, r)
		}
	}()
	gf, err := gguf.ParseGGUFFile(path, gguf.SkipLargeMetadata(), gguf.UseMMap())
	if err != nil {
		return fit.GGUF{}, fmt.Errorf("%s: not a readable GGUF file: %w", path, err)
	}
	// The parser works out its architecture layer by layer: a header
	// claiming billions of blocks would take it minutes. Refuse it first.
	arch := gf.Metadata().Architecture
	if v, ok := gf.Header.MetadataKV.Get(arch + ".block_count"); ok {
		if n := gguf.ValueNumeric[uint64](v); n > fit.MaxLayers {
			return fit.GGUF{}, fmt.Errorf("%s: %s.block_count %d is beyond any real model (at most %d): field num_hidden_layers", path, arch, n, fit.MaxLayers)
		}
	}
	return fromParser(gf), nil
}

// fromParser copies what the fit engine needs from the parsed file.
func fromParser(gf *gguf.GGUFFile) fit.GGUF {
	a, md := gf.Architecture(), gf.Metadata()
	g := fit.GGUF{
		Architecture: md.Architecture, FileType: strings.TrimPrefix(md.FileType.String(), "MOSTLY_"),
		TensorBytes: int64(gf.ModelSize), Params: int64(gf.ModelParameters),
		ContextLength: clampInt(a.MaximumContextLength), Embedding: clampInt(a.EmbeddingLength), Blocks: clampInt(a.BlockCount),
		Heads: clampInt(a.AttentionHeadCount), HeadsKV: clampInt(a.AttentionHeadCountKV), KeyLength: int(a.AttentionKeyLength),
		Experts: int(a.ExpertCount), ExpertsUsed: int(a.ExpertUsedCount), ExpertFeedForward: clampInt(a.ExpertFeedForwardLength),
		SlidingWindow: clampInt(a.AttentionSlidingWindow), Vocab: clampInt(a.VocabularyLength),
	}
	if len(a.FeedForwardLength) > 0 {
		g.FeedForward = clampInt(a.FeedForwardLength[0])
	}
	if a.AttentionSlidingWindowPattern > 1 {
		g.SlidingWindowPattern = int(a.AttentionSlidingWindowPattern)
	}
	for _, t := range gf.TensorInfos {
		if t.Name == "token_embd.weight" && len(t.Dimensions) == 2 {
			g.Vocab = clampInt(t.Dimensions[1])
		}
	}
	return g
}

// clampInt is n as an int, held below 2^62 so that a header's absurd
// count reaches the engine's bounds as a large number, never a negative.
func clampInt(n uint64) int {
	return int(min(n, 1<<62))
}

// LoadGGUF reads the model in the GGUF file at path (the first part of a
// split file), named by its path: what `headroom fit PATH` grades.
func LoadGGUF(path string) (fit.Model, error) {
	g, err := ReadGGUF(path)
	if err != nil {
		return fit.Model{}, err
	}
	if clean(path) != path {
		return fit.Model{}, fmt.Errorf("%q: the path holds control or invisible characters, or is not UTF-8; headroom will not print it", clean(path))
	}
	m, err := fit.FromGGUF(g, path)
	if err != nil {
		return fit.Model{}, err
	}
	m.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return m, nil
}
