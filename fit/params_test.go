package fit

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadCatalogue reads the shipped catalogue.
func loadCatalogue(t testing.TB) []Model {
	t.Helper()
	f, err := os.Open("../models.json")
	require.NoError(t, err)
	defer f.Close()
	ms, err := Load(f, "models.json")
	require.NoError(t, err)
	return ms
}
