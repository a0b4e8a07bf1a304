//go:build cgo

package gpu

import (
	"fmt"
	"strings"
)

// go-nvml binds NVML's symbols lazily, and a call to one the loaded library
// lacks kills the process ("symbol lookup error", exit 127) rather than
// returning an error. So every NVML function headroom calls is listed here
// with the C symbols go-nvml may bind it to, and is looked up before it is
// ever called: the required ones in the library's file before NVML is
// initialised (probeLibrary), the others once when the session opens.

// requiredSymbols are the functions nothing works without: initialising,
// shutting down, naming an error (go-nvml's Return.Error calls it once the
// library is loaded), counting the GPUs and getting a handle to one. Each
// row is met by any one of its symbols; go-nvml calls the newest it finds
// (lib.go, updateVersionedSymbols).
var requiredSymbols = [][]string{
	{"nvmlInit_v2", "nvmlInit"},
	{"nvmlShutdown"},
	{"nvmlErrorString"},
	{"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"},
	{"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"},
}

// fieldSymbols maps every optional field headroom reads to the symbols
// that answer it, any one of which is enough. A field none of whose symbols
// the library exports is never asked, as if the driver had answered
// NOT_SUPPORTED.
var fieldSymbols = [...]struct {
	field   field
	symbols []string
}{
	{fieldDriverVersion, []string{"nvmlSystemGetDriverVersion"}},
	{fieldCUDAVersionV2, []string{"nvmlSystemGetCudaDriverVersion_v2"}},
	{fieldCUDAVersionV1, []string{"nvmlSystemGetCudaDriverVersion"}},
	{fieldProcessName, []string{"nvmlSystemGetProcessName"}},
	{fieldName, []string{"nvmlDeviceGetName"}},
	{fieldUUID, []string{"nvmlDeviceGetUUID"}},
	{fieldCapability, []string{"nvmlDeviceGetCudaComputeCapability"}},
	{fieldArchitecture, []string{"nvmlDeviceGetArchitecture"}},
	// The v2 memory call came with driver R510.
	{fieldMemoryV2, []string{"nvmlDeviceGetMemoryInfo_v2"}},
	{fieldMemoryV1, []string{"nvmlDeviceGetMemoryInfo"}},
	{fieldUtilization, []string{"nvmlDeviceGetUtilizationRates"}},
	// Deprecated in NVML 13 (nvml.h), so a later driver may drop it.
	{fieldTemperature, []string{"nvmlDeviceGetTemperature"}},
	{fieldPower, []string{"nvmlDeviceGetPowerUsage"}},
	{fieldPowerLimit, []string{"nvmlDeviceGetEnforcedPowerLimit"}},
	{fieldMIG, []string{"nvmlDeviceGetMigMode"}},
	// go-nvml lists processes through the newest of these it finds
	// (lib.go, updateVersionedSymbols).
	{fieldCompute, []string{"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2", "nvmlDeviceGetComputeRunningProcesses"}},
	{fieldGraphics, []string{"nvmlDeviceGetGraphicsRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v2", "nvmlDeviceGetGraphicsRunningProcesses"}},
}

// missingFields looks up every optional field's symbols with lookup (nil
// when the library exports the symbol) and returns the fields the library
// cannot answer at all.
func missingFields(lookup func(symbol string) error) fieldSet {
	var missing fieldSet
	for _, row := range fieldSymbols {
		if !exportsAny(lookup, row.symbols) {
			missing.add(row.field)
		}
	}
	return missing
}

// missingRequired names the first required function the library lacks,
// "" when it has them all.
func missingRequired(lookup func(symbol string) error) string {
	for _, row := range requiredSymbols {
		if !exportsAny(lookup, row) {
			return strings.Join(row, " or ")
		}
	}
	return ""
}

// exportsAny reports whether lookup finds any of symbols.
func exportsAny(lookup func(string) error, symbols []string) bool {
	for _, sym := range symbols {
		if lookup(sym) == nil {
			return true
		}
	}
	return false
}

// notNVMLError says that the library at path is not NVML, naming the
// required function it lacks.
func notNVMLError(path, missing string) error {
	return fmt.Errorf("the library at %s is not NVML: it does not export %s", path, missing)
}
