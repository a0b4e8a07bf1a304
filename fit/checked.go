package fit

import (
	"errors"
	"fmt"
	"math/bits"
)

// ErrOutOfRange marks a size the arithmetic cannot hold: dimensions whose
// product would wrap 64 bits, or a need beyond MaxNeedBytes. It is an
// error about the input, never a number.
var ErrOutOfRange = errors.New("out of range")

// MaxNeedBytes bounds any one need: 1 EiB, a million times the largest
// GPU. Sums of a few such terms, and their percentages, stay below 2^64.
const MaxNeedBytes = 1 << 60

// errNeedTooLarge is returned for a cache or total beyond MaxNeedBytes.
var errNeedTooLarge = fmt.Errorf("needs more than 1 EiB: %w", ErrOutOfRange)

// mul64 is a × b for non-negative a and b, and false when the product
// would not fit an int64.
func mul64(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > 1<<63-1 {
		return 0, false
	}
	return int64(lo), true
}

// add64 is a + b for non-negative a and b, and false when the sum would
// not fit an int64.
func add64(a, b int64) (int64, bool) {
	if a < 0 || b < 0 || a > 1<<63-1-b {
		return 0, false
	}
	return a + b, true
}

// mulDiv is a × b ÷ c, rounded down (or up when up is set), computed
// over 128 bits so that no intermediate wraps. A quotient beyond 2^64−1
// saturates there; c must not be 0.
func mulDiv(a, b, c uint64, up bool) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return 1<<64 - 1
	}
	q, r := bits.Div64(hi, lo, c)
	if up && r != 0 {
		if q == 1<<64-1 {
			return q
		}
		q++
	}
	return q
}
