package local

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/inputfile"
	"github.com/headroom-dev/headroom/internal/sanitize"
)

// maxRepos bounds how many repositories of one cache are read: a cache of
// thousands is read up to this many, and the place says so.
const maxRepos = 5000

// scanHF reads a Hugging Face hub cache: each models--ORG--NAME folder's
// snapshot (refs/main, else its only snapshot), as huggingface_hub lays it
// out (file_download.py). A repository of GGUF files yields its files.
func scanHF(root string) ([]Found, string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, "unreadable: " + oneLine(err)
	}
	var out []Found
	note := ""
	repos := 0
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), "models--")
		if !ok || !e.IsDir() {
			continue
		}
		if repos++; repos > maxRepos {
			note = fmt.Sprintf("read the first %d repositories only", maxRepos)
			break
		}
		id := strings.Replace(name, "--", "/", 1)
		out = append(out, hfRepo(filepath.Join(root, e.Name()), id)...)
	}
	return out, note
}

// hfRepo reads one cached repository.
func hfRepo(dir, id string) []Found {
	bad := func(why string) []Found {
		return []Found{{Origin: KindHF, Name: clean(id), Path: clean(dir), Format: Safetensors, Problem: why}}
	}
	snap, err := snapshot(dir)
	if err != nil {
		return bad(oneLine(err))
	}
	files, err := os.ReadDir(snap)
	if err != nil {
		return bad("unreadable snapshot: " + oneLine(err))
	}
	downloading := incomplete(dir)
	var ggufs []string
	hasConfig := false
	for _, f := range files {
		switch n := f.Name(); {
		case n == "config.json":
			hasConfig = true
		case strings.HasSuffix(n, ".gguf"):
			ggufs = append(ggufs, filepath.Join(snap, n))
		}
	}
	if len(ggufs) > 0 {
		found := ggufFiles(ggufs, KindHF)
		for i := range found {
			if downloading > 0 && found[i].Problem != "" {
				found[i].Partial, found[i].Problem = "downloading", ""
			}
		}
		return found
	}
	if !hasConfig {
		if downloading > 0 {
			return []Found{{Origin: KindHF, Name: clean(id), Path: clean(snap), Format: Safetensors, Partial: "downloading"}}
		}
		return nil // a dataset, a tokenizer, or a repository of other files
	}
	return []Found{checkpoint(KindHF, id, snap, downloading)}
}

// snapshot is the repository's snapshot: the revision refs/main names,
// else its only snapshot.
func snapshot(dir string) (string, error) {
	if b, err := inputfile.Read(filepath.Join(dir, "refs", "main"), 1<<10); err == nil {
		rev := strings.TrimSpace(string(b))
		if rev != "" && !strings.ContainsAny(rev, `/\`) && rev != "." && rev != ".." {
			return filepath.Join(dir, "snapshots", rev), nil
		}
	}
	snaps, err := os.ReadDir(filepath.Join(dir, "snapshots"))
	if err != nil {
		return "", fmt.Errorf("no snapshot: %w", err)
	}
	var dirs []string
	for _, s := range snaps {
		if s.IsDir() {
			dirs = append(dirs, s.Name())
		}
	}
	if len(dirs) != 1 {
		return "", fmt.Errorf("no refs/main and %d snapshots: cannot tell which is current", len(dirs))
	}
	return filepath.Join(dir, "snapshots", dirs[0]), nil
}

// incomplete counts the blobs still downloading (blobs/*.incomplete).
func incomplete(dir string) int {
	blobs, err := os.ReadDir(filepath.Join(dir, "blobs"))
	if err != nil {
		return 0
	}
	n := 0
	for _, b := range blobs {
		if strings.HasSuffix(b.Name(), ".incomplete") {
			n++
		}
	}
	return n
}

// checkpoint reads a safetensors checkpoint folder: its config, and its
// weights from the index, every shard the index names being present. A
// shard missing, or a blob still downloading, is a partial download.
func checkpoint(origin Kind, id, dir string, downloading int) Found {
	f := Found{Origin: origin, Name: clean(id), Path: clean(dir), Format: Safetensors}
	if f.Name != id || f.Path != dir {
		f.Problem = "its name or path holds control or invisible characters; headroom will not print it"
		return f
	}
	present, total, err := shards(dir)
	switch {
	case err != nil:
		f.Problem = oneLine(err)
		return f
	case present < total || downloading > 0:
		f.Partial = fmt.Sprintf("downloading: %d of %d shards", present, total)
		return f
	}
	m, err := fit.LoadCheckpoint(inputfile.DirFS(dir), dir, "config.json")
	if err != nil {
		f.Problem = oneLine(err)
		return f
	}
	m.ID, m.Name = id, id
	f.Model, f.WeightsBytes, f.Precision = m, m.WeightsBytes, m.NativeFormat()
	if m.WeightsBytes == 0 {
		f.Problem = "no safetensors weights in the folder"
	}
	return f
}

// shards counts the shards the index names that are present (a dangling
// link into blobs/ is not), and how many it names; a folder without an
// index counts its *.safetensors files, all present.
func shards(dir string) (present, total int, err error) {
	data, err := inputfile.Read(filepath.Join(dir, fit.IndexFile), fit.MaxIndexBytes)
	if err != nil {
		if !os.IsNotExist(err) {
			return 0, 0, fmt.Errorf("reading %s: %w", fit.IndexFile, err)
		}
		entries, err := os.ReadDir(dir) // listed, never globbed: the name may hold any character
		if err != nil {
			return 0, 0, err
		}
		n := 0
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".safetensors") {
				n++
			}
		}
		return n, n, nil
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return 0, 0, fmt.Errorf("reading %s: %w", fit.IndexFile, err)
	}
	var names []string
	for _, s := range idx.WeightMap {
		names = append(names, s)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	for _, n := range names {
		if !fs.ValidPath(n) {
			return 0, 0, fmt.Errorf("%s names a shard outside the folder: %q", fit.IndexFile, sanitize.Text(n))
		}
		if st, err := os.Stat(filepath.Join(dir, n)); err == nil && st.Mode().IsRegular() {
			present++
		}
	}
	return present, len(names), nil
}

// clean is s as it may be printed.
func clean(s string) string { return sanitize.Text(s) }
