//go:build !cgo

package gpu

import "errors"

// NVMLAvailable reports whether this build can read a live card. It is
// false in builds without cgo, which only plan.
const NVMLAvailable = false

// DefaultNVMLLibrary is the library loaded when no path is given.
const DefaultNVMLLibrary = "libnvidia-ml.so.1"

// OpenNVML always fails in a build without cgo: go-nvml needs cgo.
func OpenNVML(string) (Source, error) {
	return nil, errors.New("this headroom was built without cgo, so it cannot read NVML; rebuild with a C compiler (CGO_ENABLED=1)")
}
