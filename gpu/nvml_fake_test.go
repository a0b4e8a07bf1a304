//go:build cgo

package gpu

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// fake is the fake NVML library this test binary loads, built on first use.
// A process can load only one NVML library, so every test here shares it
// and drives it through one state file; they must not run in parallel.
var fake struct {
	once  sync.Once
	dir   string
	lib   string
	state string
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fake.dir != "" {
		os.RemoveAll(fake.dir)
	}
	os.Exit(code)
}

// openFake writes s as the fake driver's state and opens an NVML source on
// the fake library.
func openFake(tb testing.TB, s fakenvml.State) (*nvmlSource, string) {
	tb.Helper()
	fake.once.Do(func() {
		if fake.dir, fake.err = os.MkdirTemp("", "headroom-fakenvml-"); fake.err != nil {
			return
		}
		fake.state = filepath.Join(fake.dir, "state")
		os.Setenv(fakenvml.StateEnv, fake.state)
		fake.lib = fakenvml.Build(tb)
		fake.lib, fake.err = copyInto(fake.lib, fake.dir)
	})
	require.NoError(tb, fake.err)
	if fake.lib == "" {
		tb.Skip("the fake NVML library could not be built here (see the first test that tried)")
	}
	require.NoError(tb, fakenvml.WriteState(fake.state, s))
	src, err := OpenNVML(fake.lib)
	require.NoError(tb, err)
	tb.Cleanup(func() { src.Close() })
	return src.(*nvmlSource), fake.state
}

// copyInto copies the library out of the building test's temporary
// directory, which goes when that test ends.
func copyInto(lib, dir string) (string, error) {
	b, err := os.ReadFile(lib)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, fakenvml.LibraryName)
	return dst, os.WriteFile(dst, b, 0o755)
}

// gib is n GiB in bytes.
func gib(n uint64) uint64 { return n << 30 }

func twoCards() fakenvml.State {
	a, b := fakenvml.RTXPro6000(), fakenvml.RTXPro6000()
	b.UUID = "GPU-second"
	a.Used, b.Used = gib(10), gib(20)
	return fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{a, b}}
}

func TestFakeDriverLostGPUMidRun(t *testing.T) {
	state := twoCards()
	src, path := openFake(t, state)
	snap := sample(t, src)
	require.Len(t, snap.Devices, 2)
	assert.Equal(t, Read(gib(20)), snap.Devices[1].Memory.Used)

	state.Devices[1].Lost = true
	state.Devices[0].Used = gib(30)
	require.NoError(t, fakenvml.WriteState(path, state))
	snap = sample(t, src)
	assert.Equal(t, Read(gib(30)), snap.Devices[0].Memory.Used, "GPU 0 keeps updating")
	assert.True(t, snap.Devices[1].Lost)
	assert.Equal(t, "NVIDIA RTX PRO 6000 Blackwell Workstation Edition", snap.Devices[1].Name)
	assert.Contains(t, strings.Join(snap.Notes, "\n"), "GPU 1 is lost")

	state.Devices[1].Lost = false
	require.NoError(t, fakenvml.WriteState(path, state))
	snap = sample(t, src)
	assert.False(t, snap.Devices[1].Lost)
	assert.Equal(t, Read(gib(20)), snap.Devices[1].Memory.Used)
}

func TestFakeDriverDeviceCountChangesMidRun(t *testing.T) {
	state := twoCards()
	src, path := openFake(t, state)
	assert.Len(t, sample(t, src).Devices, 2)
	state.Devices = state.Devices[:1]
	require.NoError(t, fakenvml.WriteState(path, state))
	snap := sample(t, src)
	assert.Len(t, snap.Devices, 1)
	assert.Contains(t, snap.Notes, "the number of GPUs changed from 2 to 1")
}

func TestFakeDriverMemoryMatchesWhatItWasGiven(t *testing.T) {
	state := twoCards()
	state.Devices[1].Errors = map[string]int{"DeviceGetMemoryInfo_v2": fakenvml.ErrUnknown}
	src, _ := openFake(t, state)
	snap := sample(t, src)
	a, b := snap.Devices[0], snap.Devices[1]
	d := state.Devices[0]
	assert.Equal(t, Memory{Total: Read(d.Total), Reserved: Read(d.Reserved), Used: Read(d.Used), Free: Read(d.Total - d.Reserved - d.Used)}, a.Memory)
	assert.Equal(t, "v2", a.MemorySource)
	assert.Equal(t, "v1", b.MemorySource)
	assert.Equal(t, Read(state.Devices[1].Reserved+state.Devices[1].Used), b.Memory.Used)
	assert.Equal(t, "12.0", a.ComputeCapability)
	assert.Equal(t, "Blackwell", a.Architecture)
	assert.Equal(t, Read(600.0), a.PowerLimitW)
	assert.Equal(t, "13.0", snap.CUDAVersion)
}

// BenchmarkSample measures one Sample against the fake library: one and
// eight GPUs, each with a process /proc can see (this one) and one only
// the driver can name. Names are cached, so this is the steady state.
func BenchmarkSample(b *testing.B) {
	for _, n := range []int{1, 8} {
		b.Run(fmt.Sprintf("gpus=%d", n), func(b *testing.B) {
			var state fakenvml.State
			for i := range n {
				d := fakenvml.RTXPro6000()
				d.UUID = fmt.Sprintf("GPU-%d", i)
				d.Used = gib(61)
				d.Processes = []fakenvml.Process{
					{PID: uint32(os.Getpid()), Used: gib(61), Name: "python3"},
					{PID: 1<<31 - 2, Used: gib(1), Name: "in-a-container"},
				}
				state.Devices = append(state.Devices, d)
			}
			src, _ := openFake(b, state)
			ctx := context.Background()
			if _, err := src.Sample(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := src.Sample(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
