package fit

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/headroom-dev/headroom/internal/sanitize"
)

// Input limits for a checkpoint folder: a config.json is a few KB (the
// largest real ones, with per-layer block_configs, are under 100 KB), and
// a safetensors index lists one line per tensor (a few MB for the largest
// checkpoints).
const (
	MaxConfigBytes = 4 << 20
	MaxIndexBytes  = 64 << 20
)

// IndexFile names the index of a sharded safetensors checkpoint.
const IndexFile = "model.safetensors.index.json"

// LoadCheckpoint reads the model in a checkpoint folder, fsys: its config
// file (config, usually "config.json"), and its weights' size from the
// index's metadata.total_size, or else the sum of the folder's
// *.safetensors files; WeightsBytes stays 0 when it has neither, and the
// weights are then counted from the config. dir is the folder as the user
// named it: the model's id (what `vllm serve` takes) and the start of
// every error's file name. The folder is listed, never globbed, so its
// name may hold any character but those a terminal would obey.
func LoadCheckpoint(fsys fs.FS, dir, config string) (Model, error) {
	if sanitize.Text(dir) != dir {
		return Model{}, fmt.Errorf("%q: the folder's name holds control or invisible formatting characters; headroom will not print it", sanitize.Text(dir))
	}
	name := path.Join(dir, config)
	data, err := readBounded(fsys, config, name, MaxConfigBytes)
	if err != nil {
		return Model{}, err
	}
	m, err := LoadConfig(strings.NewReader(string(data)), name)
	if err != nil {
		return Model{}, err
	}
	size, err := checkpointBytes(fsys, dir)
	if err != nil {
		return Model{}, err
	}
	m.ID, m.Name, m.WeightsBytes = dir, path.Base(dir), size
	return m, nil
}

// readBounded reads file from fsys, refusing one larger than limit. name
// is the file as errors give it.
func readBounded(fsys fs.FS, file, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB, far beyond any real file of its kind", name, limit>>20)
	}
	return data, nil
}

// checkpointBytes sizes the folder's weights: the index's
// metadata.total_size, or else the sum of its *.safetensors files; 0 when
// it has neither. An index that is there but cannot be read or parsed is
// an error, never a reason to guess.
func checkpointBytes(fsys fs.FS, dir string) (int64, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return 0, fmt.Errorf("listing %s: %w", dir, err)
	}
	// The index is looked for in the listing, so that one which is there
	// but cannot be read (a dangling link) is an error, not an absence.
	if slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == IndexFile }) {
		total, err := indexBytes(fsys, path.Join(dir, IndexFile))
		if err != nil || total > 0 {
			return total, err
		}
	}
	var total int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".safetensors") {
			continue
		}
		shard := path.Join(dir, e.Name())
		st, err := fs.Stat(fsys, e.Name()) // follows the symlinks a Hugging Face cache holds
		if err != nil {
			return 0, fmt.Errorf("sizing %s: %w", shard, err)
		}
		if !st.Mode().IsRegular() {
			return 0, fmt.Errorf("sizing %s: not a regular file", shard)
		}
		if total += st.Size(); total < 0 || total > MaxCheckpointBytes {
			return 0, fmt.Errorf("sizing %s: the shards add up to more than any real checkpoint (at most %d bytes)", dir, int64(MaxCheckpointBytes))
		}
	}
	return total, nil
}

// indexBytes is the index's metadata.total_size; 0 when it gives none.
// idx names the index in errors.
func indexBytes(fsys fs.FS, idx string) (int64, error) {
	data, err := readBounded(fsys, IndexFile, idx, MaxIndexBytes)
	if err != nil {
		return 0, err
	}
	var v struct {
		Metadata struct {
			TotalSize int64 `json:"total_size"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return 0, fmt.Errorf("reading %s: %w", idx, err)
	}
	switch total := v.Metadata.TotalSize; {
	case total < 0:
		return 0, fmt.Errorf("%s: metadata.total_size %d is negative", idx, total)
	case total > MaxCheckpointBytes:
		return 0, fmt.Errorf("%s: metadata.total_size %d is beyond any real checkpoint (at most %d)", idx, total, int64(MaxCheckpointBytes))
	default:
		return total, nil
	}
}
