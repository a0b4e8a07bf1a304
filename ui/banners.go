package ui

import (
	"fmt"
	"strings"

	"github.com/headroom-dev/headroom/gpu"
)

// banners are the one-line notices above the GPUs, most urgent first: a
// watched model's change, the last action, a failed sample, the source's
// notes (planning, demo, anything degraded), lost GPUs and a limited
// process list. At most limit lines are drawn, so the matrix always shows;
// the last says how many more there are.
func (m *Model) banners(limit int) []string {
	s := m.com.styles
	var out []string
	if m.alert != "" {
		out = append(out, s.Alert.Render(m.alert))
	}
	if m.flash != "" {
		out = append(out, s.Banner.Render(m.flash))
	}
	if m.scanning {
		out = append(out, s.Faint.Render("looking for models on this machine…"))
	}
	if m.sampleErr != nil {
		out = append(out, s.Error.Render(oneLine("sampling failed: "+m.sampleErr.Error()+"; showing the last reading")))
	}
	for _, n := range m.snap.Notes {
		out = append(out, s.Banner.Render(oneLine(n)))
	}
	for _, d := range m.snap.Devices {
		if d.Lost && !mentionsLost(m.snap.Notes, d) {
			out = append(out, s.Error.Render(fmt.Sprintf("GPU %d is lost: the driver no longer answers for it; the other GPUs keep updating", d.Index)))
		}
	}
	if d, ok := m.deviceOK(); ok && d.ProcessNote != "" {
		out = append(out, s.Faint.Render(oneLine(fmt.Sprintf("GPU %d: %s", d.Index, d.ProcessNote))))
	}
	if limit == 1 && len(out) > 1 {
		out = out[:1]
	}
	if len(out) > limit && limit > 1 {
		more := len(out) - limit + 1
		out = append(out[:limit-1], s.Faint.Render(fmt.Sprintf("+%d more notices", more)))
	}
	return out
}

// mentionsLost reports whether the source's notes already say that d is
// lost (the NVML source writes "GPU <n> is lost …").
func mentionsLost(notes []string, d gpu.Device) bool {
	prefix := fmt.Sprintf("GPU %d is lost", d.Index)
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
