package gpu

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shirou/gopsutil/v4/process"

	"github.com/headroom-dev/headroom/serving"
)

// maxCommand bounds a command line kept per process: enough to show what a
// model server was started with, and no more held in memory.
const maxCommand = 1024

// procInfo is what headroom shows about a process besides its memory. The
// cache cleans every string before it is shown.
type procInfo struct {
	Name, User, Command string
	Args                []string        // argv, as /proc gives it; dropped once recognised
	Serving             *serving.Server // the model server the arguments start; nil for none
}

// procEntry is a cached procInfo and the sample that last saw its PID.
type procEntry struct {
	info procInfo
	seen uint64
}

// procCache remembers procInfo per PID, so that /proc is read once per
// process rather than on every sample (gopsutil's name, user and command
// cost about 70 µs together). PIDs that leave the GPU are forgotten at the
// next sweep, which keeps the cache as small as the process lists and
// means a reused PID is read afresh.
type procCache struct {
	entries map[uint32]procEntry
	// lookup reads a process from /proc; ok is false when /proc cannot see
	// it, as inside a container's PID namespace.
	lookup func(pid uint32) (info procInfo, ok bool)
	// fallback asks the driver for the name when lookup fails
	// (nvmlSystemGetProcessName). It may be nil.
	fallback func(pid uint32) (name string, ok bool)
}

func newProcCache(lookup func(uint32) (procInfo, bool), fallback func(uint32) (string, bool)) *procCache {
	return &procCache{entries: map[uint32]procEntry{}, lookup: lookup, fallback: fallback}
}

// get returns what is known about pid, reading it on first sight, and
// marks it seen in sample tick.
func (c *procCache) get(pid uint32, tick uint64) procInfo {
	if e, ok := c.entries[pid]; ok {
		e.seen = tick
		c.entries[pid] = e
		return e.info
	}
	info, ok := c.lookup(pid)
	if !ok && c.fallback != nil {
		if name, ok := c.fallback(pid); ok {
			info = procInfo{Name: name}
		}
	}
	srv := serving.Recognise(boundArgs(info.Args))
	info = procInfo{Name: Clean(info.Name), User: Clean(info.User), Command: shorten(Clean(info.Command), maxCommand), Serving: srv}
	c.entries[pid] = procEntry{info: info, seen: tick}
	return info
}

// sweep forgets every PID not seen in sample tick.
func (c *procCache) sweep(tick uint64) {
	for pid, e := range c.entries {
		if e.seen != tick {
			delete(c.entries, pid)
		}
	}
}

// lookupProcess reads a process's name, user and command line from /proc
// with gopsutil, as the process set them (uncleaned). A user with no name in the password database is shown by
// UID.
func lookupProcess(pid uint32) (procInfo, bool) {
	if pid > 1<<31-1 {
		return procInfo{}, false
	}
	p, err := process.NewProcess(int32(pid))
	if err != nil {
		return procInfo{}, false
	}
	name, err := p.Name()
	if err != nil {
		return procInfo{}, false
	}
	user, err := p.Username()
	if err != nil {
		if uids, uerr := p.Uids(); uerr == nil && len(uids) > 0 {
			user = strconv.FormatUint(uint64(uids[0]), 10)
		}
	}
	cmd, _ := p.Cmdline()
	args, _ := p.CmdlineSlice()
	return procInfo{Name: name, User: user, Command: cmd, Args: args}, true
}

// Bounds on the arguments read to recognise a server: a real command line
// is a few dozen arguments, and the flags that matter come early.
const (
	maxArgs   = 256
	maxArgLen = 4096
)

// boundArgs cleans the arguments and holds them within maxArgs of at most
// maxArgLen bytes each, so that a hostile command line costs little.
func boundArgs(args []string) []string {
	if len(args) > maxArgs {
		args = args[:maxArgs]
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = Clean(shorten(a, maxArgLen))
	}
	return out
}

// shorten cuts s to at most n bytes on a character boundary, marking the
// cut with an ellipsis.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// inChildPIDNamespace reports whether this process runs in a PID namespace
// below the host's, as in most containers. NVML always reports host PIDs
// (NVIDIA/nvidia-docker#1483), so there the local /proc would name the
// wrong processes, or none. r is /proc/self/status, whose NSpid line lists
// the PID in each namespace from the outermost in (proc(5)).
func inChildPIDNamespace(r io.Reader) bool {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "NSpid:"); ok {
			return len(strings.Fields(rest)) > 1
		}
	}
	return false
}

// hostProcLookup returns lookupProcess when /proc shows host PIDs, and
// otherwise a lookup that always fails, so names come from the driver.
func hostProcLookup() func(uint32) (procInfo, bool) {
	f, err := os.Open("/proc/self/status")
	if err == nil {
		defer f.Close()
		if inChildPIDNamespace(f) {
			return func(uint32) (procInfo, bool) { return procInfo{}, false }
		}
	}
	return lookupProcess
}
