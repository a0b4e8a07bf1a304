package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/headroom-dev/headroom/ui"
)

// latencyPoint is one frame rate's figures: first paint, key-to-paint
// (median and 95th percentile) and idle CPU, for headroom and for the
// floor (an empty bubbletea program at the same rate).
type latencyPoint struct {
	fps                    int
	firstPaint, floorFirst time.Duration
	p50, p95               time.Duration
	floorP50, floorP95     time.Duration
	idle, floorIdle        time.Duration // CPU a second
}

// keyToPaint presses key in pane target n times, each time timing how long
// until the pane shows something else, polled as fast as tmux answers.
func keyToPaint(t *testing.T, p *tmuxPane, target, key string, n int) []time.Duration {
	t.Helper()
	var out []time.Duration
	for range n {
		before := p.tmux("capture-pane", "-p", "-t", target)
		start := time.Now()
		p.tmux("send-keys", "-t", target, key)
		for p.tmux("capture-pane", "-p", "-t", target) == before {
			require.Less(t, time.Since(start), 2*time.Second, "the key never showed")
		}
		out = append(out, time.Since(start))
		// Apart as a person types, at no fixed phase to the frame tick.
		time.Sleep(100*time.Millisecond + time.Duration(rand.Int64N(int64(300*time.Millisecond))))
	}
	slices.Sort(out)
	return out
}

// percentile is the p-th percentile of sorted durations.
func percentile(d []time.Duration, p float64) time.Duration {
	return d[min(int(p*float64(len(d))), len(d)-1)]
}

// measureAt runs headroom and the floor in tmux at fps.
func measureAt(t *testing.T, fps, keys int, window time.Duration) latencyPoint {
	t.Helper()
	card := fakenvml.RTXPro6000()
	st := fakenvml.State{DriverVersion: "580.95.05", CUDAVersion: 13000, Devices: []fakenvml.Device{card}}
	env := "HEADROOM_FPS=" + strconv.Itoa(fps)
	p := startInTmuxWith(t, []string{env}, st, 100, 30, "--no-scan")
	p.waitFor("headroom's matrix", 5*time.Second, func(s string) bool { return strings.Contains(s, "MODEL") })
	// First paint: a second headroom started in a pane of the running
	// server, as the floor is below, so that neither pays for tmux's start.
	start := time.Now()
	hr := p.startPane("hr", 100, 30, "exec env "+strings.Join(fakenvml.Env(p.lib, p.state), " ")+" TERM=xterm-256color "+env+" "+
		testBinary(t)+" --no-scan")
	for !strings.Contains(p.tmux("capture-pane", "-p", "-t", "hr"), "MODEL") {
		require.Less(t, time.Since(start), 5*time.Second, "headroom never painted")
	}
	pt := latencyPoint{fps: fps, firstPaint: time.Since(start)}

	floorBin := filepath.Join(t.TempDir(), "tuifloor")
	require.NoError(t, goBuildPackage(floorBin, "./internal/tuifloor"))
	start = time.Now()
	floor := p.startPane("floor", 100, 30, "exec env TERM=xterm-256color "+env+" "+floorBin)
	for !strings.Contains(p.tmux("capture-pane", "-p", "-t", "floor"), "framework's floor") {
		require.Less(t, time.Since(start), 5*time.Second, "the floor never painted")
	}
	pt.floorFirst = time.Since(start)

	time.Sleep(time.Second)
	k := keyToPaint(t, p, "hr", "c", keys) // the context cycles: the status line changes
	pt.p50, pt.p95 = percentile(k, 0.5), percentile(k, 0.95)
	k = keyToPaint(t, p, "floor", "x", keys)
	pt.floorP50, pt.floorP95 = percentile(k, 0.5), percentile(k, 0.95)
	time.Sleep(time.Second)
	cpu := cpuOver(t, window, hr, floor)
	pt.idle, pt.floorIdle = cpu[0]/time.Duration(window.Seconds()), cpu[1]/time.Duration(window.Seconds())
	return pt
}

// Key-to-paint latency, first paint and idle CPU at the frame rate
// headroom runs at (ui.FPS), beside an empty bubbletea program at the same
// rate, measured in the same run: headroom's keys show within 20 ms of the
// floor's at the 95th percentile, its first paint within 50 ms of the
// floor's, and its idle CPU within 1.5× the floor's plus 1 ms a second
// (the sample). The absolute figures (60 ms, 100 ms) are BENCHMARKS.md's,
// measured; a shared machine's load moves both programs alike. With
// HEADROOM_LATENCY set to frame rates ("4,10,20,30") it measures each and
// logs the curve that BENCHMARKS.md records.
func TestKeyToPaintLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs headroom and the floor program in tmux for seconds; skipped with -short")
	}
	rates := []int{ui.FPS}
	if v := os.Getenv("HEADROOM_LATENCY"); v != "" {
		rates = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			require.NoError(t, err, "HEADROOM_LATENCY")
			rates = append(rates, n)
		}
	}
	t.Logf("%4s %12s %12s %10s %10s %12s %12s %10s %10s", "FPS", "first paint", "floor first", "key p50", "key p95",
		"floor p50", "floor p95", "idle ms/s", "floor ms/s")
	for _, fps := range rates {
		t.Run(fmt.Sprint(fps), func(t *testing.T) {
			pt := measureAt(t, fps, 20, 5*time.Second)
			t.Logf("%4d %12s %12s %10s %10s %12s %12s %10.2f %10.2f", pt.fps, pt.firstPaint.Round(time.Millisecond),
				pt.floorFirst.Round(time.Millisecond), pt.p50.Round(time.Millisecond), pt.p95.Round(time.Millisecond),
				pt.floorP50.Round(time.Millisecond), pt.floorP95.Round(time.Millisecond), ms(pt.idle), ms(pt.floorIdle))
			if fps != ui.FPS {
				return // a point of the curve, not the chosen one
			}
			assert.LessOrEqual(t, pt.p95, pt.floorP95+20*time.Millisecond, "key-to-paint at the 95th percentile, against the floor's")
			assert.LessOrEqual(t, pt.firstPaint, pt.floorFirst+50*time.Millisecond, "first paint, against the floor's")
			assert.LessOrEqual(t, pt.idle, pt.floorIdle*3/2+time.Millisecond, "idle CPU against the floor's")
		})
	}
}
