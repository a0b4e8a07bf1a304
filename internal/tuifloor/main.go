// Command tuifloor is the framework's floor for headroom's idle CPU: an
// empty bubbletea program at the frame rate headroom runs at, on the alt
// screen, with a static screen and a one-second tick, as headroom samples
// once a second. The measurement tests run it beside headroom, in the
// same terminal size and the same window of time, so that headroom's
// idle cost is judged against what bubbletea itself costs on the machine.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/ui"
)

// tick is the one-second message that stands in for headroom's sample.
type tick struct{}

// model is a static screen that ticks once a second, counts the keys
// pressed on its last line (so that the framework's own key-to-paint
// latency can be measured), and quits on q.
type model struct {
	screen string
	keys   int
}

func every() tea.Cmd { return tea.Tick(time.Second, func(time.Time) tea.Msg { return tick{} }) }

// Init starts the tick.
func (m model) Init() tea.Cmd { return every() }

// Update schedules the next tick and quits on q or ctrl+c.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tick:
		return m, every()
	case tea.KeyPressMsg:
		if s := msg.String(); s == "q" || s == "ctrl+c" {
			return m, tea.Quit
		}
		m.keys++
	}
	return m, nil
}

// View is the same screen every frame.
func (m model) View() tea.View {
	v := tea.NewView(m.screen + fmt.Sprintf("keys %d", m.keys))
	v.AltScreen = true
	return v
}

func main() {
	screen := "MODEL (the framework's floor: a static screen)\n" + strings.Repeat("·\n", 20)
	if _, err := tea.NewProgram(model{screen: screen}, tea.WithFPS(ui.FrameRate())).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "tuifloor:", err)
		os.Exit(1)
	}
}
