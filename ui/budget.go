package ui

import (
	"errors"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// device is the selected GPU, or a zero Device before the first sample.
func (m *Model) device() gpu.Device {
	d, _ := m.deviceOK()
	return d
}

// deviceOK is the selected GPU, and false before the first sample.
func (m *Model) deviceOK() (gpu.Device, bool) {
	if len(m.snap.Devices) == 0 {
		return gpu.Device{}, false
	}
	return m.snap.Devices[min(m.sel.gpu, len(m.snap.Devices)-1)], true
}

// budget is the memory the fit is graded against: the selected GPU's, or
// under tensor parallelism the least any GPU has, since every GPU must
// hold its share. The error says why there is none: no reading yet, or
// catalog.Budget's reason (lost, MIG on, memory unreadable).
func (m *Model) budget() (fit.Budget, error) {
	d, ok := m.deviceOK()
	if !ok {
		if m.sampled {
			return fit.Budget{}, errors.New(noGPUText)
		}
		return fit.Budget{}, errors.New("no memory reading yet")
	}
	if n := m.sel.tpFor(len(m.snap.Devices)); n > 1 {
		return catalog.GroupBudget(m.cfg.Cards, m.snap.Devices, n)
	}
	return catalog.Budget(m.cfg.Cards, d)
}

// regrade grades the matrix against the budget of the moment.
func (m *Model) regrade() {
	b, err := m.budget()
	if err != nil {
		m.matrix.grid.graded = false
		return
	}
	m.matrix.grid.grade(b, m.sel)
	if m.matrix.sort == sortHeadroom {
		m.matrix.arrange()
	}
}

// focus gathers what the detail pane describes.
func (m *Model) focus() focus {
	i, ok := m.matrix.selected()
	if !ok {
		return focus{why: "no model selected"}
	}
	b, err := m.budget()
	if err != nil {
		return focus{why: "not graded: " + err.Error()}
	}
	md := m.cfg.Models[i]
	r := request(md, m.matrix.precision(), m.sel, b.GPUs)
	return focus{
		model:      md,
		ok:         true,
		request:    r,
		runtime:    m.sel.runtimeName(),
		asked:      m.sel.context(),
		verdict:    fit.Grade(md, r, b),
		precisions: m.matrix.columns(),
		budget:     b,
		device:     m.device(),
		card:       catalog.ForDevice(m.cfg.Cards, m.device()),
		watched:    m.watch != nil && m.watch.model == i,
		found:      m.foundAt(i),
		server:     m.server(i),
		low:        m.peaks.of(m.device()),
	}
}

// request is what model m is graded for at precision p: the chosen
// context, held to the model's limit, under the chosen runtime or, where
// it cannot load p, the one that can.
func request(m fit.Model, p fit.Precision, sel selection, gpus int) fit.Request {
	ctx := sel.context()
	if lim := m.ContextLimit(); lim > 0 && (ctx == modelMax || ctx > lim) {
		ctx = lim
	}
	return fit.Request{Precision: p, Runtime: m.RuntimeFor(p, sel.runtimeName()), Context: ctx, TP: sel.tpFor(gpus)}
}

// server is the process serving model i now; nil when none does.
func (m *Model) server(i int) *gpu.Process {
	p, _ := m.servingModel(i)
	return p
}
