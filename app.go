package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/charmbracelet/x/term"
	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
)

// builtinModels is the model catalogue shipped in the binary.
//
//go:embed models.json
var builtinModels []byte

// builtinCards is the card catalogue shipped in the binary.
//
//go:embed gpus.json
var builtinCards []byte

// app is what every command's Run receives: the parsed flags, the output
// streams, and the card catalogue, read on first use and kept: choosing a
// source, finding a card and the command itself each need it.
type app struct {
	stdout, stderr io.Writer
	cli            *CLI

	cardsRead bool
	cardList  []catalog.Card
	cardsErr  error

	scanned bool
	scan    local.Result
}

// roots are the places to look for models on this machine: the tools'
// own, then --scan; none with --no-scan.
func (a *app) roots() []local.Root {
	if a.cli.NoScan {
		return nil
	}
	home, _ := os.UserHomeDir()
	return local.DefaultRoots(os.Getenv, home, a.cli.Scan)
}

// local is what a scan of this machine finds, scanned once.
func (a *app) local() local.Result {
	if !a.scanned {
		a.scan, a.scanned = local.Scan(a.roots()), true
	}
	return a.scan
}

// scanFunc scans this machine for the UI, which runs it off its event
// loop; nil with --no-scan.
func (a *app) scanFunc() func() local.Result {
	if a.cli.NoScan {
		return nil
	}
	roots := a.roots()
	return func() local.Result { return local.Scan(roots) }
}

// listed is the catalogue and the models found on this machine.
func (a *app) listed() ([]local.Listed, error) {
	ms, err := a.models()
	if err != nil {
		return nil, err
	}
	return local.Merge(ms, a.local().Models), nil
}

// modelsFile and cardsFile are where the catalogues come from: the files
// --models and --gpus name, or the built-in ones.
func (a *app) modelsFile() catalog.File {
	return catalog.File{Flag: "--models", Path: a.cli.ModelsFile, Name: "models.json", Builtin: builtinModels}
}

func (a *app) cardsFile() catalog.File {
	return catalog.File{Flag: "--gpus", Path: a.cli.GPUsFile, Name: "gpus.json", Builtin: builtinCards}
}

// models loads the model catalogue. Any fault in it is a usage error.
func (a *app) models() ([]fit.Model, error) {
	ms, err := catalog.LoadModels(a.modelsFile())
	if err != nil {
		return nil, usageError{err}
	}
	return ms, nil
}

// cards is the card catalogue, read once.
func (a *app) cards() ([]catalog.Card, error) {
	if !a.cardsRead {
		a.cardList, a.cardsErr = catalog.LoadCards(a.cardsFile())
		if a.cardsErr != nil {
			a.cardsErr = usageError{a.cardsErr}
		}
		a.cardsRead = true
	}
	return a.cardList, a.cardsErr
}

// catalogues loads both catalogues: the models and the cards.
func (a *app) catalogues() ([]fit.Model, []catalog.Card, error) {
	models, err := a.models()
	if err != nil {
		return nil, nil, err
	}
	cards, err := a.cards()
	if err != nil {
		return nil, nil, err
	}
	return models, cards, nil
}

// noGPUError is the one way headroom says that no live GPU could be read;
// callers recognise it with errors.As.
type noGPUError struct{ err error }

// Error says that no live GPU could be read, and why.
func (e *noGPUError) Error() string { return "no live GPU: " + e.err.Error() }

// Unwrap returns why no GPU could be read.
func (e *noGPUError) Unwrap() error { return e.err }

// source picks what to sample: the demo, a planned card, or the live GPU.
// When the live GPU cannot be read it returns a *noGPUError; callers then
// decides whether to plan for the default card instead.
func (a *app) source() (gpu.Source, error) {
	g := a.cli.Globals
	switch {
	case g.Demo:
		return gpu.NewDemo(), nil
	case g.GPU != "":
		c, err := a.card(g.GPU)
		if err != nil {
			return nil, err
		}
		return catalog.Plan(c, ""), nil
	}
	src, err := gpu.OpenNVML(g.NVMLLib)
	if err != nil {
		return nil, &noGPUError{err}
	}
	return src, nil
}

// sourceOrPlanning is source, falling back to planning for the default
// card when no GPU can be read. The reason is kept for the banner.
func (a *app) sourceOrPlanning() (gpu.Source, error) {
	src, err := a.source()
	var nf *noGPUError
	if errors.As(err, &nf) {
		c, cerr := a.defaultCard()
		if cerr != nil {
			return nil, cerr
		}
		return catalog.Plan(c, nf.err.Error()), nil
	}
	return src, err
}

// defaultCard is the card planning falls back to when no GPU can be read.
// A card catalogue without it is a usage error: the catalogue given with
// --gpus cannot serve, and --gpu NAME chooses another card.
func (a *app) defaultCard() (catalog.Card, error) {
	cards, err := a.cards()
	if err != nil {
		return catalog.Card{}, err
	}
	c, ok := catalog.Match(cards, catalog.DefaultCard)
	if !ok {
		return catalog.Card{}, usageError{fmt.Errorf("%s has no %q, the card headroom plans for when no GPU can be read: add it, or choose a card with --gpu NAME",
			a.cli.GPUsFile, catalog.DefaultCard)}
	}
	return c, nil
}

// card finds the card --gpu names: a name, an alias or a unique part.
func (a *app) card(name string) (catalog.Card, error) {
	cards, err := a.cards()
	if err != nil {
		return catalog.Card{}, err
	}
	c, err := catalog.FindCard(cards, name)
	if err != nil {
		return catalog.Card{}, usageError{fmt.Errorf("--gpu: %w", err)}
	}
	return c, nil
}

// textWidth is the width text output fits: the terminal's, or COLUMNS
// where it is set (as shells set it), when standard output is a terminal;
// 0 (every column, lines as long as they are) for a pipe or a file.
func (a *app) textWidth() int {
	f, ok := a.stdout.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 20 && n <= 10000 {
		return n
	}
	if w, _, err := term.GetSize(f.Fd()); err == nil && w >= 20 {
		return w
	}
	return 0
}
