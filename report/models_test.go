package report

import (
	"bytes"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModelsText(t *testing.T) {
	models, _ := catalogues(t)
	rows := ModelRows(models)
	var b bytes.Buffer
	require.NoError(t, WriteModelsText(&b, rows))
	for _, r := range rows {
		assert.Contains(t, b.String(), r.ID+" ", "every model is listed")
	}
	golden.RequireEqual(t, b.Bytes())
}

func TestModelRowsFollowTheEngine(t *testing.T) {
	models, _ := catalogues(t)
	rows := ModelRows(models)
	require.Len(t, rows, len(models))
	for i, m := range models {
		r := rows[i]
		assert.Equal(t, m.ID, r.ID)
		assert.Equal(t, m.Params(), r.Params)
		assert.Equal(t, m.Layers(), r.Layers)
		assert.Equal(t, m.Layers().Mixed(), r.SlidingOrHybridLayout, m.ID)
		assert.Equal(t, m.PublishedParams == 0, r.PublishedParams == nil, "published count null exactly when unknown: %s", m.ID)
		assert.Equal(t, m.WeightsBytes == 0, r.CheckpointBytes == nil, m.ID)
	}
}
