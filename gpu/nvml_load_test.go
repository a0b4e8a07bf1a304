//go:build cgo

package gpu

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// openWithin runs OpenNVML(path) and fails the test if it takes longer
// than a few seconds: nothing it rejects may block.
func openWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		src, err := OpenNVML(path)
		if src != nil {
			src.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("OpenNVML(%s) blocked", path)
		return nil
	}
}

func TestOpenNVMLRejectsWhatIsNotNVMLWithoutLoadingIt(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "libnvidia-ml.so.1")
	require.NoError(t, os.WriteFile(text, []byte(strings.Repeat("not a library\n", 100)), 0o644))
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	link := filepath.Join(dir, "link-to-fifo")
	require.NoError(t, os.Symlink(fifo, link))

	for name, tc := range map[string]struct {
		path, want string
	}{
		"libc":               {fakenvml.Libc(t), "the library at " + fakenvml.Libc(t) + " is not NVML: it does not export nvmlInit_v2 or nvmlInit"},
		"a text file":        {text, "cannot load NVML from " + text + ": invalid ELF header"},
		"a directory":        {dir, "cannot load NVML from " + dir + ": it is a directory, not a library"},
		"a FIFO":             {fifo, "cannot load NVML from " + fifo + ": it is a named pipe (FIFO), not a library"},
		"a link to a FIFO":   {link, "cannot load NVML from " + link + ": it is a named pipe (FIFO), not a library"},
		"a device":           {"/dev/null", "cannot load NVML from /dev/null: it is a character device, not a library"},
		"no such file":       {filepath.Join(dir, "nothing"), "NVML library not found (tried " + filepath.Join(dir, "nothing") + " (no such file);"},
		"no such bare name":  {"libheadroom-no-such-library.so.1", "NVML library not found (tried libheadroom-no-such-library.so.1;"},
		"a bare name, libc":  {"libc.so.6", "the library at libc.so.6 is not NVML"},
		"under a file":       {filepath.Join(text, "x.so"), "cannot load NVML from " + filepath.Join(text, "x.so") + ": not a directory"},
		"not NVML's at init": {fakeWithout(t, "nvmlInit_v2", "nvmlInit"), "is not NVML: it does not export nvmlInit_v2 or nvmlInit"},
	} {
		t.Run(name, func(t *testing.T) {
			err := openWithin(t, tc.path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// fakeWithout builds the fake library without the named functions, to be
// probed only: this process loads one NVML library, the shared fake.
func fakeWithout(t *testing.T, symbols ...string) string {
	t.Helper()
	return fakenvml.BuildWithout(t, symbols...)
}

func TestOpenNVMLMessagesHoldNoControlCharacters(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "lib\x1b]0;owned\x07nvml\nso")
	require.NoError(t, os.Mkdir(odd, 0o755))
	for _, p := range []string{odd, filepath.Join(odd, "nothing.so"), "libno\x1b[2Jsuch.so"} {
		err := openWithin(t, p)
		require.Error(t, err)
		for _, r := range err.Error() {
			assert.False(t, r < 0x20 || r == 0x7f, "%q holds a control character", err.Error())
		}
	}
}

func TestProbeNamesTheRequiredFunctionALibraryLacks(t *testing.T) {
	for _, sym := range []string{"nvmlShutdown", "nvmlErrorString", "nvmlDeviceGetCount_v2 or nvmlDeviceGetCount", "nvmlDeviceGetHandleByIndex_v2 or nvmlDeviceGetHandleByIndex"} {
		t.Run(sym, func(t *testing.T) {
			t.Parallel()
			lib := fakeWithout(t, strings.Split(sym, " or ")...)
			_, err := probeLibrary(lib)
			require.Error(t, err)
			assert.Equal(t, "the library at "+lib+" is not NVML: it does not export "+sym, err.Error())
		})
	}
}

func TestProbeAcceptsAnOlderNVML(t *testing.T) {
	for name, omit := range map[string][]string{
		"all of it":                  nil,
		"only the unversioned names": append(fakenvml.PreR510(), "nvmlInit_v2", "nvmlDeviceGetCount_v2", "nvmlDeviceGetHandleByIndex_v2"),
	} {
		t.Run(name, func(t *testing.T) {
			release, err := probeLibrary(fakeWithout(t, omit...))
			require.NoError(t, err)
			release()
		})
	}
}

func TestLoaderReasonDropsThePathAndControlCharacters(t *testing.T) {
	assert.Equal(t, "invalid ELF header", loaderReason("/x/lib.so", errors.New("/x/lib.so: invalid ELF header")))
	assert.Equal(t, "libdep.so: cannot open shared object file: No such file or directory",
		loaderReason("/x/lib.so", errors.New("libdep.so: cannot open shared object file: No such file or directory")))
	assert.Equal(t, "bad", loaderReason("/x", errors.New("/x: \x1b[31mbad\n")))
}
