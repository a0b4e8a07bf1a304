// Package catalog is where a GPU, as the driver or the card catalogue
// describes it, meets the fit engine: it turns a device's memory into the
// fit.Budget every command and the UI grade against, and says, in one
// line, why a device cannot be graded (lost, MIG on, memory unreadable).
// It is the one place that rule lives, so snapshot, fit, cards and the UI
// cannot disagree about it.
package catalog
