package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
)

// noGPU makes the tests independent of the machine: NVML is pointed at a
// library that does not exist, as on a machine without a driver.
const noGPU = "--nvml-lib=/nonexistent/libnvidia-ml.so.1"

// runCLI runs headroom in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("HEADROOM_NVML_LIB", "")
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersionPrintsAVersion(t *testing.T) {
	code, out, _ := runCLI(t, "--version")
	assert.Equal(t, 0, code)
	assert.NotEmpty(t, strings.TrimSpace(out))
	assert.Equal(t, versionString()+"\n", out)
}

func TestVersionFromLinkerFlagWins(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })
	version = "v9.9.9"
	assert.Equal(t, "v9.9.9", versionString())
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

// usageCase is a command line that must fail as bad usage, and a part of
// the message it must print.
type usageCase struct {
	args []string
	want string
}

// checkUsageErrors runs each case without a GPU and asserts exit status 2
// and one line on stderr, prefixed "headroom: ", holding want.
func checkUsageErrors(t *testing.T, tests map[string]usageCase) {
	t.Helper()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{noGPU}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.True(t, strings.HasPrefix(errOut, "headroom: "), errOut)
		})
	}
}

func TestDefaultCommandWithoutTerminalPrintsPlanningSnapshot(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "planning for RTX PRO 6000 Blackwell Workstation: not a live reading")
	if gpu.NVMLAvailable {
		assert.Contains(t, out, "NVML library not found")
		assert.Contains(t, out, "/nonexistent/libnvidia-ml.so.1")
	} else {
		assert.Contains(t, out, "built without cgo")
	}
}

func TestDefaultCommandHonoursGPUAndDemo(t *testing.T) {
	code, out, _ := runCLI(t, noGPU, "--gpu", "4090")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "planning for RTX 4090: not a live reading")

	code, out, _ = runCLI(t, noGPU, "--demo")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "demo")
}

// colorOff follows --no-color and NO_COLOR set to anything non-empty
// (https://no-color.org); the UI test in tmux checks the screen itself.
func TestColorOffFollowsFlagAndEnvironment(t *testing.T) {
	for _, v := range []string{"1", "yes", "true", "please"} {
		t.Setenv("NO_COLOR", v)
		var g Globals
		assert.True(t, g.colorOff(), "NO_COLOR=%s", v)
	}
	t.Setenv("NO_COLOR", "")
	var g Globals
	assert.False(t, g.colorOff())
	g.NoColor = true
	assert.True(t, g.colorOff())
}

// words is text with every run of spaces and line breaks made one space,
// so a test can find a sentence the output wrapped.
func words(text string) string { return strings.Join(strings.Fields(text), " ") }
