package gpu

import "github.com/headroom-dev/headroom/internal/sanitize"

// Clean makes a string that came from outside safe to print: a process name
// or command line chosen by whoever started the process, or a name reported
// by the driver. It is sanitize.Text, headroom's one cleaner.
func Clean(s string) string { return sanitize.Text(s) }
