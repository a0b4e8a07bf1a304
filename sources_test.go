package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// privateOrigin matches what a figure's source must never be: a path on a
// development machine, or a working file that is not public. The pattern
// is assembled so that this file does not match itself.
var privateOrigin = regexp.MustCompile(`(?i)(` + strings.Join([]string{
	`/wo` + `rk/`, `/ro` + `ot/`, `/home/[a-z]+/`,
	`field[- ]no` + `tes`, `model-fa` + `cts`,
}, "|") + `)`)

// Every source file, document and catalogue speaks of the project and
// cites public origins only.
func TestNoPrivateOriginsInTheSources(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".json", ".c", ".h":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(data), "\n") {
			assert.NotRegexp(t, privateOrigin, line, "%s:%d", path, i+1)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, checked, 50, "the walk found the sources")
	assert.Regexp(t, privateOrigin, "vLLM logs it (field-"+"notes.md)", "the pattern finds a private notes file")
	assert.NotRegexp(t, privateOrigin, "llm-d-incubation/llm-d-planner accuracy/results/v0.19.0/logs", "and passes a repository path")
}
