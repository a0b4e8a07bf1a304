package sanitize

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

func TestTextLeavesNothingATerminalWouldObey(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"plain":              {"python3", "python3"},
		"colour":             {"vllm\x1b[31m serve\x1b[0m", "vllm serve"},
		"clear screen":       {"a\x1b[2Jb", "ab"},
		"window title":       {"x\x1b]0;owned\x07y", "xy"},
		"OSC 52 clipboard":   {"Qwen\x1b]52;c;cm0gLXJmIH4K\x07-32B", "Qwen-32B"},
		"OSC 52 with ST":     {"Qwen\x1b]52;c;cm0gLXJmIH4K\x1b\\-32B", "Qwen-32B"},
		"alternate screen":   {"\x1b[?1049hz", "z"},
		"8-bit CSI":          {"a\u009b31mb", "a31mb"}, // the C1 byte goes; the rest is text
		"two-byte escape":    {"a\x1bb", "a"},          // ESC b is a sequence of its own
		"newlines and tabs":  {"serve\n--port\t8000\r\n", "serve --port 8000"},
		"bell and delete":    {"a\x07b\x7fc", "abc"},
		"line separator":     {"a\u2028b\u2029c", "abc"},
		"invalid UTF-8":      {"a\xffb", "a\uFFFDb"},
		"wide characters":    {"模型服务", "模型服务"},
		"right-to-left":      {"model\u202Egnp.exe", "modelgnp.exe"},
		"all bidi overrides": {"a\u202Ab\u202Bc\u202Cd\u202De\u202Ef", "abcdef"},
		"bidi isolates":      {"a\u2066b\u2067c\u2068d\u2069e", "abcde"},
		"bidi marks":         {"a\u200Eb\u200Fc\u061Cd", "abcd"},
		"zero-width":         {"Qw\u200Ben\u200C3\u200D-\u2060x\uFEFF", "Qwen3-x"},
		"soft hyphen":        {"Qw\u00ADen", "Qwen"},
		"Arabic text stays":  {"نموذج", "نموذج"},
	} {
		t.Run(name, func(t *testing.T) {
			got := Text(tc.in)
			assert.Equal(t, tc.want, got)
			assert.True(t, Safe(got), "%q is not safe after cleaning", got)
			for _, r := range got {
				assert.False(t, unicode.IsControl(r), "%q holds a control character", got)
			}
		})
	}
}

func TestSafeTextIsReturnedWithoutAllocating(t *testing.T) {
	s := "NVIDIA RTX PRO 6000 Blackwell Workstation Edition"
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = Text(s) }))
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]52;c;aGk=\x07", "a\u202Eb", "\x1b[", "\xff\xfe", "\u009b2J"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !Safe(got) {
			t.Fatalf("Text(%q) = %q, which is not safe", s, got)
		}
		if Text(got) != got {
			t.Fatalf("Text is not idempotent on %q", s)
		}
	})
}
