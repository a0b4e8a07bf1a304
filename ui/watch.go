package ui

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/fit"
)

// watch is a model the user pinned with p, at one precision. When a sample
// makes it start or stop fitting, a banner says so, and the terminal bell
// rings unless --no-bell.
type watch struct {
	model     int
	precision fit.Precision
}

// watchFits reports whether the watched model fits now, and false when
// nothing is watched or nothing is graded.
func (m *Model) watchFits() (fits, ok bool) {
	if m.watch == nil || !m.matrix.grid.graded {
		return false, false
	}
	v := m.matrix.verdict(m.watch.model, m.watch.precision)
	return gradable(v) && v.Status == fit.Fits, true
}

// toggleWatch watches the selected model at the selected precision, or
// stops watching it.
func (m *Model) toggleWatch() tea.Cmd {
	i, ok := m.matrix.selected()
	if !ok {
		return nil
	}
	name := m.cfg.Models[i].Name
	if m.watch != nil && m.watch.model == i {
		m.watch, m.matrix.watch = nil, -1
		m.flash = "stopped watching " + name
		return nil
	}
	m.watch = &watch{model: i, precision: m.matrix.precision()}
	m.matrix.watch = i
	m.flash = fmt.Sprintf("watching %s at %s: a banner when it starts or stops fitting", name, m.watch.precision)
	return nil
}

// bell rings the terminal bell.
func bell() tea.Msg { return tea.RawMsg{Msg: "\a"} }

// watchChanged compares the watched model's fit before and after a
// sample, and raises the alert when it changed.
func (m *Model) watchChanged(before, wasGraded bool) tea.Cmd {
	after, ok := m.watchFits()
	if !ok || !wasGraded || before == after {
		return nil
	}
	name := m.cfg.Models[m.watch.model].Name
	if after {
		m.alert = fmt.Sprintf("▲ %s (%s) fits now at %s: start the server", name, m.watch.precision, m.sel.contextLabel())
	} else {
		m.alert = fmt.Sprintf("▼ %s (%s) no longer fits at %s: something took the headroom", name, m.watch.precision, m.sel.contextLabel())
	}
	m.cfg.Log.Print(m.alert)
	if m.cfg.NoBell {
		return nil
	}
	return bell
}

// copyLaunch copies the selected cell's launch command for the chosen
// runtime to the clipboard, through the terminal (OSC 52).
func (m *Model) copyLaunch() tea.Cmd {
	f := m.focus()
	if !f.ok {
		m.flash = "nothing to copy: " + f.why
		return nil
	}
	lc := fit.Launch(f.model, f.request, f.verdict, f.budget)
	// The chosen runtime's line; else the other's, graded on its own.
	own := lc.For(f.request.Runtime)
	cmd := own.Command
	for _, l := range []fit.LaunchLine{lc.VLLM, lc.LlamaCpp} {
		if cmd == "" {
			cmd = l.Command
		}
	}
	if cmd == "" {
		m.flash = "no launch command for " + f.model.Name + " at " + string(f.request.Precision) + ": " + own.Why
		return nil
	}
	if m.cfg.Tmux == "" {
		m.flash = "copied (OSC 52): " + cmd
		m.cfg.Log.Print(m.flash)
		return tea.SetClipboard(cmd)
	}
	// tmux's default set-clipboard (external) drops OSC 52 from the
	// programs inside it: hand the text to tmux itself as well, which
	// keeps it in its paste buffer and, where allowed, passes it on.
	m.flash = "copying into tmux's buffer…"
	return tea.Batch(tea.SetClipboard(cmd), copyToTmux(m.cfg.Tmux, cmd))
}

// copiedMsg is how a copy through tmux went.
type copiedMsg struct {
	text, how string
	err       error
}

// copyToTmux loads text into tmux's paste buffer (load-buffer -w also
// sends it to the outer terminal's clipboard, tmux 3.2 on), off the event
// loop and bounded in time.
func copyToTmux(tmux, text string) tea.Cmd {
	return func() tea.Msg {
		load := func(args ...string) error {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			c := exec.CommandContext(ctx, tmux, append([]string{"load-buffer"}, args...)...)
			c.Stdin = strings.NewReader(text)
			out, err := c.CombinedOutput()
			if err != nil && len(out) > 0 {
				err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
			}
			return err
		}
		if err := load("-w", "-"); err == nil {
			return copiedMsg{text: text, how: "into tmux's buffer and, through tmux, the clipboard"}
		}
		if err := load("-"); err != nil {
			return copiedMsg{text: text, err: err}
		}
		return copiedMsg{text: text, how: "into tmux's buffer (prefix ] pastes it; this tmux cannot pass it to the clipboard)"}
	}
}

// takeCopied says which way the copy went.
func (m *Model) takeCopied(msg copiedMsg) {
	if msg.err != nil {
		m.flash = "copied by OSC 52 only (tmux load-buffer failed: " + oneLine(msg.err.Error()) + "): " + msg.text
	} else {
		m.flash = "copied " + msg.how + ": " + msg.text
	}
	m.cfg.Log.Print(m.flash)
}
