// Package inputfile reads the files headroom is given (catalogues, a
// model's config.json, a checkpoint's index) under the input rules: the
// path must name a regular file, after symlinks; a directory, a named pipe
// (FIFO), a socket or a device is refused without being read, and never in
// a way that blocks; and a file larger than the caller's limit is refused,
// so /dev/zero or a runaway file cannot exhaust memory.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular marks a path that names something other than a regular
// file.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge marks a file larger than the limit it was read with.
var ErrTooLarge = errors.New("file too large")

// Read returns the contents of the regular file at path, which must hold
// at most limit bytes. Errors name the path.
func Read(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, &refusal{fmt.Sprintf("%s is larger than %s, far beyond any real file of its kind", path, size(limit)), ErrTooLarge}
	}
	return data, nil
}

// Open opens the regular file at path for reading. The file is opened
// without blocking (O_NONBLOCK, which a named pipe would otherwise need to
// return from open) and checked again once open, so a file swapped for a
// pipe between the two checks is still refused.
func Open(path string) (*os.File, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = notRegular(path, st.Mode())
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Check reports whether path names a regular file, after symlinks,
// without opening it: the error says what it is otherwise.
func Check(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return notRegular(path, st.Mode())
	}
	return nil
}

// notRegular says what path is instead of a regular file.
func notRegular(path string, m fs.FileMode) error {
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return &refusal{fmt.Sprintf("%s is %s, not a regular file", path, what), ErrNotRegular}
}

// refusal is a file refused under the input rules: its message says why
// in full, and it matches ErrNotRegular or ErrTooLarge with errors.Is.
type refusal struct {
	msg  string
	kind error
}

// Error says why the file was refused.
func (r *refusal) Error() string { return r.msg }

// Unwrap returns ErrNotRegular or ErrTooLarge.
func (r *refusal) Unwrap() error { return r.kind }

// size writes a limit in the largest binary unit that divides it.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
