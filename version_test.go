package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

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
