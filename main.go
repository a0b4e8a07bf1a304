// Command headroom shows which large language models fit, right now, in the
// free memory of a workstation GPU, at full precision and below.
//
// Run it with no arguments for the live terminal UI, or with a subcommand
// (snapshot, fit, models, cards) for one-shot output that scripts can read
// with --json. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/headroom-dev/headroom/internal/sanitize"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitCode carries a requested exit status out of kong's Exit hook.
type exitCode int

// usageError marks a bad flag or argument value: exit status 2.
type usageError struct{ err error }

// Error is the wrapped error's message.
func (e usageError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e usageError) Unwrap() error { return e.err }

// statusError is a failure with a specific exit status.
type statusError struct {
	code int
	err  error
}

// Error is the wrapped error's message.
func (e statusError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e statusError) Unwrap() error { return e.err }

// run parses args, runs the chosen command and returns the exit status:
// 0 on success, 2 for bad usage or input, 3 when no GPU could be read for
// a command that needs one, 1 for anything else.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			code = int(c)
		}
	}()
	var cli CLI
	parser, err := kong.New(&cli,
		kong.Name("headroom"),
		kong.Description("Which large language models fit, right now, in your GPU's free memory.\n\n"+
			"With no command headroom opens the live terminal UI (the ui command below); every other command prints once and exits."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(exitCode(c)) }),
		kong.Vars{"version": versionString()},
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintf(stderr, "headroom: internal error: %v\n", err)
		return 1
	}
	kctx, err := parser.Parse(args)
	if err == nil {
		err = checkGivenFlags(kctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "headroom: %s (see headroom --help)\n", oneLine(err.Error()))
		return 2
	}
	a := &app{stdout: stdout, stderr: stderr, cli: &cli}
	if err := kctx.Run(a); err != nil {
		var st statusError
		var ue usageError
		switch {
		case errors.As(err, &st):
			code = st.code
		case errors.As(err, &ue):
			code = 2
		default:
			code = 1
		}
		fmt.Fprintf(stderr, "headroom: %s\n", oneLine(err.Error()))
		return code
	}
	return 0
}

// oneLine folds a message onto one line, so errors never spill, and
// cleans it: a message may quote a file name, a flag's value or a
// catalogue entry.
func oneLine(s string) string {
	return strings.Join(strings.Fields(sanitize.Text(s)), " ")
}
