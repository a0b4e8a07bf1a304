package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/inputfile"
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
	cardList  []gpu.Card
	cardsErr  error
}

// maxCatalogueBytes bounds a catalogue given with --models or --gpus: a
// catalogue of 20,000 models, each with its sources, is about 75 MB, and
// the built-in ones are under 100 KB.
const maxCatalogueBytes = 128 << 20

// open returns the catalogue named by a catalogue flag (a regular file of
// at most maxCatalogueBytes, read under the input rules), or the built-in
// bytes. A file that cannot be used is a usage error naming the flag.
func open(flag, path, builtin string, data []byte) (io.Reader, string, error) {
	if path == "" {
		return bytes.NewReader(data), builtin + " (built in)", nil
	}
	b, err := inputfile.Read(path, maxCatalogueBytes)
	if err != nil {
		return nil, path, usageError{fmt.Errorf("%s: %w", flag, err)}
	}
	return bytes.NewReader(b), path, nil
}

// models loads the model catalogue named by --models, or the built-in one.
func (a *app) models() ([]fit.Model, error) {
	r, name, err := open("--models", a.cli.ModelsFile, "models.json", builtinModels)
	if err != nil {
		return nil, err
	}
	ms, err := fit.Load(r, name)
	if err != nil {
		return nil, usageError{err}
	}
	return ms, nil
}

// cards is the card catalogue named by --gpus, or the built-in one, read
// once.
func (a *app) cards() ([]gpu.Card, error) {
	if !a.cardsRead {
		a.cardList, a.cardsErr = a.readCards()
		a.cardsRead = true
	}
	return a.cardList, a.cardsErr
}

// readCards reads the card catalogue.
func (a *app) readCards() ([]gpu.Card, error) {
	r, name, err := open("--gpus", a.cli.GPUsFile, "gpus.json", builtinCards)
	if err != nil {
		return nil, err
	}
	cs, err := gpu.LoadCards(r, name)
	if err != nil {
		return nil, usageError{err}
	}
	return cs, nil
}

// catalogues loads both catalogues: the models and the cards.
func (a *app) catalogues() ([]fit.Model, []gpu.Card, error) {
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

// errNoGPU marks a failure to read any live GPU.
type errNoGPU struct{ err error }

// Error says that no live GPU could be read, and why.
func (e errNoGPU) Error() string { return "no live GPU: " + e.err.Error() }

// Unwrap returns why no GPU could be read.
func (e errNoGPU) Unwrap() error { return e.err }

// source picks what to sample: the demo, a planned card, or the live GPU.
// When the live GPU cannot be read it returns errNoGPU; fallback then
// decides whether to plan for the default card instead.
func (a *app) source() (gpu.Source, error) {
	g := a.cli.Globals
	switch {
	case g.Demo:
		return gpu.NewDemo(), nil
	case g.GPU != "":
		cards, err := a.cards()
		if err != nil {
			return nil, err
		}
		c, err := gpu.FindCard(cards, g.GPU)
		if err != nil {
			return nil, usageError{fmt.Errorf("--gpu: %w", err)}
		}
		return gpu.Planning{Card: c}, nil
	}
	src, err := gpu.OpenNVML(g.NVMLLib)
	if err != nil {
		return nil, errNoGPU{err}
	}
	return src, nil
}

// sourceOrPlanning is source, falling back to planning for the default
// card when no GPU can be read. The reason is kept for the banner.
func (a *app) sourceOrPlanning() (gpu.Source, error) {
	src, err := a.source()
	if nf, ok := err.(errNoGPU); ok {
		cards, cerr := a.cards()
		if cerr != nil {
			return nil, cerr
		}
		c, cerr := a.defaultCard(cards)
		if cerr != nil {
			return nil, cerr
		}
		return gpu.Planning{Card: c, Reason: nf.err.Error()}, nil
	}
	return src, err
}

// defaultCard is the card planning falls back to when no GPU can be read.
// A card catalogue without it is a usage error: the catalogue given with
// --gpus cannot serve, and --gpu NAME chooses another card.
func (a *app) defaultCard(cards []gpu.Card) (gpu.Card, error) {
	c, err := gpu.FindCard(cards, gpu.DefaultCard)
	if err != nil {
		return gpu.Card{}, usageError{fmt.Errorf("%s has no %q, the card headroom plans for when no GPU can be read: add it, or choose a card with --gpu NAME",
			a.cli.GPUsFile, gpu.DefaultCard)}
	}
	return c, nil
}
