package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
)

const gib = 1 << 30

// card is a readable GPU with free and total GiB, and 1 GiB reserved.
func card(i int, free, total uint64) gpu.Device {
	return gpu.Device{Index: i, Memory: gpu.Memory{Total: gpu.Read(total * gib), Reserved: gpu.Read(uint64(gib)),
		Used: gpu.Read((total - free - 1) * gib), Free: gpu.Read(free * gib)}}
}

func TestBudgetOfAReadableGPU(t *testing.T) {
	b, err := Budget(nil, card(0, 60, 96))
	require.NoError(t, err)
	assert.EqualValues(t, 60*gib, b.FreeBytes)
	assert.EqualValues(t, 95*gib, b.UsableBytes, "total less the driver's reserve")
	assert.EqualValues(t, 96*gib, b.TotalBytes)
	assert.Equal(t, 1, b.GPUs)

	d := card(0, 60, 96)
	d.Memory.Reserved = gpu.Reading[uint64]{}
	b, err = Budget(nil, d)
	require.NoError(t, err)
	assert.Zero(t, b.UsableBytes, "unknown when the reserve is unknown")
}

func TestBudgetRefusesWhatCannotBeGraded(t *testing.T) {
	lost := card(1, 60, 96)
	lost.Lost = true
	mig := card(0, 60, 96)
	mig.MIG = true
	unread := card(2, 60, 96)
	unread.Memory.Free = gpu.Reading[uint64]{}
	odd := card(3, 60, 96)
	odd.Memory.Free = gpu.Read(uint64(200 * gib))
	for name, tc := range map[string]struct {
		d    gpu.Device
		says string
	}{
		"lost":                  {lost, "GPU 1 is lost"},
		"MIG":                   {mig, "GPU 0 has MIG on"},
		"memory unread":         {unread, "GPU 2 has no memory reading"},
		"more free than in all": {odd, "more memory free"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Budget(nil, tc.d)
			var ue *UngradableError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}

func TestGroupBudgetTakesTheLeastAndSkipsTheLost(t *testing.T) {
	lost := card(1, 90, 96)
	lost.Lost = true
	devs := []gpu.Device{card(0, 60, 96), lost, card(2, 40, 80), card(3, 90, 96)}
	b, err := GroupBudget(nil, devs, 2)
	require.NoError(t, err)
	assert.EqualValues(t, 40*gib, b.FreeBytes, "GPU 2 has the least free of GPUs 0 and 2")
	assert.EqualValues(t, 79*gib, b.UsableBytes)
	assert.Equal(t, 2, b.GPUs)

	_, err = GroupBudget(nil, devs, 4)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs 4 that can be graded; 3 of 4 can (GPU 1 is lost")
}

// The bandwidth is the matched card's, and unknown for a GPU the
// catalogue does not hold: an "NVIDIA L4" never gets the L40S's.
func TestBudgetBandwidthComesFromTheExactCard(t *testing.T) {
	cards := loadCatalogue(t)
	l40s, ok := Match(cards, "NVIDIA L40S")
	require.True(t, ok)
	d := card(0, 40, 44)
	d.Name = "NVIDIA L40S"
	b, err := Budget(cards, d)
	require.NoError(t, err)
	assert.Equal(t, *l40s.BandwidthBytesPerS, b.BandwidthBytesPerS)

	d.Name = "NVIDIA L4"
	b, err = Budget(cards, d)
	require.NoError(t, err)
	assert.Zero(t, b.BandwidthBytesPerS, "an L4 is not in the catalogue: its bandwidth is unknown")

	other := card(1, 40, 44)
	other.Name = "NVIDIA L40S"
	b, err = GroupBudget(cards, []gpu.Device{other, d}, 2)
	require.NoError(t, err)
	assert.Zero(t, b.BandwidthBytesPerS, "unknown when any GPU of the group is unknown")
	b, err = GroupBudget(cards, []gpu.Device{other, other}, 2)
	require.NoError(t, err)
	assert.Equal(t, *l40s.BandwidthBytesPerS, b.BandwidthBytesPerS)
}
