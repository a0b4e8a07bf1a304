// Package ui is headroom's terminal UI: a bubbletea program that lays the
// selected GPU's free memory, sampled live, over the fit matrix of the
// model catalogue.
//
// The root Model composes small child models (header, matrix, detail,
// processes, the card comparison and help) that share one common struct
// for their size, the Styles and the KeyMap. Sampling runs in a tea.Cmd on a tea.Tick, never
// inside Update, and each sample schedules the next, so a slow driver never
// stacks samples up. The screen is composed in Update, only when a sample,
// a key or a resize changed something; View hands the renderer the same
// string until then.
//
// Usage:
//
//	m := ui.New(ui.Config{Source: src, Models: models, Cards: cards, Interval: time.Second})
//	_, err := tea.NewProgram(m, tea.WithFPS(ui.FPS)).Run()
package ui
