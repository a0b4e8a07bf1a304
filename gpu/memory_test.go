package gpu

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestImplausibleMemory(t *testing.T) {
	const total = uint64(demoTotal)
	for name, tc := range map[string]struct {
		m    Memory
		want string
	}{
		"a real v2 reading": {m: Memory{Total: Read(total), Reserved: Read(uint64(demoReserved)), Used: Read(uint64(1 << 30)), Free: Read(total - demoReserved - 1<<30)}},
		"a real v1 reading": {m: Memory{Total: Read(total), Used: Read(uint64(1 << 30)), Free: Read(total - 1<<30)}},
		"an empty card":     {m: Memory{Total: Read(total), Reserved: Read(uint64(0)), Used: Read(uint64(0)), Free: Read(total)}},
		"parts a MiB over the total, as nvidia-smi rounds": {
			m: Memory{Total: Read(total), Reserved: Read(uint64(demoReserved)), Used: Read(uint64(1 << 20)), Free: Read(total - demoReserved)},
		},
		"total 2^64-1": {m: Memory{Total: Read(uint64(math.MaxUint64)), Free: Read(uint64(math.MaxUint64))},
			want: "a total of 18446744073709551615 bytes"},
		"total over 1 PiB": {m: Memory{Total: Read(uint64(1<<50 + 1))}, want: "a total of 1125899906842625 bytes"},
		"free over total":  {m: Memory{Total: Read(uint64(100)), Free: Read(uint64(101))}, want: "101 bytes free, more than the total of 100"},
		"used over total":  {m: Memory{Total: Read(uint64(100)), Used: Read(uint64(200))}, want: "200 bytes used, more than the total of 100"},
		"reserved over total": {m: Memory{Total: Read(uint64(100)), Reserved: Read(uint64(math.MaxUint64))},
			want: "18446744073709551615 bytes reserved, more than the total of 100"},
		"parts far over total": {m: Memory{Total: Read(uint64(100)), Reserved: Read(uint64(50)), Used: Read(uint64(50)), Free: Read(uint64(100))},
			want: "reserved, used and free adding up to 200 bytes, more than the total of 100"},
		"no total, a part over 1 PiB": {m: Memory{Used: Read(uint64(1 << 51))}, want: "2251799813685248 bytes used, more than any device has"},
		"nothing read":                {m: Memory{}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.m.implausible())
		})
	}
}

func TestUsableNeverWraps(t *testing.T) {
	assert.Equal(t, uint64(0), Memory{Total: Read(uint64(10)), Reserved: Read(uint64(math.MaxUint64))}.Usable())
	assert.Equal(t, uint64(math.MaxUint64-1), Memory{Total: Read(uint64(math.MaxUint64)), Reserved: Read(uint64(1))}.Usable())
	assert.Equal(t, uint64(0), Memory{}.Usable())
}

func TestAddCapped(t *testing.T) {
	assert.Equal(t, uint64(3), addCapped(1, 2))
	assert.Equal(t, uint64(math.MaxUint64), addCapped(math.MaxUint64, 1))
	assert.Equal(t, uint64(math.MaxUint64), addCapped(math.MaxUint64-1, math.MaxUint64-1))
}
