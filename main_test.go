package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headroom-dev/headroom/gpu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestOutsideTextIsCleanedInMessages(t *testing.T) {
	// What the user typed comes back in the message, cleaned.
	code, _, errOut := runCLI(t, noGPU, "fit", "qwen\x1b]52;c;aGk=\x07\u202E")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no model")
	for _, bad := range []string{"\x1b", "\x07", "\u202E"} {
		assert.NotContains(t, errOut, bad)
	}
	code, _, errOut = runCLI(t, noGPU, "--models", "/nonexistent/\x1b[2Jmodels.json", "models")
	assert.Equal(t, 2, code)
	assert.NotContains(t, errOut, "\x1b")
	assert.Contains(t, errOut, "models.json")
}

func TestHelpDescribesEveryCommandAndFlag(t *testing.T) {
	code, out, _ := runCLI(t, "--help")
	require.Equal(t, 0, code)
	for _, want := range []string{"snapshot", "fit", "models", "cards",
		"--models=FILE", "--gpus=FILE", "--nvml-lib=PATH", "HEADROOM_NVML_LIB", "--gpu=NAME",
		"--demo", "--interval", "--context=N", "--no-color", "--version"} {
		assert.Contains(t, out, want)
	}
	for _, cmd := range []string{"snapshot", "fit", "models", "cards"} {
		t.Run(cmd, func(t *testing.T) {
			code, out, _ := runCLI(t, cmd, "--help")
			require.Equal(t, 0, code)
			assert.Contains(t, out, "headroom "+cmd)
		})
	}
}

func TestBadUsageExitsTwoWithOneLine(t *testing.T) {
	checkUsageErrors(t, map[string]usageCase{
		"unknown flag":          {[]string{"--bogus"}, "unknown flag --bogus"},
		"unknown command":       {[]string{"frobnicate"}, "frobnicate"},
		"bad context":           {[]string{"--context", "12x", "snapshot"}, "--context"},
		"zero context":          {[]string{"--context", "0", "snapshot"}, "--context"},
		"bad interval":          {[]string{"--interval", "fast", "snapshot"}, "--interval"},
		"interval out of range": {[]string{"--interval", "1ms", "snapshot"}, "--interval"},
		"unknown card":          {[]string{"--gpu", "no-such-card", "snapshot"}, "--gpu"},
		"ambiguous card":        {[]string{"--gpu", "rtx", "snapshot"}, "matches several cards"},
		"missing catalogue":     {[]string{"--models", "/nonexistent/models.json", "models"}, "/nonexistent/models.json"},
	})
}
