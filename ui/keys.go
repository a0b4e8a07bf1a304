package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the UI answers, with its help text. It implements
// help.KeyMap, so bubbles/help draws the footer and the full help on "?".
type KeyMap struct {
	Up, Down        key.Binding
	Left, Right     key.Binding
	Context         key.Binding
	ContextBack     key.Binding
	Runtime         key.Binding
	Filter          key.Binding
	Sort            key.Binding
	NextGPU         key.Binding
	TensorParallel  key.Binding
	AllPrecisions   key.Binding
	Watch           key.Binding
	Copy            key.Binding
	Processes       key.Binding
	Cards           key.Binding
	Fleet           key.Binding // the fleet from Prometheus
	Mine            key.Binding // only the models on this machine
	Rescan          key.Binding // scan this machine again
	ResetPeaks      key.Binding // start the peaks again
	Help            key.Binding
	Quit            key.Binding
	Accept, Dismiss key.Binding // end filter input: keep it, or clear it
}

// NewKeyMap returns the default key bindings.
func NewKeyMap() *KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &KeyMap{
		Up:             b("↑/k", "up", "up", "k"),
		Down:           b("↓/j", "down", "down", "j"),
		Left:           b("←/h", "precision", "left", "h"),
		Right:          b("→/l", "precision", "right", "l"),
		Context:        b("c", "context", "c"),
		ContextBack:    b("C", "context back", "C"),
		Runtime:        b("r", "runtime", "r"),
		Filter:         b("/", "filter", "/"),
		Sort:           b("s", "sort", "s"),
		NextGPU:        b("g", "next GPU", "g"),
		TensorParallel: b("t", "tensor parallel", "t"),
		AllPrecisions:  b("a", "all precisions", "a"),
		Watch:          b("p", "watch", "p"),
		Copy:           b("y", "copy launch", "y"),
		Processes:      b("P", "processes", "P"),
		Cards:          b("v", "cards", "v"),
		Fleet:          b("F", "fleet", "F"),
		Mine:           b("m", "my models", "m"),
		Rescan:         b("M", "scan again", "M"),
		ResetPeaks:     b("R", "reset peaks", "R"),
		Help:           b("?", "help", "?"),
		Quit:           b("q", "quit", "q", "ctrl+c"),
		Accept:         b("enter", "keep filter", "enter"),
		Dismiss:        b("esc", "clear filter", "esc"),
	}
}

// ShortHelp is the footer: the keys a first-time user needs.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Left, k.Context, k.Runtime, k.Watch, k.Copy, k.Help, k.Quit}
}

// FullHelp is the "?" screen, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.AllPrecisions},
		{k.Context, k.ContextBack, k.Runtime, k.TensorParallel, k.NextGPU},
		{k.Filter, k.Sort, k.Watch, k.Copy, k.Processes},
		{k.Cards, k.Fleet, k.Mine, k.Rescan, k.ResetPeaks, k.Help, k.Quit},
	}
}

// filterHelp is the footer while a filter is typed.
func (k KeyMap) filterHelp() []key.Binding {
	return []key.Binding{k.Accept, k.Dismiss}
}
