package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/gpu"
)

// gpuOf is a live GPU NVML names name, with total and free bytes.
func gpuOf(i int, name string, total, free uint64) gpu.Device {
	return gpu.Device{Index: i, Name: name, UUID: "GPU-" + name, ComputeCapability: "12.0",
		Memory: gpu.Memory{Total: gpu.Read(total), Free: gpu.Read(free), Reserved: gpu.Read(uint64(0)), Used: gpu.Read(total - free)}}
}

// The budget one sample gives: a planned card counted --tp times, live
// GPUs graded as a group with a note saying so, a GPU the catalogue does
// not hold named, and no GPU refused.
func TestSampleBudget(t *testing.T) {
	cards := loadCatalogue(t)
	const pro = "NVIDIA RTX PRO 6000 Blackwell Workstation Edition"
	const gib = uint64(1) << 30
	planned := gpu.Snapshot{Source: gpu.KindPlanning, Devices: []gpu.Device{gpuOf(0, pro, 96*gib, 96*gib)}}
	b, note, err := SampleBudget(cards, planned, 4)
	require.NoError(t, err)
	assert.Equal(t, 4, b.GPUs)
	assert.Empty(t, note)

	live := gpu.Snapshot{Source: gpu.KindNVML, Devices: []gpu.Device{gpuOf(0, pro, 96*gib, 90*gib), gpuOf(1, pro, 96*gib, 50*gib)}}
	b, note, err = SampleBudget(cards, live, 2)
	require.NoError(t, err)
	assert.Equal(t, 50*gib, b.FreeBytes, "the least free of the group")
	assert.Equal(t, "graded against the least free memory of 2 of the 2 GPUs, each holding its share", note)
	_, note, err = SampleBudget(cards, live, 1)
	require.NoError(t, err)
	assert.Equal(t, "graded against GPU 0 of 2", note)

	l4 := gpu.Snapshot{Source: gpu.KindNVML, Devices: []gpu.Device{gpuOf(0, "NVIDIA L4", 22*gib, 20*gib), gpuOf(1, "NVIDIA L4", 22*gib, 20*gib)}}
	_, note, err = SampleBudget(cards, l4, 1)
	require.NoError(t, err)
	assert.Equal(t, "graded against GPU 0 of 2; NVIDIA L4 is "+NotListed, note)

	_, _, err = SampleBudget(cards, gpu.Snapshot{Source: gpu.KindNVML}, 1)
	assert.ErrorContains(t, err, "no GPU")
	_, _, err = SampleBudget(cards, live, 4)
	assert.ErrorContains(t, err, "needs 4")
}
