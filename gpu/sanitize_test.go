package gpu

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

func TestCleanLeavesNothingATerminalWouldObey(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"plain":             {"python3", "python3"},
		"colour":            {"vllm\x1b[31m serve\x1b[0m", "vllm serve"},
		"clear screen":      {"a\x1b[2Jb", "ab"},
		"window title":      {"x\x1b]0;owned\x07y", "xy"},
		"alternate screen":  {"\x1b[?1049hz", "z"},
		"8-bit CSI":         {"a\u009b31mb", "a31mb"}, // the C1 byte goes; the rest is text
		"two-byte escape":   {"a\x1bb", "a"},          // ESC b is a sequence of its own
		"newlines and tabs": {"serve\n--port\t8000\r\n", "serve --port 8000"},
		"bell and delete":   {"a\x07b\x7fc", "abc"},
		"line separator":    {"a\u2028b", "ab"},
		"invalid UTF-8":     {"a\xffb", "a\uFFFDb"},
		"wide characters":   {"模型服务", "模型服务"},
	} {
		t.Run(name, func(t *testing.T) {
			got := Clean(tc.in)
			assert.Equal(t, tc.want, got)
			for _, r := range got {
				assert.False(t, unicode.IsControl(r), "%q holds a control character", got)
			}
		})
	}
}
