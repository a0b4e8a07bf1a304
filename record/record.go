// Package record appends every sample the UI takes to a file, one JSON
// line each (the document `headroom snapshot --json` prints), for plotting
// an experiment's memory afterwards. The file is rotated at a size limit,
// keeping one previous file.
package record

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
	"github.com/headroom-dev/headroom/report"
)

// DefaultMaxBytes is the size at which the file is rotated: FILE becomes
// FILE.1 (replacing an older one) and FILE starts again.
const DefaultMaxBytes = 1 << 30

// Recorder appends samples to a file.
type Recorder struct {
	path    string
	max     int64
	listed  []local.Listed
	cards   []catalog.Card
	context int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// Open opens path for appending (creating it), to record samples graded
// for the listed models at context ctx. A path that exists and is not a
// regular file (a directory, a FIFO, a device) is refused.
func Open(path string, maxBytes int64, listed []local.Listed, cards []catalog.Card, ctx int) (*Recorder, error) {
	if maxBytes < 1<<20 {
		return nil, fmt.Errorf("--record-max: at least 1 MiB, so that a sample fits")
	}
	r := &Recorder{path: path, max: maxBytes, listed: listed, cards: cards, context: ctx}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// open opens the file for appending, after checking what is there.
func (r *Recorder) open() error {
	if st, err := os.Lstat(r.path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("--record %s: not a regular file (%s)", r.path, st.Mode().Type())
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("--record %s: %w", r.path, err)
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--record %s: %w", r.path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("--record %s: %w", r.path, err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends snap as one line: the snapshot document for GPU 0 (a
// sample with no GPU is recorded without fits). Each line is written with
// one call, so a reader never sees half a sample.
func (r *Recorder) Write(snap gpu.Snapshot) error {
	doc := report.NewSnapshot(snap, 0, r.listed, r.cards, r.context)
	line, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("recording a sample: %w", err)
	}
	line = append(line, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return fmt.Errorf("--record %s: closed", r.path)
	}
	if r.size > 0 && r.size+int64(len(line)) > r.max {
		if err := r.rotate(); err != nil {
			return err
		}
	}
	n, err := r.f.Write(line)
	r.size += int64(n)
	if err != nil {
		return fmt.Errorf("--record %s: %w", r.path, err)
	}
	return nil
}

// rotate moves the file to FILE.1 and starts a new one.
func (r *Recorder) rotate() error {
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("--record %s: %w", r.path, err)
	}
	r.f = nil
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		return fmt.Errorf("--record %s: rotating: %w", r.path, err)
	}
	return r.open()
}

// Close closes the file.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// Source wraps src so that every sample it gives is recorded, in the
// goroutine that samples (never the UI's event loop). A failing write is
// reported to failed, once, and recording stops; sampling goes on, each
// sample carrying a note that says so.
func Source(src gpu.Source, r *Recorder, failed func(error)) gpu.Source {
	return &source{Source: src, r: r, failed: failed}
}

type source struct {
	gpu.Source
	r      *Recorder
	failed func(error)
	once   sync.Once
	mu     sync.Mutex
	broken error // why recording stopped
}

// Sample samples and records.
func (s *source) Sample(ctx context.Context) (gpu.Snapshot, error) {
	snap, err := s.Source.Sample(ctx)
	if err != nil {
		return snap, err
	}
	s.mu.Lock()
	broken := s.broken
	s.mu.Unlock()
	if broken == nil {
		if werr := s.r.Write(snap); werr != nil {
			s.mu.Lock()
			s.broken, broken = werr, werr
			s.mu.Unlock()
			s.once.Do(func() { s.failed(werr) })
		}
	}
	if broken != nil {
		snap.Notes = append(snap.Notes, "recording stopped: "+broken.Error())
	}
	return snap, nil
}

// Close closes the source and the recording.
func (s *source) Close() error {
	return errors.Join(s.Source.Close(), s.r.Close())
}
