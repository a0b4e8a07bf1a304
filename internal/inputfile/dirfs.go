package inputfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// DirFS is the folder dir as an fs.FS under the input rules: Open refuses
// anything but a regular file (after symlinks), without blocking, and the
// names are the folder's own (fs.ValidPath), so none escapes it. Stat
// follows symlinks, as a Hugging Face cache's snapshot folders need.
func DirFS(dir string) fs.FS { return dirFS(dir) }

type dirFS string

// path joins a valid name to the folder.
func (d dirFS) path(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return filepath.Join(string(d), filepath.FromSlash(name)), nil
}

// Open opens a regular file of the folder.
func (d dirFS) Open(name string) (fs.File, error) {
	p, err := d.path("open", name)
	if err != nil {
		return nil, err
	}
	return Open(p)
}

// Stat describes a file of the folder, following symlinks.
func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	p, err := d.path("stat", name)
	if err != nil {
		return nil, err
	}
	return os.Stat(p)
}

// ReadDir lists a folder of the folder.
func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := d.path("readdir", name)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(p)
}
