package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/fleet"
	"github.com/headroom-dev/headroom/internal/inputfile"
	"github.com/headroom-dev/headroom/record"
	"github.com/headroom-dev/headroom/ui"
)

// uiCmd is the default command: the live terminal UI.
type uiCmd struct {
	Log        string `name:"log" placeholder:"FILE" type:"path" help:"Append a log of failed samples, watch alerts and copies to FILE (nothing is printed while the UI runs)."`
	NoBell     bool   `name:"no-bell" help:"Do not ring the terminal bell when a watched model starts or stops fitting."`
	Prometheus string `placeholder:"URL" help:"Read a fleet of GPUs from this Prometheus server for the fleet view (F)."`
	Record     string `placeholder:"FILE" type:"path" help:"Append every sample to FILE as one JSON line (the snapshot --json document), for plotting later."`
	RecordMax  string `name:"record-max" default:"1GiB" placeholder:"SIZE" help:"Rotate the --record file at SIZE, keeping one previous file (FILE.1)."`
}

// Run opens the terminal UI. When standard output is not a terminal it
// prints one snapshot instead and exits 0. Without a live GPU it plans for
// the default card rather than fail.
func (c *uiCmd) Run(a *app) error {
	var reader ui.FleetReader
	if c.Prometheus != "" {
		rd, err := fleet.NewReader(c.Prometheus, 5*time.Second)
		if err != nil {
			return usageError{err}
		}
		reader = rd
	}
	src, err := a.sourceOrPlanning()
	if err != nil {
		return err
	}
	defer src.Close()
	if f, ok := a.stdout.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		return a.writeSnapshot(src, false, 0)
	}
	models, cards, err := a.catalogues()
	if err != nil {
		return err
	}
	logger, closeLog, err := openLog(c.Log)
	if err != nil {
		return err
	}
	defer closeLog()
	if c.Record != "" {
		maxBytes, err := fit.ParseSize(c.RecordMax)
		if err != nil {
			return usageError{fmt.Errorf("--record-max: %w", err)}
		}
		ls, err := a.listed()
		if err != nil {
			return err
		}
		rec, err := record.Open(c.Record, int64(min(maxBytes, 1<<50)), ls, cards, a.cli.Context.Last())
		if err != nil {
			return usageError{err}
		}
		defer rec.Close()
		src = record.Source(src, rec, func(err error) { logger.Printf("recording stopped: %v", err) })
	}
	g := a.cli.Globals
	// lipgloss detected the terminal's colours when it was loaded (inside
	// tmux that runs `tmux info`); handing the result to bubbletea spares
	// a second detection at start.
	profile := lipgloss.Writer.Profile
	if g.colorOff() {
		profile = colorprofile.Ascii
	}
	p := tea.NewProgram(ui.New(ui.Config{
		Source: src, Models: models, Cards: cards, Scan: a.scanFunc(),
		Interval: g.Interval, Context: g.Context.Last(), NoColor: g.colorOff(),
		NoBell: c.NoBell, Log: logger, Fleet: reader, FleetAddress: fleet.Redact(c.Prometheus), Tmux: tmuxProgram(),
	}), tea.WithFPS(ui.FrameRate()), tea.WithColorProfile(profile))
	// bubbletea quits cleanly on SIGINT and SIGTERM; a hangup (the tmux
	// pane or ssh session closed) must restore the terminal too.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer func() { signal.Stop(hup); close(hup) }()
	go func() {
		if _, ok := <-hup; ok {
			p.Quit()
		}
	}()
	_, err = p.Run()
	switch {
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		return nil
	case errors.Is(err, tea.ErrProgramPanic):
		logger.Printf("the UI crashed: %v", err)
		return fmt.Errorf("the UI crashed; the terminal was restored and the panic is reported above")
	}
	return fmt.Errorf("running the UI: %w", err)
}

// openLog opens the --log file for appending, or discards the log when
// no file is named.
func openLog(path string) (*log.Logger, func(), error) {
	if path == "" {
		return log.New(io.Discard, "", 0), func() {}, nil
	}
	// A log is a regular file: appending to a named pipe with no reader
	// would block the UI, and to a device is no log.
	if err := inputfile.Check(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, usageError{fmt.Errorf("--log: %w", err)}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--log: %w", err)}
	}
	l := log.New(f, "headroom ", log.LstdFlags)
	l.Printf("started")
	return l, func() { l.Printf("stopped"); f.Close() }, nil
}

// tmuxProgram is the tmux to copy through when headroom runs inside tmux;
// "" outside it, or when no tmux program is found.
func tmuxProgram() string {
	if os.Getenv("TMUX") == "" {
		return ""
	}
	p, err := exec.LookPath("tmux")
	if err != nil {
		return ""
	}
	return p
}
