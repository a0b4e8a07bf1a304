package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
)

// nvmlDevice is a GPU as the driver would report it.
func nvmlDevice(name string, total uint64, cc string) gpu.Device {
	return gpu.Device{Name: name, ComputeCapability: cc,
		Memory: gpu.Memory{Total: gpu.Read(total), Free: gpu.Read(total), Used: gpu.Read(uint64(0)), Reserved: gpu.Read(uint64(0))}}
}

// Every card NVML can report resolves, by the name NVML gives it (the
// alias that starts "NVIDIA "), to that card and no other.
func TestEveryShippedCardResolvesByItsNVMLName(t *testing.T) {
	cards := loadCatalogue(t)
	checked := 0
	for _, c := range cards {
		if !c.NVML {
			continue
		}
		var names []string
		for _, a := range c.Aliases {
			if strings.HasPrefix(a, "NVIDIA ") {
				names = append(names, a)
			}
		}
		require.NotEmpty(t, names, "%s: NVML reports it, so the catalogue needs the name NVML gives it", c.Name)
		for _, n := range names {
			got := ForDevice(cards, nvmlDevice(n, 1, ""))
			assert.Equal(t, c.Name, got.Name, n)
			assert.False(t, got.Unlisted, n)
			got = ForDevice(cards, nvmlDevice("  "+strings.ToLower(n)+" ", 1, ""))
			assert.Equal(t, c.Name, got.Name, "%s, in another case and with spaces", n)
			checked++
		}
	}
	assert.GreaterOrEqual(t, checked, 20)
}

// A GPU the catalogue does not hold is graded from its own figures, never
// from a card whose name contains its name.
func TestUnlistedGPUsBorrowNoCardsFigures(t *testing.T) {
	cards := loadCatalogue(t)
	for name, want := range map[string]struct {
		total uint64
		cc    string
	}{
		"NVIDIA L4":  {23_034_920_960, "8.9"}, // would partly match L40S
		"NVIDIA A10": {24_146_608_128, "8.6"}, // would partly match A100
		"Tesla T4":   {16_106_127_360, "7.5"}, // matches nothing
		"":           {8 << 30, ""},           // a name the driver could not give
	} {
		t.Run(name, func(t *testing.T) {
			_, listed := Match(cards, name)
			assert.False(t, listed)
			c := ForDevice(cards, nvmlDevice(name, want.total, want.cc))
			assert.True(t, c.Unlisted)
			assert.Equal(t, want.total, c.MemoryBytes, "memory is the driver's reading")
			assert.Nil(t, c.BandwidthBytesPerS, "bandwidth unknown")
			assert.Nil(t, c.LaunchPriceUSD, "price unknown")
			assert.Empty(t, c.Class)
			if want.cc != "" {
				require.NotNil(t, c.ComputeCapability)
				assert.Equal(t, want.cc, *c.ComputeCapability)
			}
			assert.NotEmpty(t, c.Name, "an unnamed GPU is named by its index")
			s := Spec(c)
			assert.Zero(t, s.BandwidthBytesPerS)
			assert.Zero(t, s.PriceUSD)
		})
	}
}

func TestSpecCarriesTheCardsFigures(t *testing.T) {
	c, ok := Match(loadCatalogue(t), "NVIDIA GeForce RTX 5090")
	require.True(t, ok)
	s := Spec(c)
	assert.Equal(t, c.Name, s.Name)
	assert.Equal(t, c.MemoryBytes, s.MemoryBytes)
	assert.Equal(t, *c.BandwidthBytesPerS, s.BandwidthBytesPerS)
	assert.Equal(t, *c.LaunchPriceUSD, s.PriceUSD)
	assert.Equal(t, c.Class, s.Class)
}

func TestPlanIsTheCardEmpty(t *testing.T) {
	c, err := FindCard(loadCatalogue(t), "pro6000")
	require.NoError(t, err)
	p := Plan(c, "why")
	assert.Equal(t, c.Name, p.Name)
	assert.Equal(t, c.MemoryBytes, p.MemoryBytes)
	assert.Equal(t, *c.ComputeCapability, p.ComputeCapability)
	assert.Equal(t, "why", p.Reason)
}
