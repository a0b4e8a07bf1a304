package fit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseContext reads a context length as users write it: "8k", "32K",
// "128k", "1m" or a plain token count such as "131072". The suffixes are
// binary (k = 1024 tokens), as the models' own context sizes are. Fewer
// than MinContextTokens or more than MaxContextTokens is an error.
func ParseContext(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty context length")
	}
	mult := 1
	switch t[len(t)-1] {
	case 'k', 'K':
		mult, t = 1<<10, t[:len(t)-1]
	case 'm', 'M':
		mult, t = 1<<20, t[:len(t)-1]
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, fmt.Errorf("%q is not a context length (try 8k, 32K or 131072)", s)
	}
	v := n * float64(mult)
	if v < MinContextTokens || v > MaxContextTokens || v != math.Trunc(v) {
		return 0, fmt.Errorf("context length %q is out of range (256 to 1G tokens, whole tokens)", s)
	}
	return int(v), nil
}

// FormatContext writes a token count as every output shows it, in one
// notation, rounded down so that it never claims more than fits: 8192 is
// "8K", 131072 "128K", 67072 "65.5K", 1000 "1000". ParseContext reads it
// back to at most the count. Launch lines carry the exact count.
func FormatContext(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "M"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "K"
	case n >= 1<<10 && n < 100<<10:
		// Rounded down to a tenth of a K: never more than fits.
		return strconv.FormatFloat(float64(n*10/1024)/10, 'f', 1, 64) + "K"
	case n >= 100<<10:
		return strconv.Itoa(n>>10) + "K"
	}
	return strconv.Itoa(n)
}

// sizeUnits maps a size suffix to its multiplier. IEC suffixes (Ki, Mi,
// Gi, Ti, with or without B) are binary; SI suffixes (K, M, G, T, with or
// without B) are decimal, as in Kubernetes quantities and disk sizes.
var sizeUnits = map[string]float64{
	"b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"ki": 1 << 10, "kib": 1 << 10, "mi": 1 << 20, "mib": 1 << 20,
	"gi": 1 << 30, "gib": 1 << 30, "ti": 1 << 40, "tib": 1 << 40,
}

// ParseSize reads a memory size with its unit: "80GiB", "80Gi", "96GB",
// "512MiB", "1.5TiB" or "1024B". GiB-style suffixes are binary and
// GB-style decimal. A bare number is refused: "80" is far more likely
// meant as 80 GiB than as 80 bytes, and guessing either is wrong.
func ParseSize(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	if unit == "" && num != "" {
		return 0, fmt.Errorf("%q has no unit: give one of GiB, GB, MiB, MB, TiB, TB or B (80GiB is 80 × 2^30 bytes, 96GB is 96 × 10^9)", s)
	}
	mult, ok := sizeUnits[unit]
	if !ok || num == "" {
		return 0, fmt.Errorf("%q is not a size (try 80GiB, 96GB or 512MiB)", s)
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size (try 80GiB, 96GB or 512MiB)", s)
	}
	v := n * mult
	if v > float64(1<<62) {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return uint64(math.Round(v)), nil
}

// GiB is one binary gigabyte, the unit nvidia-smi and the runtimes report in.
const GiB = 1 << 30

// FormatGiB writes a byte count in GiB with one decimal, as "61.0 GiB".
func FormatGiB(b uint64) string {
	return strconv.FormatFloat(float64(b)/GiB, 'f', 1, 64) + " GiB"
}
