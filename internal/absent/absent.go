// Package absent is headroom's one rule for a figure nobody knows: its
// type's zero (or less, for a count, a size or a price) means absent, and
// absent is written as JSON null, never as a made-up 0 or "".
package absent

import "cmp"

// Null is a pointer to v, or nil (JSON null) when v is absent: its type's
// zero, or less.
func Null[T cmp.Ordered](v T) *T {
	var zero T
	if v <= zero {
		return nil
	}
	return &v
}
