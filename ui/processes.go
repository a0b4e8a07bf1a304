package ui

import (
	"fmt"
	"strconv"

	"github.com/headroom-dev/headroom/gpu"
)

// processes is the panel, toggled with P, that lists the processes holding
// memory on the selected GPU, largest first.
type processes struct {
	common
	device gpu.Device
	peaks  peaks // the most each process has held, since start or R
}

// View draws the panel into p.height lines at most.
func (p processes) View() []string {
	s := p.styles
	lines := []string{s.Title.Render(fmt.Sprintf("Processes on GPU %d, largest first", p.device.Index))}
	procs := p.device.Processes // largest first, as gpu sorts them
	if len(procs) == 0 {
		lines = append(lines, s.Faint.Render("no process holds memory on this GPU"))
	} else {
		lines = append(lines, s.Faint.Render(fmt.Sprintf("%8s  %-10s %9s %9s  %s", "PID", "USER", "GiB", "PEAK", "NAME")))
	}
	for _, pr := range procs {
		lines = append(lines, processLine(pr, p.peaks.process(p.device, pr.PID)))
		if srv := pr.Serving; srv != nil {
			lines = append(lines, s.Faint.Render(oneLine(fmt.Sprintf("%8s  %s; %s", "", srv.Label(), srv.Versus(pr.UsedBytes.Value, pr.UsedBytes.OK)))))
		}
	}
	if p.device.ProcessNote != "" {
		lines = append(lines, s.Faint.Render(p.device.ProcessNote))
	}
	if len(lines) > p.height {
		hidden := len(lines) - p.height + 1
		lines = append(lines[:max(p.height-1, 0)], s.Faint.Render(fmt.Sprintf("  … %d more", hidden)))
	}
	return lines
}

// processLine is one row: PID, user, GiB, the most it has held, then
// name and command.
func processLine(pr gpu.Process, peak uint64) string {
	user := pr.User
	if user == "" {
		user = "?"
	}
	used := "n/a"
	if pr.UsedBytes.OK {
		used = gib(pr.UsedBytes.Value)
	}
	name := pr.Name
	if pr.Command != "" {
		name += "  " + pr.Command
	}
	pk := "-"
	if peak > 0 {
		pk = gib(peak)
	}
	return fmt.Sprintf("%8s  %-10s %9s %9s  %s", strconv.FormatUint(uint64(pr.PID), 10), clip(user, 10), used, pk, name)
}

// holders picks the fewest processes, largest first, whose memory adds up
// to at least need bytes: what a user would stop to make room. It returns
// all of them when even that is not enough. ps is in the order the gpu
// package gives it: largest first.
func holders(ps []gpu.Process, need uint64) []gpu.Process {
	var got uint64
	sorted := ps
	for i, p := range sorted {
		if !p.UsedBytes.OK {
			return sorted[:i]
		}
		got += p.UsedBytes.Value
		if got >= need {
			return sorted[:i+1]
		}
	}
	return sorted
}
