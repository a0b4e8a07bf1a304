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
//
// BuildWithout builds a library that lacks chosen functions, as an older
// driver's does; PreR510 names what a driver before R510 lacks.
package fakenvml

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	return BuildWithout(tb)
}

// BuildWithout is Build for a library that lacks the named NVML functions,
// as an older driver's does (see PreR510): calling one of them kills the
// process with "symbol lookup error", as with a real library.
func BuildWithout(tb testing.TB, symbols ...string) string {
	tb.Helper()
	if _, err := exec.LookPath(compiler()); err != nil {
		tb.Skipf("no C compiler (%s) on PATH, so the fake NVML library cannot be built", compiler())
	}
	lib, err := BuildIn(tb.TempDir(), symbols...)
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// PreR510 lists what a driver before R510 lacks of the NVML functions
// headroom and go-nvml look for: the v2 memory call, which reports the
// driver's reservation apart, and the v3 process lists (nvml.h gives them
// as the versions NVML_NO_UNVERSIONED_FUNC_DEFS would otherwise select).
// go-nvml then lists processes through the v2 calls.
func PreR510() []string {
	return []string{
		"nvmlDeviceGetMemoryInfo_v2",
		"nvmlDeviceGetComputeRunningProcesses_v3",
		"nvmlDeviceGetGraphicsRunningProcesses_v3",
		"nvmlDeviceGetMPSComputeRunningProcesses_v3",
	}
}

// BuildIn compiles the fake library into dir and returns its path, leaving
// out the NVML functions named in omit. It needs a C compiler (cc, or $CC)
// and go-nvml's nvml.h from the module cache, which it finds with `go
// list`.
//
// Every function is still compiled; a linker version script decides what
// is exported. It makes every nvml* symbol global, everything else local,
// and each omitted name local too: GNU ld and lld let an exact name take
// precedence over a wildcard, so an omitted function is in the file but
// not in its dynamic symbol table, and dlsym cannot find it. One source
// serves every variant, and no stub needs a preprocessor guard.
func BuildIn(dir string, omit ...string) (string, error) {
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
	// nvmlErrorString is the one function nvml.h declares returning
	// something other than nvmlReturn_t, so Functions does not list it.
	script, err := versionScript(append(Functions(header), "nvmlErrorString"), omit)
	if err != nil {
		return "", err
	}
	files["exports.map"] = script
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", fmt.Errorf("writing the fake library's source: %w", err)
		}
	}
	lib := filepath.Join(dir, LibraryName)
	cmd := exec.Command(compiler(), "-shared", "-fPIC", "-O1", "-w", "-I", inc, "-I", dir,
		// -Xlinker, not -Wl: a test's temporary directory may hold a comma.
		"-Wl,-soname,"+LibraryName, "-Xlinker", "--version-script="+filepath.Join(dir, "exports.map"), "-o", lib,
		filepath.Join(dir, "fakenvml.c"), filepath.Join(dir, "state.c"), filepath.Join(dir, "stubs.c"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("compiling the fake NVML library: %w\n%s", err, out)
	}
	return lib, nil
}

// versionScript writes the linker version script that exports every NVML
// function but those in omit. Each omitted name must be one nvml.h
// declares (known), so that a misspelt name fails the build rather than
// omitting nothing.
func versionScript(known, omit []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n  global: nvml*;\n  local:\n")
	for _, name := range omit {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("cannot leave %s out of the fake NVML library: nvml.h declares no such function", name)
		}
		fmt.Fprintf(&b, "    %s;\n", name)
	}
	b.WriteString("    *;\n};\n")
	return b.Bytes(), nil
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
