package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlagsGivenWithoutMeaningAreUsageErrors(t *testing.T) {
	checkUsageErrors(t, map[string]usageCase{
		"empty --free":          {[]string{"fit", "qwen3-32b", "--free="}, "--free: the value is empty"},
		"empty --gpu":           {[]string{"--gpu=", "snapshot"}, "--gpu: the value is empty"},
		"empty --models":        {[]string{"--models=", "models"}, "--models: "}, // kong reads an empty path as the working directory, which is refused
		"empty --precision":     {[]string{"fit", "qwen3-32b", "--precision="}, "--precision: the value is empty"},
		"zero --price":          {[]string{"cards", "--price", "0"}, "--price: $0 is not a price"},
		"negative --price":      {[]string{"cards", "--price=-5"}, "--price"},
		"--demo with --gpu":     {[]string{"--demo", "--gpu", "4090", "snapshot"}, "--demo and --gpu cannot be combined"},
		"--demo with bad --gpu": {[]string{"--demo", "--gpu", "no-such-card", "snapshot"}, "--demo and --gpu"},
		"--free beyond any GPU": {[]string{"fit", "qwen3-32b", "--free", "1000000TB"}, "--free: 1000000TB is beyond any GPU's memory"},
		"--free beyond --gpu":   {[]string{"--gpu", "4090", "fit", "qwen3-32b", "--free", "80GiB"}, "--free: 80.0 GiB is more than the"},
	})
}

// writeFile writes data to a new file and returns its path.
func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	return p
}

func TestCatalogueFilesFollowTheInputRules(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "models.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	hostile := writeFile(t, "models.json", `[{"id": "evil\u001b]52;c;cm0gLXJmIH4=\u0007", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10}]`)
	data, err := os.ReadFile("gpus.json")
	require.NoError(t, err)
	var cards []map[string]any
	require.NoError(t, json.Unmarshal(data, &cards))
	cards = slices.DeleteFunc(cards, func(c map[string]any) bool { return c["name"] == "RTX PRO 6000 Blackwell Workstation" })
	data, err = json.Marshal(cards)
	require.NoError(t, err)
	noDefault := writeFile(t, "gpus.json", string(data))
	tests := map[string]usageCase{
		"models from a FIFO":     {[]string{"--models", fifo, "models"}, "is a named pipe (FIFO), not a regular file"},
		"models from /dev/zero":  {[]string{"--models", "/dev/zero", "models"}, "--models: /dev/zero is a device"},
		"cards from a FIFO":      {[]string{"--gpus", fifo, "cards"}, "--gpus: " + fifo + " is a named pipe"},
		"cards from a directory": {[]string{"--gpus", t.TempDir(), "snapshot", "--gpu", "4090"}, "is a directory"},
		"an escape in an id":     {[]string{"--models", hostile, "models"}, `field "id"`},
		"no default card, UI":    {[]string{"--gpus", noDefault}, "has no \"RTX PRO 6000 Blackwell Workstation\""},
		"no default card, cards": {[]string{"--gpus", noDefault, "cards"}, "choose a card with --gpu NAME"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan struct{})
			go func() { defer close(done); checkUsageErrors(t, map[string]usageCase{name: tc}) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("headroom blocked on its input")
			}
		})
	}
	code, _, errOut := runCLI(t, noGPU, "--models", hostile, "models")
	assert.Equal(t, 2, code)
	assert.NotContains(t, errOut, "\x1b", "the catalogue's escape sequence reached the terminal")
}

func TestCataloguesWithAByteOrderMarkLoad(t *testing.T) {
	models, err := os.ReadFile("models.json")
	require.NoError(t, err)
	p := writeFile(t, "models.json", "\uFEFF"+string(models))
	code, out, errOut := runCLI(t, noGPU, "--models", p, "models")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Qwen/Qwen3-32B")
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

func TestLogMustBeARegularFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "log")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	done := make(chan error, 1)
	go func() { _, _, err := openLog(fifo); done <- err }()
	select {
	case err := <-done:
		assert.ErrorContains(t, err, "--log: "+fifo+" is a named pipe")
	case <-time.After(5 * time.Second):
		t.Fatal("opening the log blocked on a pipe")
	}
	_, _, err := openLog(t.TempDir())
	assert.ErrorContains(t, err, "is a directory")
	p := filepath.Join(t.TempDir(), "headroom.log")
	l, closeLog, err := openLog(p)
	require.NoError(t, err)
	l.Printf("hello")
	closeLog()
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Contains(t, string(got), "hello")
}
