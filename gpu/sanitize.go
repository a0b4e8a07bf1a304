package gpu

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Clean makes a string that came from outside safe to print: a process name
// or command line chosen by whoever started the process, or a name reported
// by the driver. Whole escape sequences (colours, cursor moves, window
// titles) are removed, then any control character left; tabs and newlines
// become spaces, and the ends are trimmed. Invalid UTF-8 becomes U+FFFD.
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
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return ' '
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return -1
		}
		return r
	}, ansi.Strip(strings.ToValidUTF8(s, "\uFFFD"))))
}
