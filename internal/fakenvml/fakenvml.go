// Package fakenvml builds a fake NVML library for tests and writes the state
// file that drives it, so that headroom's real NVML code can be run without a
// GPU: every case a driver can present (no library, an init failure, memory
// v2 failing, unified memory, no permission on processes, a lost GPU, hostile
// process names, several GPUs) is a State away.
//
// Usage:
//
//	lib := fakenvml.Build(t)              // compiles libnvidia-ml.so.1 into t.TempDir()
//	state := filepath.Join(t.TempDir(), "state")
//	require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{fakenvml.RTXPro6000()}}))
//	cmd := exec.Command(headroom, "snapshot", "--json")
//	cmd.Env = append(os.Environ(), fakenvml.Env(lib, state)...)
//
// The library reads the state file again at nvmlInit and at every
// nvmlDeviceGetCount (once per sample) when it has been replaced, so a test
// can change the GPU under a running program by calling WriteState again.
// Only one NVML library can be loaded in a process: run each library, or
// each scenario that needs a fresh init, in its own process.
package fakenvml

import (
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sources is the hand-written part of the fake library: fakenvml.c holds
// the NVML functions it implements, state.c reads the state file.
//
//go:embed testdata/fakenvml.c testdata/state.c testdata/fakenvml.h
var sources embed.FS

// LibraryName is the file name Build gives the library, the one NVML
// clients load.
const LibraryName = "libnvidia-ml.so.1"

// StateEnv names the environment variable that gives the library its state
// file.
const StateEnv = "HEADROOM_FAKE_NVML_STATE"

// LibraryEnv names the environment variable headroom loads NVML from.
const LibraryEnv = "HEADROOM_NVML_LIB"

// NVML return codes, as nvml.h numbers them (nvmlReturn_t), for Errors.
const (
	ErrUninitialized        = 1
	ErrInvalidArgument      = 2
	ErrNotSupported         = 3
	ErrNoPermission         = 4
	ErrNotFound             = 6
	ErrDriverNotLoaded      = 9
	ErrFunctionNotFound     = 13
	ErrGPUIsLost            = 15
	ErrLibRMVersionMismatch = 18
	ErrUnknown              = 999
)

// Build compiles the fake library into a temporary directory of tb and
// returns its path. It skips the test when no C compiler is installed.
func Build(tb testing.TB) string {
	tb.Helper()
	if _, err := exec.LookPath(compiler()); err != nil {
		tb.Skipf("no C compiler (%s) on PATH, so the fake NVML library cannot be built", compiler())
	}
	lib, err := BuildIn(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// BuildIn compiles the fake library into dir and returns its path. It
// needs a C compiler (cc, or $CC) and go-nvml's nvml.h from the module
// cache, which it finds with `go list`.
func BuildIn(dir string) (string, error) {
	inc, err := nvmlHeaderDir()
	if err != nil {
		return "", err
	}
	header, err := os.ReadFile(filepath.Join(inc, "nvml.h"))
	if err != nil {
		return "", fmt.Errorf("reading go-nvml's nvml.h: %w", err)
	}
	files := map[string][]byte{}
	for _, name := range []string{"fakenvml.c", "state.c", "fakenvml.h"} {
		b, err := sources.ReadFile("testdata/" + name)
		if err != nil {
			return "", fmt.Errorf("reading the fake library's source: %w", err)
		}
		files[name] = b
	}
	files["stubs.c"] = Stubs(header, files["fakenvml.c"])
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", fmt.Errorf("writing the fake library's source: %w", err)
		}
	}
	lib := filepath.Join(dir, LibraryName)
	cmd := exec.Command(compiler(), "-shared", "-fPIC", "-O1", "-w", "-I", inc, "-I", dir,
		"-Wl,-soname,"+LibraryName, "-o", lib,
		filepath.Join(dir, "fakenvml.c"), filepath.Join(dir, "state.c"), filepath.Join(dir, "stubs.c"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("compiling the fake NVML library: %w\n%s", err, out)
	}
	return lib, nil
}

// compiler is the C compiler to use: $CC, or cc.
func compiler() string {
	if cc := strings.Fields(os.Getenv("CC")); len(cc) > 0 {
		return cc[0]
	}
	return "cc"
}

// nvmlHeaderDir finds the directory of go-nvml's nvml.h in the module cache.
func nvmlHeaderDir() (string, error) {
	goTool := "go"
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			goTool = p
		}
	}
	out, err := exec.Command(goTool, "list", "-m", "-f", "{{.Dir}}", "github.com/NVIDIA/go-nvml").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		return "", fmt.Errorf("finding go-nvml's source with go list: %w", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "pkg", "nvml")
	if !fileExists(filepath.Join(dir, "nvml.h")) {
		return "", fmt.Errorf("go-nvml's nvml.h is not in %s", dir)
	}
	return dir, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Env returns the environment entries that make headroom load the library
// at lib, driven by the state file at state.
func Env(lib, state string) []string {
	return []string{LibraryEnv + "=" + lib, StateEnv + "=" + state}
}
