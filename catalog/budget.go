package catalog

import (
	"fmt"
	"strings"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// UngradableError says why a device's memory cannot be graded against.
type UngradableError struct {
	GPU    int
	Reason string
}

// Error is "GPU n: reason".
func (e *UngradableError) Error() string { return fmt.Sprintf("GPU %d %s", e.GPU, e.Reason) }

// Budget is GPU d's memory as a budget for one GPU, with the memory
// bandwidth of its card (ForDevice; 0, unknown, for a GPU the catalogue
// does not hold). A lost GPU, one with
// MIG on (a model must fit one MIG instance, whose memory is not read, so
// grading the whole card could promise a fit that fails), and one whose
// memory could not be read are refused with an *UngradableError.
func Budget(cards []Card, d gpu.Device) (fit.Budget, error) {
	bad := func(reason string) (fit.Budget, error) {
		return fit.Budget{}, &UngradableError{GPU: d.Index, Reason: reason}
	}
	m := d.Memory
	switch {
	case d.Lost:
		return bad("is lost (the driver answers GPU_IS_LOST)")
	case d.MIG:
		return bad("has MIG on: a model must fit one MIG instance, whose memory headroom does not read; " +
			"grade against an instance's memory with fit --free SIZE")
	case !m.Total.OK || !m.Free.OK:
		return bad("has no memory reading")
	case m.Free.Value > m.Total.Value:
		return bad(fmt.Sprintf("reports more memory free (%d bytes) than in all (%d bytes)", m.Free.Value, m.Total.Value))
	}
	spec := Spec(ForDevice(cards, d))
	b := fit.Budget{FreeBytes: m.Free.Value, TotalBytes: m.Total.Value, GPUs: 1,
		BandwidthBytesPerS: spec.BandwidthBytesPerS, Compute: fit.ParseCapability(d.ComputeCapability), HBM: spec.HBM}
	if b.Compute == 0 {
		b.Compute = spec.Compute // the catalogue's, where the driver did not say
	}
	if m.Reserved.OK {
		b.UsableBytes = m.Usable()
	}
	return b, nil
}

// GroupBudget is the budget for tensor parallelism over n GPUs: the first n
// of devs that can be graded, each holding its share, so the least free,
// usable and total memory among them, and the lowest bandwidth (unknown
// when any is). It fails, naming the GPUs left out
// and why, when fewer than n can be graded.
func GroupBudget(cards []Card, devs []gpu.Device, n int) (fit.Budget, error) {
	var group fit.Budget
	var why []string
	count := 0
	for _, d := range devs {
		if count == n {
			break
		}
		b, err := Budget(cards, d)
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		if count == 0 {
			group = b
		} else {
			group.FreeBytes = min(group.FreeBytes, b.FreeBytes)
			group.TotalBytes = min(group.TotalBytes, b.TotalBytes)
			group.UsableBytes = minKnown(group.UsableBytes, b.UsableBytes)
			group.BandwidthBytesPerS = minKnown(group.BandwidthBytesPerS, b.BandwidthBytesPerS)
			group.Compute = fit.Capability(minKnown(uint64(group.Compute), uint64(b.Compute)))
		}
		count++
	}
	if count < n {
		msg := fmt.Sprintf("tensor parallelism over %d GPUs needs %d that can be graded; %d of %d can", n, n, count, len(devs))
		if len(why) > 0 {
			msg += " (" + strings.Join(why, "; ") + ")"
		}
		return fit.Budget{}, fmt.Errorf("%s", msg)
	}
	group.GPUs = n
	return group, nil
}

// minKnown is the smaller of two figures where 0 means unknown: unknown
// when either is.
func minKnown(a, b uint64) uint64 {
	if a == 0 || b == 0 {
		return 0
	}
	return min(a, b)
}

// SampleBudget is the budget one sample gives a model over tp GPUs: a
// planned card counted tp times (planned cards are identical), or the
// live GPUs' group; and a note on how it was read (which GPUs, a card the
// catalogue does not hold). The error is why the sample cannot be graded.
func SampleBudget(cards []Card, snap gpu.Snapshot, tp int) (fit.Budget, string, error) {
	if len(snap.Devices) == 0 {
		return fit.Budget{}, "", fmt.Errorf("the driver reports no GPU")
	}
	var b fit.Budget
	var err error
	if snap.Source == gpu.KindPlanning {
		b, err = Budget(cards, snap.Devices[0])
		b.GPUs = tp
	} else {
		b, err = GroupBudget(cards, snap.Devices, tp)
	}
	if err != nil {
		return fit.Budget{}, "", err
	}
	var notes []string
	switch {
	case tp > 1 && snap.Source != gpu.KindPlanning:
		notes = append(notes, fmt.Sprintf("graded against the least free memory of %d of the %d GPUs, each holding its share", tp, len(snap.Devices)))
	case len(snap.Devices) > 1:
		notes = append(notes, fmt.Sprintf("graded against GPU 0 of %d", len(snap.Devices)))
	}
	if card := ForDevice(cards, snap.Devices[0]); card.Unlisted {
		notes = append(notes, card.Name+" is "+NotListed)
	}
	return b, strings.Join(notes, "; "), nil
}
