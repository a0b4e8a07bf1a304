package fit

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseContext(t *testing.T) {
	good := map[string]int{
		"8k": 8192, "32K": 32768, "131072": 131072, "128k": 131072, "1m": 1 << 20,
		" 4k ": 4096, "0.5k": 512, "40960": 40960, "256": MinContextTokens, "1024m": MaxContextTokens,
	}
	for in, want := range good {
		t.Run(in, func(t *testing.T) {
			got, err := ParseContext(in)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	for _, in := range []string{"", "k", "12x", "-8k", "0", "0.3", "NaN", "Inf", "2000m", "8kk", "1", "255", "0.2k", "1025m"} {
		t.Run("bad "+in, func(t *testing.T) {
			_, err := ParseContext(in)
			assert.Error(t, err)
		})
	}
}

func TestFormatContextRoundsDown(t *testing.T) {
	for _, n := range []int{1000, 4096, 8192, 40960, 131072, 1 << 20} {
		got, err := ParseContext(FormatContext(n))
		require.NoError(t, err)
		assert.Equal(t, n, got, "a whole number of K reads back exactly")
	}
	for _, n := range []int{12345, 67072, 1025, 102399, 131071, 200000} {
		s := FormatContext(n)
		k, err := strconv.ParseFloat(strings.TrimSuffix(s, "K"), 64)
		require.NoError(t, err, s)
		assert.LessOrEqual(t, k*1024, float64(n), "never more than the count: %s", s)
		assert.Greater(t, k*1024, float64(n-1024), "and less than 1K under it: %s", s)
	}
	assert.Equal(t, "128K", FormatContext(131072))
	assert.Equal(t, "65.5K", FormatContext(67072), "Llama-3.3-70B fp8's longest context at 128K on 96 GB")
	assert.Equal(t, "1000", FormatContext(1000))
}

// A size without a unit is refused, naming the units: --free 80 is not
// 80 bytes.
func TestParseSizeWantsAUnit(t *testing.T) {
	_, err := ParseSize("80")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no unit")
	assert.Contains(t, err.Error(), "GiB")
}

func TestParseSize(t *testing.T) {
	good := map[string]uint64{
		"80GiB": 80 << 30, "80Gi": 80 << 30, "96GB": 96e9, "512MiB": 512 << 20, "1.5TiB": 3 << 39,
		"1024B": 1024, "10 GiB": 10 << 30, "2g": 2e9, "7b": 7,
	}
	for in, want := range good {
		t.Run(in, func(t *testing.T) {
			got, err := ParseSize(in)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	for _, in := range []string{"", "GiB", "12x", "-1GiB", "1.2.3G", "99999999999TiB", "80", "1024"} {
		t.Run("bad "+in, func(t *testing.T) {
			_, err := ParseSize(in)
			assert.Error(t, err)
		})
	}
}

func TestFormatGiB(t *testing.T) {
	assert.Equal(t, "61.0 GiB", FormatGiB(65524246528))
	assert.Equal(t, "0.0 GiB", FormatGiB(0))
}
