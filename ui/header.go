package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/headroom-dev/headroom/gpu"
)

// header draws one block per GPU: its name and index, a memory gauge split
// into reserved, used and free, utilisation, temperature and power, and a
// sparkline of used memory. GPUs collapse to one line each when space is
// short.
type header struct {
	common
	devices  []gpu.Device
	hist     map[string]*history
	selected int
	// sampled is set by the first sample: from then on no devices means
	// the driver reports none, not that none has been read yet.
	sampled bool
	full    bool // three lines per GPU, room permitting
	// sparkWidth is the width of the sparklines last drawn; 0 when the
	// layout drew none.
	sparkWidth int
	peaks      peaks // since start or the last reset: the gauge marks the peak
}

func newHeader(c common) header {
	return header{common: c, hist: map[string]*history{}}
}

// historyKey names a device across samples: its UUID, else its index.
func historyKey(d gpu.Device) string {
	if d.UUID != "" {
		return d.UUID
	}
	return "#" + strconv.Itoa(d.Index)
}

// record takes a sample's devices and extends their sparklines. Histories
// of devices that went away are dropped, so the map stays bounded.
func (h *header) record(devs []gpu.Device) {
	h.devices, h.sampled = devs, true
	seen := make(map[string]bool, len(devs))
	for _, d := range devs {
		k := historyKey(d)
		seen[k] = true
		hs, ok := h.hist[k]
		if !ok {
			hs = &history{}
			h.hist[k] = hs
		}
		if m := d.Memory; m.Total.OK && m.Free.OK && m.Free.Value <= m.Total.Value && m.Total.Value > 0 && !d.Lost {
			hs.push(float64(m.Total.Value-m.Free.Value) / float64(m.Total.Value))
		}
	}
	for k := range h.hist {
		if !seen[k] {
			delete(h.hist, k)
		}
	}
}

// growing reports whether any sparkline is still shorter than the widest
// one drawn, so a new sample changes the screen even when memory did not.
func (h *header) growing() bool {
	for _, hs := range h.hist {
		if hs.count < min(h.sparkWidth, historyLen) {
			return true
		}
	}
	return false
}

// linesFor is how many lines the header wants in layout full or compact.
func (h header) linesFor(full bool) int {
	if full {
		return 3 * len(h.devices)
	}
	return len(h.devices)
}

// View draws the header into h.height lines at most.
func (h *header) View() []string {
	h.sparkWidth = 0
	if len(h.devices) == 0 {
		return []string{h.noDevice()}
	}
	full := h.full && h.linesFor(true) <= h.height
	var lines []string
	for i, d := range h.devices {
		if full {
			lines = append(lines, h.block(i, d)...)
		} else {
			lines = append(lines, h.line(i, d))
		}
	}
	if len(lines) > h.height && h.height > 0 {
		// Keep the selected GPU, and say how many are hidden.
		sel := min(h.selected, len(h.devices)-1)
		lines = []string{h.line(sel, h.devices[sel])}
		if h.height > 1 {
			lines = append(lines, h.styles.Faint.Render(fmt.Sprintf("  +%d more GPUs (g: next GPU)", len(h.devices)-1)))
		}
	}
	return lines
}

// marker flags the GPU the matrix is computed for, when there are several.
func (h header) marker(i int) string {
	switch {
	case len(h.devices) < 2:
		return ""
	case i == h.selected:
		return "▸"
	}
	return " "
}

// sparkNote follows the sparkline.
const sparkNote = " used memory, newest right"

// block is the three-line form of one GPU.
func (h *header) block(i int, d gpu.Device) []string {
	s := h.styles
	title := join(" ", h.marker(i), s.Title.Render(fmt.Sprintf("GPU %d", d.Index)), d.Name, tags(d))
	if d.Lost {
		return []string{title, s.Error.Render("lost: the driver no longer answers for this GPU; other GPUs keep updating"), ""}
	}
	title = join(" · ", title, vitals(d))
	m := d.Memory
	figures := fmt.Sprintf("used %s · reserved %s · free %s of %s",
		short(m.Used), short(m.Reserved), short(m.Free), gibReading(m.Total))
	if pk := h.peaks.of(d); pk != nil && m.Used.OK && pk.used >= m.Used.Value+GiB/10 {
		figures += " · " + peakFigure(pk) // only a peak above now says anything
	}
	gw := max(h.width-len(figures)-2, 10)
	spark := ""
	if hs := h.hist[historyKey(d)]; hs != nil {
		h.sparkWidth = max(h.width-len(sparkNote), 0)
		spark = s.Sparkline.Render(hs.sparkline(h.sparkWidth))
	}
	return []string{
		title,
		gaugePeak(s, gw, m, h.peaks.of(d)) + "  " + figures,
		spark + s.Faint.Render(sparkNote),
	}
}

// line is the one-line form of one GPU.
func (h header) line(i int, d gpu.Device) string {
	s := h.styles
	id := h.marker(i) + s.Title.Render("GPU"+strconv.Itoa(d.Index))
	if d.Lost {
		return id + " " + s.Error.Render("lost") + " " + d.Name
	}
	m := d.Memory
	free := "free " + short(m.Free) + "/" + gibReading(m.Total)
	gw := min(max(h.width/4, 6), 30)
	return join(" ", id, gaugePeak(s, gw, m, h.peaks.of(d)), free, vitals(d), tags(d), s.Faint.Render(d.Name))
}

// short writes a reading in GiB without the unit, or "n/a".
func short(r gpu.Reading[uint64]) string {
	if !r.OK {
		return "n/a"
	}
	return gib(r.Value)
}

// tags marks GPUs whose memory is read differently.
func tags(d gpu.Device) string {
	var t []string
	if d.UnifiedMemory {
		t = append(t, "[unified memory]")
	}
	if d.MIG {
		t = append(t, "[MIG: memory is per instance]")
	}
	return strings.Join(t, " ")
}

// vitals is utilisation, temperature and power, leaving out what the
// driver did not report.
func vitals(d gpu.Device) string {
	var v []string
	if d.UtilizationPercent.OK {
		v = append(v, strconv.Itoa(d.UtilizationPercent.Value)+"%")
	}
	if d.TemperatureC.OK {
		v = append(v, strconv.Itoa(d.TemperatureC.Value)+"°C")
	}
	if d.PowerW.OK {
		p := strconv.FormatFloat(d.PowerW.Value, 'f', 0, 64)
		if d.PowerLimitW.OK {
			p += "/" + strconv.FormatFloat(d.PowerLimitW.Value, 'f', 0, 64)
		}
		v = append(v, p+" W")
	}
	return strings.Join(v, " ")
}

// Gauge characters: distinct shapes, so the split reads without colour.
const (
	gaugeReserved = "▒"
	gaugeUsed     = "█"
	gaugeFree     = "░"
)

// gaugePeak is gauge with the peak's used memory marked (gaugePeakMark)
// where it lies beyond what is used now.
func gaugePeak(s *Styles, width int, m gpu.Memory, pk *gpuPeak) string {
	g := gauge(s, width, m)
	if pk == nil || !m.Total.OK || m.Total.Value == 0 || width <= 0 {
		return g
	}
	cells := func(b uint64) int { return int(float64(b)/float64(m.Total.Value)*float64(width) + 0.5) }
	at := min(cells(m.Reserved.Value)+cells(pk.used), width) - 1
	now := cells(m.Reserved.Value) + cells(m.Used.Value)
	if at < now || at < 0 {
		return g // the peak is where the gauge stands now
	}
	rsv := min(max(cells(m.Reserved.Value), boolInt(m.Reserved.Value > 0)), width)
	used := min(max(cells(m.Used.Value), boolInt(m.Used.Value > 0)), width-rsv)
	free := width - rsv - used
	if at < rsv+used || at >= width {
		return g
	}
	before := at - rsv - used
	return s.GaugeReserved.Render(strings.Repeat(gaugeReserved, rsv)) +
		s.GaugeUsed.Render(strings.Repeat(gaugeUsed, used)) +
		s.GaugeFree.Render(strings.Repeat(gaugeFree, before)) + s.GaugeUsed.Render(gaugePeakMark) +
		s.GaugeFree.Render(strings.Repeat(gaugeFree, free-before-1))
}

// gaugePeakMark marks the peak on a gauge.
const gaugePeakMark = "┃"

// boolInt is 1 for true.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// gauge draws memory as width cells: reserved, then used, then free. A
// part that is not zero gets at least one cell.
func gauge(s *Styles, width int, m gpu.Memory) string {
	if width <= 0 {
		return ""
	}
	if !m.Total.OK || m.Total.Value == 0 {
		return s.Faint.Render(strings.Repeat("·", width))
	}
	cells := func(b uint64) int {
		n := int(float64(b)/float64(m.Total.Value)*float64(width) + 0.5)
		if b > 0 && n == 0 {
			n = 1
		}
		return n
	}
	rsv := min(cells(m.Reserved.Value), width)
	used := min(cells(m.Used.Value), width-rsv)
	free := width - rsv - used
	return s.GaugeReserved.Render(strings.Repeat(gaugeReserved, rsv)) +
		s.GaugeUsed.Render(strings.Repeat(gaugeUsed, used)) +
		s.GaugeFree.Render(strings.Repeat(gaugeFree, free))
}

// noDevice is what stands for the GPUs while there are none to draw.
func (h header) noDevice() string {
	if h.sampled {
		return h.styles.Error.Render(noGPUText)
	}
	return h.styles.Faint.Render(waitingText)
}

// The header's text while there is no GPU to draw.
const (
	waitingText = "waiting for the first sample…"
	noGPUText   = "the driver reports no GPU now; headroom keeps asking each sample"
)
