package gpu

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanningIsTheCardEmptyAndSaysSo(t *testing.T) {
	p := Planning{Name: "RTX PRO 6000 Blackwell Workstation", MemoryBytes: 102_642_155_520, ComputeCapability: "12.0",
		Reason: "no live GPU: NVML library not found"}
	snap, err := p.Sample(context.Background())
	require.NoError(t, err)
	assert.Equal(t, KindPlanning, snap.Source)
	assert.Equal(t, []string{"planning for RTX PRO 6000 Blackwell Workstation: not a live reading", "no live GPU: NVML library not found"}, snap.Notes)
	require.Len(t, snap.Devices, 1)
	m := snap.Devices[0].Memory
	assert.Equal(t, Read(p.MemoryBytes), m.Total)
	assert.Equal(t, Read(p.MemoryBytes), m.Free)
	assert.Equal(t, Read(uint64(0)), m.Used)
	assert.False(t, m.Reserved.OK, "the catalogue does not know the driver's reservation")
	assert.Equal(t, "12.0", snap.Devices[0].ComputeCapability)
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

// deadlineSource records the deadline it was sampled under.
type deadlineSource struct{ deadline *time.Time }

func (s deadlineSource) Sample(ctx context.Context) (Snapshot, error) {
	d, ok := ctx.Deadline()
	if !ok {
		return Snapshot{}, errors.New("no deadline")
	}
	*s.deadline = d
	return Snapshot{Source: KindNVML}, nil
}

func (deadlineSource) Close() error { return nil }

func TestSampleOnceIsBounded(t *testing.T) {
	var d time.Time
	start := time.Now()
	snap, err := SampleOnce(deadlineSource{&d})
	require.NoError(t, err)
	assert.Equal(t, KindNVML, snap.Source)
	assert.WithinDuration(t, start.Add(OneShotTimeout), d, time.Second)
}

// Every source gives processes in the order Device.Processes promises.
func TestSortProcessesAndEverySourceKeepsTheOrder(t *testing.T) {
	ps := []Process{{PID: 5}, {PID: 3, UsedBytes: Read(uint64(1))}, {PID: 9, UsedBytes: Read(uint64(7))},
		{PID: 2, UsedBytes: Read(uint64(7))}, {PID: 1}}
	SortProcesses(ps)
	var pids []uint32
	for _, p := range ps {
		pids = append(pids, p.PID)
	}
	assert.Equal(t, []uint32{2, 9, 3, 1, 5}, pids, "largest first, ties by PID, unread last")

	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := &Demo{Now: func() time.Time { return start.Add(40 * time.Second) }, start: start}
	snap, err := d.Sample(context.Background())
	require.NoError(t, err)
	got := snap.Devices[0].Processes
	require.Len(t, got, 2)
	assert.True(t, slices.IsSortedFunc(got, func(a, b Process) int { return cmp.Compare(b.UsedBytes.Value, a.UsedBytes.Value) }))
}
