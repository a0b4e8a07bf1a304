package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/headroom-dev/headroom/exporter"
	"github.com/headroom-dev/headroom/fit"
)

// serveCmd is `headroom serve`: a Prometheus exporter.
type serveCmd struct {
	Listen        string   `default:"127.0.0.1:9835" placeholder:"ADDR" help:"Address to serve /metrics on; loopback unless another is given."`
	WebConfigFile string   `name:"web.config.file" placeholder:"FILE" type:"path" help:"TLS and basic authentication, in the Prometheus exporter-toolkit's web configuration format."`
	Precision     []string `placeholder:"P" help:"Precisions to grade (repeatable; default native, fp8, nvfp4, q4_k_m)."`
	Runtime       string   `default:"vllm" placeholder:"R" help:"Runtime preferred where a precision has a choice: vllm, llama.cpp or transformers."`
	ProcessLabels bool     `name:"process-labels" help:"Label process memory with the process's name and user (sensitive, and many series)."`
	Hostname      string   `placeholder:"NAME" help:"Hostname label of the GPU series (default: this machine's name)."`
}

// Run samples on its own interval and serves the latest sample until
// SIGINT or SIGTERM. A driver that cannot be opened, or fails, never ends
// it: the GPUs' series say so, and the driver is tried again.
func (c *serveCmd) Run(a *app) error {
	opts, err := c.options(a)
	if err != nil {
		return usageError{err}
	}
	if err := c.checkListen(); err != nil {
		return usageError{err}
	}
	if c.WebConfigFile != "" {
		if err := web.Validate(c.WebConfigFile); err != nil {
			return usageError{fmt.Errorf("--web.config.file %s: %w", c.WebConfigFile, err)}
		}
	}
	cards, err := a.cards()
	if err != nil {
		return err
	}
	ls, err := a.listed()
	if err != nil {
		return err
	}
	ex := exporter.New(ls, cards, opts)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if !exporter.Loopback(c.Listen) {
		fmt.Fprintf(a.stderr, "headroom: listening on %s, beyond this machine", c.Listen)
		if c.WebConfigFile == "" {
			fmt.Fprint(a.stderr, ", without TLS or authentication (see --web.config.file)")
		}
		fmt.Fprintln(a.stderr)
	}
	srv := &http.Server{Handler: ex.Handler(), ReadHeaderTimeout: 10 * time.Second}
	listen := []string{c.Listen}
	systemd := false
	flags := &web.FlagConfig{WebListenAddresses: &listen, WebSystemdSocket: &systemd, WebConfigFile: &c.WebConfigFile}
	served := make(chan error, 1)
	go func() { served <- web.ListenAndServe(srv, flags, logger) }()
	go ex.Sample(ctx, a.source, a.cli.Interval)

	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", c.Listen, err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 900*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// options turns the flags into the exporter's options.
func (c *serveCmd) options(a *app) (exporter.Options, error) {
	rt, err := fit.ParseRuntime(c.Runtime)
	if err != nil {
		return exporter.Options{}, fmt.Errorf("--runtime: %w", err)
	}
	o := exporter.Options{Hostname: c.Hostname, Contexts: a.cli.Context.All(), Runtime: rt, ProcessLabels: c.ProcessLabels}
	for _, s := range c.Precision {
		p, err := fit.ParsePrecision(s)
		if err != nil {
			return exporter.Options{}, fmt.Errorf("--precision: %w", err)
		}
		o.Precisions = append(o.Precisions, p)
	}
	if o.Hostname == "" {
		o.Hostname, _ = os.Hostname()
	}
	return o, nil
}

// checkListen rejects an address that is not host:port.
func (c *serveCmd) checkListen() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("--listen %q: %w (give HOST:PORT, such as 127.0.0.1:9835 or 0.0.0.0:9835)", c.Listen, err)
	}
	return nil
}
