package gpu

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// systemMemory is the operating system's memory: what a unified-memory GPU
// (such as GB10) shares with the CPU, whose driver reports no memory of its
// own.
type systemMemory struct {
	Total, Available uint64
}

// maxMeminfo bounds what is read of /proc/meminfo: it is under 2 KiB, and
// MemTotal and MemAvailable are its first lines (proc(5)).
const maxMeminfo = 64 << 10

// readMeminfo reads /proc/meminfo.
func readMeminfo(path string) (systemMemory, error) {
	f, err := os.Open(path)
	if err != nil {
		return systemMemory{}, fmt.Errorf("reading system memory: %w", err)
	}
	defer f.Close()
	m, err := parseMeminfo(io.LimitReader(f, maxMeminfo))
	if err != nil {
		return systemMemory{}, fmt.Errorf("reading system memory from %s: %w", path, err)
	}
	return m, nil
}

// parseMeminfo reads MemTotal and MemAvailable from /proc/meminfo's format,
// "MemAvailable:   12345678 kB" (proc(5): the figures are in KiB).
// MemAvailable is the kernel's estimate of what can be allocated without
// swapping, the figure other GPU monitors use for unified memory.
func parseMeminfo(r io.Reader) (systemMemory, error) {
	var m systemMemory
	var haveTotal, haveAvail bool
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "MemTotal" && key != "MemAvailable") {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return m, fmt.Errorf("%s: %q is not a size in kB", key, strings.TrimSpace(rest))
		}
		kib, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			return m, fmt.Errorf("%s: %q is not a size in kB", key, fields[0])
		}
		if kib > MaxMemoryBytes>>10 {
			return m, fmt.Errorf("%s: %s kB is more memory than any machine has", key, fields[0])
		}
		if key == "MemTotal" {
			m.Total, haveTotal = kib<<10, true
		} else {
			m.Available, haveAvail = kib<<10, true
		}
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if !haveTotal || !haveAvail {
		return m, fmt.Errorf("MemTotal or MemAvailable is missing (a kernel before 3.14?)")
	}
	if m.Available > m.Total {
		m.Available = m.Total
	}
	return m, nil
}
