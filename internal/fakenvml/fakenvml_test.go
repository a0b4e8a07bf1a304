package fakenvml

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFunctionsFindsDeclarationsAndDefinitions(t *testing.T) {
	src := []byte(`
nvmlReturn_t DECLDIR nvmlInit_v2(void);
DEPRECATED(13.0) nvmlReturn_t DECLDIR nvmlDeviceGetTemperature(nvmlDevice_t device,
    nvmlTemperatureSensors_t sensorType, unsigned int *temp);
nvmlReturn_t  DECLDIR nvmlInit_v2(void);
const DECLDIR char* nvmlErrorString(nvmlReturn_t result);
nvmlReturn_t nvmlShutdown(void)
{`)
	assert.Equal(t, []string{"nvmlDeviceGetTemperature", "nvmlInit_v2", "nvmlShutdown"}, Functions(src))
}

func TestStubsLeaveOutImplementedFunctions(t *testing.T) {
	header := []byte("nvmlReturn_t DECLDIR nvmlA(void);\nnvmlReturn_t DECLDIR nvmlB(int x);\n")
	stubs := string(Stubs(header, []byte("nvmlReturn_t nvmlA(void) { return 0; }")))
	assert.NotContains(t, stubs, "nvmlA")
	assert.Contains(t, stubs, "int nvmlB(void) { return NVML_ERROR_NOT_SUPPORTED; }")
}

// TestLibraryExportsEverySymbolGoNVMLCalls checks the property the fake
// exists for: go-nvml kills the process on a symbol the library lacks, so
// every C function its bindings call must be exported.
func TestLibraryExportsEverySymbolGoNVMLCalls(t *testing.T) {
	lib := Build(t)
	inc, err := nvmlHeaderDir()
	require.NoError(t, err)
	bindings, err := os.ReadFile(filepath.Join(inc, "nvml.go"))
	require.NoError(t, err)

	exported := exports(t, lib)
	for name := range exported {
		// NVML is loaded RTLD_GLOBAL: anything else exported could stand
		// in for the program's own symbols.
		assert.True(t, strings.HasPrefix(name, "nvml"), "the fake library exports %s", name)
	}
	called := regexp.MustCompile(`C\.(nvml\w+)\(`).FindAllStringSubmatch(string(bindings), -1)
	require.NotEmpty(t, called)
	for _, m := range called {
		assert.True(t, exported[m[1]], "the fake library does not export %s", m[1])
	}
}

// exports lists the symbols a shared library exports.
func exports(t *testing.T, lib string) map[string]bool {
	t.Helper()
	f, err := elf.Open(lib)
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.DynamicSymbols()
	require.NoError(t, err)
	exported := map[string]bool{}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF && elf.ST_BIND(s.Info) == elf.STB_GLOBAL {
			exported[s.Name] = true
		}
	}
	return exported
}

func TestBuildWithoutLeavesOutExactlyTheNamedFunctions(t *testing.T) {
	full := exports(t, Build(t))
	omit := append(PreR510(), "nvmlErrorString", "nvmlInit")
	old := exports(t, BuildWithout(t, omit...))
	for _, name := range omit {
		assert.True(t, full[name], "the full library exports %s", name)
		assert.False(t, old[name], "%s was left out", name)
		delete(full, name)
	}
	assert.Equal(t, full, old, "everything else is exported as before")
	for _, name := range []string{"nvmlDeviceGetMemoryInfo", "nvmlDeviceGetComputeRunningProcesses_v2", "nvmlDeviceGetComputeRunningProcesses"} {
		assert.True(t, old[name], "a pre-R510 driver has %s", name)
	}
}

func TestBuildWithoutRefusesAFunctionNVMLDoesNotHave(t *testing.T) {
	_, err := versionScript([]string{"nvmlInit_v2"}, []string{"nvmlInit_v9"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nvmlInit_v9")
}

func TestEscapeKeepsEveryNameOnOneLine(t *testing.T) {
	s := escape("evil\x1b[31m\nname 100%\x7f")
	assert.Equal(t, "evil%1B[31m%0Aname 100%25%7F", s)
	assert.False(t, strings.ContainsAny(s, "\n\r\x1b"))
}

func TestWriteStateReplacesTheFileWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	d := RTXPro6000()
	d.Errors = map[string]int{"DeviceGetMemoryInfo_v2": ErrUnknown}
	d.Processes = []Process{{PID: 7, Used: 1 << 30, Name: "python3"}, {PID: 8, UsedUnavailable: true, Graphics: true, Name: "Xorg"}}
	require.NoError(t, WriteState(path, State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []Device{d}}))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, line := range []string{
		"driver 580.95.05", "cuda 13000", "device",
		fmt.Sprintf("memory %d %d %d", d.Total, d.Reserved, d.Used),
		"error DeviceGetMemoryInfo_v2 999",
		"process compute 7 1073741824 python3", "process graphics 8 na Xorg",
	} {
		assert.Contains(t, strings.Split(string(b), "\n"), line)
	}
	left, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".state-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "temporary files left behind")
}
