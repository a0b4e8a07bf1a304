package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/internal/sanitize"
)

// FindModel finds the model a person named: an exact id or name (any
// case), else the one id or name containing the query. Several matches
// are an error listing them; none, an error naming the closest ids.
func FindModel(ms []fit.Model, query string) (fit.Model, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return fit.Model{}, fmt.Errorf("name a model, or give --config PATH (headroom models lists them)")
	}
	for _, m := range ms {
		if strings.ToLower(m.ID) == q || strings.ToLower(m.Name) == q {
			return m, nil
		}
	}
	var hits []string
	var hit fit.Model
	for _, m := range ms {
		if strings.Contains(strings.ToLower(m.ID), q) || strings.Contains(strings.ToLower(m.Name), q) {
			hits = append(hits, m.ID)
			hit = m
		}
	}
	switch {
	case len(hits) == 1:
		return hit, nil
	case len(hits) > 1:
		return fit.Model{}, fmt.Errorf("%q matches several models: %s", sanitize.Text(query), listIDs(hits))
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	slices.SortStableFunc(ids, func(x, y string) int {
		return distance(q, strings.ToLower(x)) - distance(q, strings.ToLower(y))
	})
	return fit.Model{}, fmt.Errorf("no model %q in the catalogue; closest: %s (headroom models lists them)",
		sanitize.Text(query), strings.Join(ids[:min(3, len(ids))], ", "))
}

// listIDs writes up to five ids, comma-separated.
func listIDs(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + fmt.Sprintf(" and %d more", len(ids)-5)
	}
	return strings.Join(ids, ", ")
}

// distance is the edit distance from a query to an id, where the query
// may match anywhere in the id: the cheapest alignment of q against any
// stretch of s (so "qwen32" is close to "qwen/qwen3-32b").
func distance(q, s string) int {
	prev := make([]int, len(s)+1) // aligning q[:0] costs nothing anywhere
	cur := make([]int, len(s)+1)
	for i := 1; i <= len(q); i++ {
		cur[0] = i
		for j := 1; j <= len(s); j++ {
			cost := 1
			if q[i-1] == s[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return slices.Min(prev)
}
