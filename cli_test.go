package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
