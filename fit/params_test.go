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

func TestDumpParams(t *testing.T) {
	for _, m := range loadCatalogue(t) {
		d := 0.0
		if m.PublishedParams > 0 {
			d = float64(m.Params()-m.PublishedParams) / float64(m.PublishedParams) * 100
		}
		t.Logf("%-45s %15d %15d %+.3f%% active %d kv/tok %d", m.ID, m.Params(), m.PublishedParams, d, m.ActiveParams(), m.KVBytesPerToken())
	}
}
