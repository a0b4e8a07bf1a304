// Package catalog is where a GPU meets its card and the fit engine. It
// loads both catalogues (the embedded ones, or the files --models and
// --gpus name), finds the card for a GPU as NVML names it (by exact name
// or alias only; a GPU the catalogue does not hold gets a card built from
// the driver's own figures, never another card's), turns a card into the
// fit.CardSpec the comparison takes and a device into the fit.Budget every
// command and the UI grade against, and says in one line why a device
// cannot be graded (lost, MIG on, memory unreadable). It is the one place
// these rules live, so snapshot, fit, cards and the UI cannot disagree.
package catalog
