package gpu

import (
	"strings"
	"unicode"
)

// Clean strips control characters (escape sequences included) from a
// string that came from outside: a process name or command line chosen by
// whoever started the process, or a name reported by the driver. What
// remains can be printed to a terminal safely. Invalid UTF-8 becomes U+FFFD.
func Clean(s string) string {
	clean := true
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return ' '
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
