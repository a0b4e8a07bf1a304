package exporter

import (
	"context"
	"net"
	"time"

	"github.com/headroom-dev/headroom/gpu"
)

// Loopback reports whether addr listens on this machine only.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Sample samples the source open gives every interval and builds the page
// from each sample, until ctx ends. Without a driver it tries open again
// every ReopenEvery; a failing sample marks the GPUs down and goes on.
// The exporter samples on its own, so a scrape never calls the driver.
func (e *Exporter) Sample(ctx context.Context, open func() (gpu.Source, error), interval time.Duration) {
	var src gpu.Source
	defer func() {
		if src != nil {
			src.Close()
		}
	}()
	var nextOpen time.Time
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if src == nil && !time.Now().Before(nextOpen) {
			s, err := open()
			if err != nil {
				e.Update(gpu.Snapshot{}, err)
				nextOpen = time.Now().Add(ReopenEvery)
			} else {
				src = s
			}
		}
		if src != nil {
			sctx, cancel := context.WithTimeout(ctx, max(interval, time.Second))
			snap, err := src.Sample(sctx)
			cancel()
			e.Update(snap, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// ReopenEvery is how often Sample tries to open a driver it could not.
const ReopenEvery = 10 * time.Second
