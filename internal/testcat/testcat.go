// Package testcat loads the catalogues headroom ships, for the tests of
// any package: one loader instead of one a package.
package testcat

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/local"
)

// root is the module's folder, where models.json and gpus.json are.
func root(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(tb, ok, "finding the module's folder")
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Catalogues are the shipped model and card catalogues, loaded as the
// program loads them.
func Catalogues(tb testing.TB) ([]fit.Model, []catalog.Card) {
	tb.Helper()
	dir := root(tb)
	models, err := catalog.LoadModels(catalog.File{Flag: "--models", Path: filepath.Join(dir, "models.json")})
	require.NoError(tb, err)
	cards, err := catalog.LoadCards(catalog.File{Flag: "--gpus", Path: filepath.Join(dir, "gpus.json")})
	require.NoError(tb, err)
	return models, cards
}

// Listed are the shipped models as the listing holds them (none found on
// this machine), and the cards.
func Listed(tb testing.TB) ([]local.Listed, []catalog.Card) {
	tb.Helper()
	models, cards := Catalogues(tb)
	return local.Merge(models, nil), cards
}
