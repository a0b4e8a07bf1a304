// Package gpu reads the card. It hides NVML behind the small Source
// interface, which returns a plain Snapshot value, so that the rest of
// headroom never imports go-nvml.
//
// Three sources exist: NVML (a live card, only in cgo builds), Planning (a
// card with nothing in use, as the catalog package describes it) and Demo
// (a scripted, deterministic scenario for screenshots and tests).
package gpu
