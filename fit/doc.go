// Package fit is headroom's arithmetic: it reads the model catalogue and
// works out, to the byte, what each model needs at a precision, a context
// length and a runtime, and how that compares with a memory budget.
//
// The package is pure. It never touches NVML or the terminal, and it
// opens no file itself: it reads what it is handed, a catalogue with
// Load, a config with LoadConfig, or a checkpoint folder as an fs.FS with
// LoadCheckpoint. Every constant it uses carries the source it was taken
// from.
package fit
