package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/headroom-dev/headroom/fit"
)

// CLI is headroom's command line: global flags, then one subcommand. With
// no subcommand it runs the terminal UI.
type CLI struct {
	Globals

	UI       uiCmd       `cmd:"" default:"withargs" help:"The live terminal UI: what runs with no command, taking --log, --no-bell and --prometheus (headroom ui --help)."`
	Snapshot snapshotCmd `cmd:"" help:"Take one sample of the GPU, overlay the fit matrix, print it and exit."`
	Fit      fitCmd      `cmd:"" help:"Show one model's memory breakdown and whether it fits."`
	Models   modelsCmd   `cmd:"" help:"List the model catalogue."`
	Cards    cardsCmd    `cmd:"" help:"Compare cards: which models each one fits, and at what price."`
	Serve    serveCmd    `cmd:"" help:"Serve the GPUs' memory and what fits on them as Prometheus metrics."`
	Fleet    fleetCmd    `cmd:"" help:"Read a fleet of GPUs from Prometheus and show where each model fits now."`
}

// Globals are the flags every command takes.
type Globals struct {
	ModelsFile string           `name:"models" placeholder:"FILE" type:"path" help:"Read the model catalogue from FILE instead of the built-in one."`
	GPUsFile   string           `name:"gpus" placeholder:"FILE" type:"path" help:"Read the card catalogue from FILE instead of the built-in one."`
	NVMLLib    string           `name:"nvml-lib" placeholder:"PATH" env:"HEADROOM_NVML_LIB" help:"Load NVML from PATH (default libnvidia-ml.so.1)."`
	GPU        string           `name:"gpu" placeholder:"NAME" help:"Plan for a card from the card catalogue instead of reading the live GPU."`
	Demo       bool             `help:"Show a scripted demo scenario on an RTX PRO 6000 instead of the live GPU."`
	Interval   time.Duration    `default:"1s" help:"How often to sample the GPU."`
	Context    contextFlag      `placeholder:"N" help:"Context length to fit at, e.g. 8k, 32K or 131072 (default 8k; serve takes several: --context 8k --context 32k)."`
	NoColor    bool             `name:"no-color" help:"Print without colour (also when the NO_COLOR environment variable is set)."`
	Scan       []string         `name:"scan" placeholder:"DIR" type:"path" help:"Also look for GGUF files and checkpoint folders in DIR (repeatable)."`
	NoScan     bool             `name:"no-scan" help:"Do not look for models on this machine: the catalogue only."`
	Version    kong.VersionFlag `help:"Print the version and exit."`
}

// contextFlag is a context length in tokens, written as 8k, 32K or 131072.
// The flag may be given more than once: serve grades at each; the other
// commands take the last, as a flag given twice usually means.
type contextFlag struct {
	all []int // as given; none means the default, 8K
}

// defaultContext is the context fitted at when none is given.
const defaultContext = 8192

// Decode reads the flag's value with fit.ParseContext.
func (c *contextFlag) Decode(ctx *kong.DecodeContext) error {
	var s string
	if err := ctx.Scan.PopValueInto("context", &s); err != nil {
		return err
	}
	n, err := fit.ParseContext(s)
	if err != nil {
		return err
	}
	c.all = append(c.all, n)
	return nil
}

// Last is the context the one-model commands and the UI fit at.
func (c contextFlag) Last() int {
	if len(c.all) == 0 {
		return defaultContext
	}
	return c.all[len(c.all)-1]
}

// All are the contexts given, in order, without repeats.
func (c contextFlag) All() []int {
	if len(c.all) == 0 {
		return []int{defaultContext}
	}
	var out []int
	for _, n := range c.all {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Validate rejects sampling intervals that would hammer the driver
// or never refresh.
func (g *Globals) Validate() error {
	if g.Interval < 100*time.Millisecond || g.Interval > time.Hour {
		return fmt.Errorf("--interval: %s is out of range (100ms to 1h)", g.Interval)
	}
	if g.NoScan && len(g.Scan) > 0 {
		return fmt.Errorf("--scan and --no-scan cannot be combined")
	}
	if g.Demo && g.GPU != "" {
		return fmt.Errorf("--demo and --gpu cannot be combined: the demo is a scripted RTX PRO 6000; --gpu NAME alone plans for that card")
	}
	return nil
}

// checkGivenFlags rejects flags given with a value that would otherwise be
// read as the flag's absence: an empty string (--free=, --gpu=) or a zero
// price, so that nothing typed is silently ignored.
func checkGivenFlags(kctx *kong.Context) error {
	for _, p := range kctx.Path {
		if p.Flag == nil || p.Resolved {
			continue
		}
		switch v := kctx.FlagValue(p.Flag).(type) {
		case string:
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("--%s: the value is empty; leave the flag out for its default", p.Flag.Name)
			}
		case int:
			if p.Flag.Name == "price" && v <= 0 {
				return fmt.Errorf("--price: $%d is not a price; give what you paid in US dollars, e.g. --price 8500", v)
			}
		}
	}
	return nil
}

// colorOff reports whether output must be plain: --no-color, or NO_COLOR
// set to anything (https://no-color.org).
func (g *Globals) colorOff() bool {
	return g.NoColor || os.Getenv("NO_COLOR") != ""
}

// precisionAndRuntime reads --precision and --runtime. Without --runtime,
// a precision is graded under the runtime that loads it (fit.RuntimeFor:
// llama.cpp for the GGUF types, else vLLM). A bad value is a usage error
// naming its flag.
func precisionAndRuntime(precision, runtime string) (fit.Precision, fit.Runtime, error) {
	p, err := fit.ParsePrecision(precision)
	if err != nil {
		return "", "", usageError{fmt.Errorf("--precision: %w", err)}
	}
	if runtime == "" {
		return p, fit.RuntimeFor(p, fit.VLLM), nil
	}
	rt, err := fit.ParseRuntime(runtime)
	if err != nil {
		return "", "", usageError{fmt.Errorf("--runtime: %w", err)}
	}
	return p, rt, nil
}
