package main

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/headroom-dev/headroom/ui"
)

// uiCmd is the default command: the live terminal UI.
type uiCmd struct{}

// Run opens the terminal UI. When standard output is not a terminal it
// prints one snapshot instead and exits 0. Without a live GPU it plans for
// the default card rather than fail.
func (c *uiCmd) Run(a *app) error {
	src, err := a.sourceOrPlanning()
	if err != nil {
		return err
	}
	defer src.Close()
	if f, ok := a.stdout.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		return a.printSnapshot(src, false)
	}
	models, err := a.models()
	if err != nil {
		return err
	}
	cards, err := a.cards()
	if err != nil {
		return err
	}
	g := a.cli.Globals
	p := tea.NewProgram(ui.New(ui.Config{
		Source: src, Models: models, Cards: cards,
		Interval: g.Interval, Context: int(g.Context), NoColor: g.colorOff(),
	}), tea.WithFPS(10))
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("running the UI: %w", err)
	}
	return nil
}
