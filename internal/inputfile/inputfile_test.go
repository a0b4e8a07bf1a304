package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadReadsARegularFileAndItsSymlink(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "models.json")
	require.NoError(t, os.WriteFile(p, []byte("[]"), 0o644))
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink(p, link))
	for _, path := range []string{p, link} {
		got, err := Read(path, 2)
		require.NoError(t, err)
		assert.Equal(t, "[]", string(got))
	}
}

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	dangling := filepath.Join(dir, "dangling")
	require.NoError(t, os.Symlink(filepath.Join(dir, "gone"), dangling))
	for name, tc := range map[string]struct {
		path, says string
		is         error
	}{
		"directory":   {dir, "is a directory", ErrNotRegular},
		"named pipe":  {fifo, "is a named pipe (FIFO)", ErrNotRegular},
		"device":      {"/dev/null", "is a device", ErrNotRegular},
		"missing":     {filepath.Join(dir, "none.json"), "no such file", fs.ErrNotExist},
		"dangling":    {dangling, "no such file", fs.ErrNotExist},
		"endless":     {"/dev/zero", "is a device", ErrNotRegular},
		"symlink dir": {linkTo(t, dir), "is a directory", ErrNotRegular},
	} {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := Read(tc.path, 1<<20); done <- err }()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.is)
				assert.Contains(t, err.Error(), tc.says)
				assert.Contains(t, err.Error(), tc.path)
			case <-time.After(5 * time.Second):
				t.Fatal("Read blocked")
			}
		})
	}
}

func linkTo(t *testing.T, target string) string {
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(target, link))
	return link
}

func TestReadRefusesAFileOverTheLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(p, []byte(strings.Repeat(" ", 2049)), 0o644))
	_, err := Read(p, 2048)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrTooLarge))
	assert.Contains(t, err.Error(), "larger than 2 KiB")
	got, err := Read(p, 2049)
	require.NoError(t, err)
	assert.Len(t, got, 2049)
}

func TestReadReportsAnUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which reads any file whatever its mode")
	}
	p := filepath.Join(t.TempDir(), "index.json")
	require.NoError(t, os.WriteFile(p, []byte("{}"), 0o000))
	_, err := Read(p, 10)
	assert.ErrorIs(t, err, fs.ErrPermission)
}

func TestDirFSKeepsTheInputRules(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte("{}"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(dir, "config.json"), filepath.Join(dir, "link.json")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	fsys := DirFS(dir)

	for _, name := range []string{"config.json", "link.json"} {
		b, err := fs.ReadFile(fsys, name)
		require.NoError(t, err, name)
		assert.Equal(t, "{}", string(b))
	}
	done := make(chan error, 1)
	go func() { _, err := fsys.Open("fifo.json"); done <- err }()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrNotRegular, "a FIFO is refused")
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
	_, err := fsys.Open("sub")
	assert.ErrorIs(t, err, ErrNotRegular, "a folder is not a file to read")
	_, err = fsys.Open("../config.json")
	assert.ErrorIs(t, err, fs.ErrInvalid, "no name leaves the folder")
	_, err = fs.Stat(fsys, "/etc/passwd")
	assert.ErrorIs(t, err, fs.ErrInvalid)
	entries, err := fs.ReadDir(fsys, ".")
	require.NoError(t, err)
	assert.Len(t, entries, 4)
	st, err := fs.Stat(fsys, "link.json")
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular(), "Stat follows symlinks")
}
