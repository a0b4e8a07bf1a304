// Package sanitize makes text from outside headroom safe to print: catalogue
// entries, config files, file names, process names and command lines, and
// the strings a driver reports. It is the one cleaner every printer uses, so
// that nothing read from outside can move the cursor, clear the screen, set
// the clipboard (OSC 52), retitle the window, or reorder what is shown.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Text returns s with everything a terminal would obey or hide removed:
//   - whole escape sequences (CSI, OSC such as OSC 52 clipboard writes, DCS,
//     and 8-bit C1 forms), then any control character left (C0, DEL, C1);
//   - Unicode format characters (category Cf): the bidirectional embeddings,
//     overrides and isolates U+202A–U+202E and U+2066–U+2069 and the marks
//     U+200E, U+200F and U+061C, which reorder text ("Trojan Source",
//     CVE-2021-42574); the zero-width characters U+200B–U+200D, U+2060 and
//     U+FEFF; soft hyphens and tag characters;
//   - the line and paragraph separators U+2028 and U+2029.
//
// Tabs and newlines become spaces, the ends are trimmed, and invalid UTF-8
// becomes U+FFFD. Text that needs no change is returned as it is, without
// allocating.
func Text(s string) string {
	if Safe(s) {
		return s
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return ' '
		case unsafeRune(r):
			return -1
		}
		return r
	}, ansi.Strip(strings.ToValidUTF8(s, "\uFFFD"))))
}

// Safe reports whether s can be printed as it is: valid UTF-8 holding no
// rune that Text removes.
func Safe(s string) bool {
	for _, r := range s {
		if unsafeRune(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// unsafeRune reports whether r is a control, format or separator character.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}
