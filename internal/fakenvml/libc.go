package fakenvml

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// Libc is the path of the C library the test process runs on, read from
// /proc/self/maps: a real shared library that is not NVML. It skips the
// test where there is none to find.
func Libc(t testing.TB) string {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Skip("no /proc/self/maps to find the C library in")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 6 && strings.HasSuffix(fields[5], "/libc.so.6") {
			return fields[5]
		}
	}
	t.Skip("this process does not run on glibc's libc.so.6")
	return ""
}
