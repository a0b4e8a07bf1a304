package gpu

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadCatalogue(t *testing.T) []Card {
	t.Helper()
	f, err := os.Open("../gpus.json")
	require.NoError(t, err)
	defer f.Close()
	cards, err := LoadCards(f, "gpus.json")
	require.NoError(t, err)
	return cards
}

func TestPlanningIsTheCardEmptyAndSaysSo(t *testing.T) {
	cards := loadCatalogue(t)
	c, err := FindCard(cards, "pro6000")
	require.NoError(t, err)
	snap, err := Planning{Card: c, Reason: "no live GPU: NVML library not found"}.Sample(context.Background())
	require.NoError(t, err)
	assert.Equal(t, KindPlanning, snap.Source)
	assert.Equal(t, []string{"planning for RTX PRO 6000 Blackwell Workstation: not a live reading", "no live GPU: NVML library not found"}, snap.Notes)
	require.Len(t, snap.Devices, 1)
	m := snap.Devices[0].Memory
	assert.Equal(t, Read(c.MemoryBytes), m.Total)
	assert.Equal(t, Read(c.MemoryBytes), m.Free)
	assert.Equal(t, Read(uint64(0)), m.Used)
	assert.False(t, m.Reserved.OK, "the catalogue does not know the driver's reservation")
	assert.Equal(t, *c.ComputeCapability, snap.Devices[0].ComputeCapability)
}

func TestFindCard(t *testing.T) {
	cards := loadCatalogue(t)
	for name, tc := range map[string]struct {
		query, want string
		ambiguous   bool
	}{
		"name":                           {query: "RTX 4090", want: "RTX 4090"},
		"alias":                          {query: "pro6000", want: "RTX PRO 6000 Blackwell Workstation"},
		"NVML's name":                    {query: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition", want: "RTX PRO 6000 Blackwell Workstation"},
		"any case":                       {query: "nvidia geforce rtx 5090", want: "RTX 5090"},
		"unique part":                    {query: "6000 ada", want: "RTX 6000 Ada"},
		"exact beats a part":             {query: "H200", want: "H200"},
		"ambiguous part":                 {query: "a100 80gb", ambiguous: true},
		"alias that is a part of others": {query: "RTX PRO 6000", want: "RTX PRO 6000 Blackwell Workstation"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := FindCard(cards, tc.query)
			if tc.ambiguous {
				var amb *AmbiguousError
				require.ErrorAs(t, err, &amb)
				assert.Greater(t, len(amb.Candidates), 1)
				assert.Contains(t, err.Error(), amb.Candidates[0])
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.Name)
		})
	}
	_, err := FindCard(cards, "voodoo 5")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "voodoo 5")
}

// TestCatalogueHoldsTheCardsPlanningNeeds checks the entries planning mode
// is built around, each with the figures the fit needs.
func TestCatalogueHoldsTheCardsPlanningNeeds(t *testing.T) {
	cards := loadCatalogue(t)
	for _, q := range []string{
		"NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "NVIDIA GeForce RTX 5090",
		"NVIDIA GeForce RTX 4090", "NVIDIA RTX 6000 Ada Generation", "NVIDIA A100-SXM4-80GB",
		"NVIDIA A100 80GB PCIe", "NVIDIA H100 80GB HBM3", "NVIDIA H200",
	} {
		c, err := FindCard(cards, q)
		require.NoError(t, err, q)
		assert.NotZero(t, c.MemoryBytes, q)
		assert.NotNil(t, c.BandwidthBytesPerS, q)
		assert.NotNil(t, c.ComputeCapability, q)
	}
	_, err := FindCard(cards, DefaultCard)
	require.NoError(t, err)
}

func TestDemoPlaysItsScenarioAndLoops(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	d := &Demo{Now: func() time.Time { return now }, start: start}
	at := func(s float64) Device {
		now = start.Add(time.Duration(s * float64(time.Second)))
		snap, err := d.Sample(context.Background())
		require.NoError(t, err)
		assert.Equal(t, KindDemo, snap.Source)
		assert.Contains(t, snap.Notes[0], "demo")
		dev := snap.Devices[0]
		m := dev.Memory
		assert.Equal(t, m.Total.Value, m.Reserved.Value+m.Used.Value+m.Free.Value, "at %vs", s)
		var sum uint64
		for _, p := range dev.Processes {
			sum += p.UsedBytes.Value
		}
		assert.Equal(t, m.Used.Value, sum, "at %vs the processes hold what is used", s)
		return dev
	}
	assert.Empty(t, at(1).Processes, "idle at first")
	loading, loaded := at(8).Memory.Used.Value, at(20).Memory.Used.Value
	assert.Less(t, loading, loaded, "weights load over some seconds")
	assert.Len(t, at(35).Processes, 2, "a second job comes")
	assert.Equal(t, loaded, at(45).Memory.Used.Value, "and goes")
	assert.Empty(t, at(55).Processes, "memory is released")
	assert.Equal(t, at(20), at(80), "it loops")
}

func TestJSONWritesUnreadFieldsAsNull(t *testing.T) {
	d := Device{Index: 1, Lost: true, Processes: []Process{{PID: 3}}}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	for _, k := range []string{"name", "uuid", "compute_capability", "utilization_percent", "temperature_c", "power_w", "power_limit_w"} {
		v, ok := got[k]
		assert.True(t, ok, "%s is missing", k)
		assert.Nil(t, v, "%s is not null", k)
	}
	mem := got["memory"].(map[string]any)
	for _, k := range []string{"total_bytes", "reserved_bytes", "used_bytes", "free_bytes"} {
		assert.Nil(t, mem[k], k)
	}
	p := got["processes"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "user", "command", "used_bytes"} {
		assert.Nil(t, p[k], k)
	}
	assert.Equal(t, true, got["lost"])

	var back Device
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back, "the JSON reads back as it was")
}
