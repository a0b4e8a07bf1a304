// Package fit is headroom's arithmetic: it reads the model catalogue and
// works out, to the byte, what each model needs at a precision, a context
// length and a runtime, and how that compares with a memory budget.
//
// The package is pure. It never touches NVML, the terminal or the file
// system; its only input is Load(io.Reader). Every constant it uses carries
// the source it was taken from.
package fit
