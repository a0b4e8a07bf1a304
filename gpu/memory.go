package gpu

import (
	"fmt"
	"math/bits"
)

// MaxMemoryBytes is more memory than any device, or any machine whose
// memory a unified-memory GPU shares, has: 1 PiB. The largest cards hold
// under 300 GB and the largest single machines some tens of TiB, so a
// figure above it is the driver's garbage, such as 2^64-1, and is never
// put into arithmetic. The bound also keeps the fit package's sums safe:
// its vLLM grading multiplies bytes by 100 (fit/grade.go, room), which
// wraps above 2^64/100 bytes, about 184 PB.
const MaxMemoryBytes = 1 << 50

// maxMemoryExcess is how far the parts of a memory reading (reserved, used
// and free) may add up beyond its total before the reading is rejected:
// an eighth of the total. NVML's figures should add up exactly (nvml.h,
// nvmlMemory_t and nvmlMemory_v2_t; nvidia-smi shows Total ≈ Reserved +
// Used + Free), so the margin is generous and rejects only nonsense.
const maxMemoryExcess = 8

// implausible names the figure of m that no real card gives, "" when
// every figure could be real: a total above MaxMemoryBytes; a part
// (reserved, used, free) above the total, or above MaxMemoryBytes when
// the total is unknown; or parts adding up to well over the total.
func (m Memory) implausible() string {
	if m.Total.OK && m.Total.Value > MaxMemoryBytes {
		return fmt.Sprintf("a total of %d bytes", m.Total.Value)
	}
	limit, of := uint64(MaxMemoryBytes), "any device has"
	if m.Total.OK {
		limit, of = m.Total.Value, fmt.Sprintf("the total of %d", m.Total.Value)
	}
	parts := [...]struct {
		name string
		r    Reading[uint64]
	}{{"reserved", m.Reserved}, {"used", m.Used}, {"free", m.Free}}
	var sum uint64
	for _, p := range parts {
		if p.r.OK && p.r.Value > limit {
			return fmt.Sprintf("%d bytes %s, more than %s", p.r.Value, p.name, of)
		}
		sum = addCapped(sum, p.r.Value)
	}
	if m.Total.OK && sum > m.Total.Value && sum-m.Total.Value > m.Total.Value/maxMemoryExcess {
		return fmt.Sprintf("reserved, used and free adding up to %d bytes, more than the total of %d", sum, m.Total.Value)
	}
	return ""
}

// addCapped is a+b, or the largest uint64 when that would wrap.
func addCapped(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return ^uint64(0)
	}
	return s
}
