package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
	binaryDir  string
)

// testBinary builds the headroom binary once per test run and returns its
// path. Tests that run the real program (the linker check, the fake-driver
// and tmux end-to-end tests) share it.
func testBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		binaryDir, binaryErr = os.MkdirTemp("", "headroom-bin-")
		if binaryErr != nil {
			return
		}
		binaryPath = filepath.Join(binaryDir, "headroom")
		binaryErr = goBuild(binaryPath)
	})
	require.NoError(t, binaryErr, "building headroom")
	return binaryPath
}

// goBuild builds the package in the current directory to out, with extra
// go build arguments. C deprecation warnings from nvml.h are silenced.
func goBuild(out string, args ...string) error {
	return goBuildPackage(out, ".", args...)
}

// goBuildPackage builds package pkg of this module to out.
func goBuildPackage(out, pkg string, args ...string) error {
	cmd := exec.Command("go", append(append([]string{"build", "-o", out}, args...), pkg)...)
	cmd.Env = append(os.Environ(), "CGO_CFLAGS=-O2 -g -Wno-deprecated-declarations")
	if b, err := cmd.CombinedOutput(); err != nil {
		return &buildError{err: err, output: string(b)}
	}
	return nil
}

type buildError struct {
	err    error
	output string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.output }

func TestMain(m *testing.M) {
	code := m.Run()
	if binaryDir != "" {
		os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

// dynamicFlags returns the FLAGS and FLAGS_1 lines of readelf -d.
func dynamicFlags(t *testing.T, path string) string {
	t.Helper()
	readelf, err := exec.LookPath("readelf")
	if err != nil {
		t.Skip("readelf (binutils) is not installed, so the dynamic section cannot be read")
	}
	out, err := exec.Command(readelf, "-d", path).Output()
	require.NoError(t, err)
	var flags []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "(FLAGS") || strings.Contains(line, "BIND_NOW") {
			flags = append(flags, strings.TrimSpace(line))
		}
	}
	return strings.Join(flags, "\n")
}

// go-nvml leaves every NVML symbol undefined until it dlopens the library,
// so a binary marked for eager binding dies at start even without a GPU.
func TestBinaryBindsLazily(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := testBinary(t)
	flags := dynamicFlags(t, bin)
	assert.NotContains(t, flags, "BIND_NOW")
	assert.NotRegexp(t, `FLAGS_1.*\bNOW\b`, flags)

	out, err := exec.Command(bin, "--version").CombinedOutput()
	require.NoError(t, err, string(out))
}

// A toolchain that links with -z now by default is mended by the flag the
// README gives: a later -z lazy wins.
func TestHardenedToolchainWorkaroundBindsLazily(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo: the binary has no NVML symbols to bind")
	}
	dir := t.TempDir()
	eager := filepath.Join(dir, "eager")
	require.NoError(t, goBuild(eager, "-ldflags=-extldflags=-Wl,-z,now"))
	assert.Contains(t, dynamicFlags(t, eager), "NOW", "the check must see eager binding when it is there")
	out, err := exec.Command(eager, "--version").CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "undefined symbol: nvml")

	mended := filepath.Join(dir, "mended")
	require.NoError(t, goBuild(mended, "-ldflags=-extldflags '-Wl,-z,now -Wl,-z,lazy'"))
	assert.NotContains(t, dynamicFlags(t, mended), "NOW")
	out, err = exec.Command(mended, "--version").CombinedOutput()
	require.NoError(t, err, string(out))
}
