package fit

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

var scales = []uint64{0, 1, 99, 100, GiB, 96 * GiB, 1 << 50, 1 << 60, 1<<63 + 12345, math.MaxUint64}

// TestMulDivMatchesBigInts checks the 128-bit a × b ÷ c against math/big
// at every scale, rounding both ways, saturating at 2^64−1.
func TestMulDivMatchesBigInts(t *testing.T) {
	maxU := new(big.Int).SetUint64(math.MaxUint64)
	for _, a := range scales {
		for _, b := range scales {
			for _, c := range scales[1:] {
				for _, up := range []bool{false, true} {
					p := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
					q, r := new(big.Int).QuoRem(p, new(big.Int).SetUint64(c), new(big.Int))
					if up && r.Sign() != 0 {
						q.Add(q, big.NewInt(1))
					}
					if q.Cmp(maxU) > 0 {
						q = maxU
					}
					assert.Equal(t, q.Uint64(), mulDiv(a, b, c, up), "%d × %d ÷ %d (up %v)", a, b, c, up)
				}
			}
		}
	}
}

// TestRoomAtAnyScale: free or card memory of any size, up to 2^64−1,
// gives a utilisation of at most 100% and a room within the free memory
// and the card, equal to the exact value.
func TestRoomAtAnyScale(t *testing.T) {
	for _, free := range scales {
		for _, usable := range scales {
			for _, outside := range []uint64{0, GiB} {
				pct, in := room(VLLM, free, usable, outside)
				assert.LessOrEqual(t, pct, uint64(100))
				assert.LessOrEqual(t, in, usable)
				if free > outside && usable > 0 {
					want := new(big.Int).SetUint64(free - outside)
					want.Mul(want, big.NewInt(100)).Quo(want, new(big.Int).SetUint64(usable))
					if want.Cmp(big.NewInt(100)) > 0 {
						want.SetInt64(100)
					}
					assert.Equal(t, want.Uint64(), pct, "free %d usable %d", free, usable)
				}
				n := needs{inside: in, outside: outside}
				if usable > 0 && free > outside {
					assert.Zero(t, toFree(VLLM, &n, free, usable), "what room allows needs nothing freed: free %d usable %d", free, usable)
				}
			}
		}
	}
}

func TestCheckedArithmetic(t *testing.T) {
	_, ok := mul64(1<<32, 1<<31)
	assert.False(t, ok)
	v, ok := mul64(1<<31, 1<<31)
	assert.True(t, ok)
	assert.Equal(t, int64(1)<<62, v)
	_, ok = mul64(-1, 2)
	assert.False(t, ok)
	_, ok = add64(math.MaxInt64, 1)
	assert.False(t, ok)
	v, ok = add64(math.MaxInt64-1, 1)
	assert.True(t, ok)
	assert.Equal(t, int64(math.MaxInt64), v)
}
