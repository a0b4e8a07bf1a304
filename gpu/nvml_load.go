//go:build cgo

package gpu

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/dl"
	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// DefaultNVMLLibrary is the library loaded when no path is given.
const DefaultNVMLLibrary = "libnvidia-ml.so.1"

// wslNVMLLibrary is where WSL 2 keeps the driver's NVML library; it is not
// always on the loader's path there.
const wslNVMLLibrary = "/usr/lib/wsl/lib/libnvidia-ml.so.1"

// errLibraryNotFound marks a library that is not there: the next place is
// tried, and the not-found message is given when none is left.
var errLibraryNotFound = errors.New("NVML library not found")

// OpenNVML loads the NVML library at path (DefaultNVMLLibrary when empty,
// then WSL's copy) and opens a session. It fails when no GPU can be read,
// with an error that says in one line what was tried and what to do.
//
// Each library is probed before go-nvml loads it (see probeLibrary), since
// go-nvml calls nvmlInit as soon as it has loaded a library, and a library
// without it kills the process.
func OpenNVML(path string) (Source, error) {
	src, err := openNVML(path)
	if err != nil {
		// The message quotes the path as given, which may hold anything.
		return nil, errors.New(Clean(err.Error()))
	}
	return src, nil
}

// openNVML is OpenNVML, its message not yet cleaned.
func openNVML(path string) (Source, error) {
	paths := []string{path}
	if path == "" {
		paths = []string{DefaultNVMLLibrary}
		if _, err := os.Stat(wslNVMLLibrary); err == nil {
			paths = append(paths, wslNVMLLibrary)
		}
	}
	path = ""
	var release func()
	for _, p := range paths {
		var err error
		release, err = probeLibrary(p)
		if errors.Is(err, errLibraryNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		path = p
		break
	}
	if path == "" {
		return nil, initError(paths, nvml.ERROR_LIBRARY_NOT_FOUND)
	}
	lib := nvml.New(nvml.WithLibraryPath(path))
	ret := lib.Init()
	// The probe held the library open until go-nvml had it, so it is
	// loaded once, not unloaded and loaded again.
	release()
	if ret != nvml.SUCCESS {
		return nil, initError([]string{path}, ret)
	}
	n, ret := lib.DeviceGetCount()
	if ret != nvml.SUCCESS || n == 0 {
		lib.Shutdown()
		if ret != nvml.SUCCESS {
			return nil, fmt.Errorf("NVML loaded from %s cannot count the GPUs: %s", path, errText(ret))
		}
		return nil, fmt.Errorf("NVML loaded from %s, but the driver sees no GPU", path)
	}
	if n > maxDevices {
		lib.Shutdown()
		return nil, fmt.Errorf("NVML loaded from %s: %w", path, tooManyDevices(n))
	}
	return newNVMLSource(lib, lib.Extensions().LookupSymbol, hostProcLookup()), nil
}

// probeLibrary checks that path is an NVML library go-nvml can load and
// initialise without dying: a regular file (when path names a file rather
// than a library for the loader to find), which the loader can load, and
// which exports every required function. The library is opened with
// go-nvml's own loader, RTLD_LOCAL so that nothing of it can stand in for
// another library's symbols; release closes it. It returns
// errLibraryNotFound when there is no such file, and otherwise an error
// that says, in one line, what the path is and why it cannot be NVML.
func probeLibrary(path string) (release func(), err error) {
	if strings.Contains(path, "/") {
		// Stat first, following links: a named pipe would block the
		// loader's open for ever, and a directory or a device is no
		// library.
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, errLibraryNotFound
		case err != nil:
			return nil, fmt.Errorf("cannot load NVML from %s: %s", path, pathErrText(err))
		case !fi.Mode().IsRegular():
			return nil, fmt.Errorf("cannot load NVML from %s: it %s", path, notALibrary(fi.Mode()))
		}
	}
	lib := dl.New(path, dl.RTLD_LAZY|dl.RTLD_LOCAL)
	if err := lib.Open(); err != nil {
		reason := loaderReason(path, err)
		// The loader's words are C-locale English: Go never calls
		// setlocale.
		if !strings.Contains(path, "/") && reason == "cannot open shared object file: No such file or directory" {
			return nil, errLibraryNotFound
		}
		return nil, fmt.Errorf("cannot load NVML from %s: %s", path, reason)
	}
	if missing := missingRequired(lib.Lookup); missing != "" {
		lib.Close()
		return nil, notNVMLError(path, missing)
	}
	return func() { lib.Close() }, nil
}

// notALibrary says what a file that is not a regular file is.
func notALibrary(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "is a directory, not a library"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a library"
	case m&fs.ModeSocket != 0:
		return "is a socket, not a library"
	case m&fs.ModeCharDevice != 0:
		return "is a character device, not a library"
	case m&fs.ModeDevice != 0:
		return "is a block device, not a library"
	}
	return "is not a regular file, so not a library"
}

// pathErrText is why a path could not be looked at, without the operation
// and path that os's errors repeat.
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return Clean(err.Error())
}

// loaderReason is the loader's message (dlerror) for a library it would
// not load, without the path it starts with, cleaned: the message may
// quote bytes from the file.
func loaderReason(path string, err error) string {
	reason := err.Error()
	if r, ok := strings.CutPrefix(reason, path+": "); ok {
		reason = r
	}
	if reason = Clean(reason); reason == "" {
		return "the loader gives no reason"
	}
	return reason
}

func initError(paths []string, ret nvml.Return) error {
	tried := strings.Join(paths, ", ")
	switch ret {
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		for i, p := range paths {
			if strings.Contains(p, "/") {
				if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
					paths[i] = p + " (no such file)"
				}
			}
		}
		return fmt.Errorf("NVML library not found (tried %s; WSL keeps it in /usr/lib/wsl/lib, containers need the NVIDIA runtime, e.g. docker run --gpus all; point --nvml-lib or HEADROOM_NVML_LIB at libnvidia-ml.so.1)", strings.Join(paths, ", "))
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return fmt.Errorf("the NVIDIA driver is not loaded (%s was found, but no kernel driver answers; is nvidia.ko loaded?)", tried)
	case nvml.ERROR_NO_PERMISSION:
		return fmt.Errorf("no permission to open the GPU through %s (check the permissions of /dev/nvidia*)", tried)
	case nvml.ERROR_LIB_RM_VERSION_MISMATCH:
		return fmt.Errorf("the NVML library (%s) and the kernel driver are different versions: reboot, or reload the driver, after an upgrade", tried)
	}
	return fmt.Errorf("NVML init through %s failed: %s", tried, errText(ret))
}
