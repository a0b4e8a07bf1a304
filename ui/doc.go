// Package ui is headroom's terminal UI: a bubbletea program whose root
// model composes small child models (header, matrix, detail, processes,
// help). Sampling runs in tea.Cmds on a tick, never inside Update.
package ui
