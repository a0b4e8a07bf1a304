package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// The exporter beside Debian's prometheus-node-exporter, both scraped once
// a second for the same window: headroom's CPU stays within twice the node
// exporter's (plus 50 ms for a loaded machine), and its memory small. The
// figures are in BENCHMARKS.md; HEADROOM_EXPORTER_WINDOW lengthens the
// window.
func TestExporterIdleBesideNodeExporter(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two exporters for seconds; skipped with -short")
	}
	nodeBin, err := exec.LookPath("prometheus-node-exporter")
	if err != nil {
		t.Skip("prometheus-node-exporter is not installed (Debian: apt-get install prometheus-node-exporter; .ci/run installs it)")
	}
	window := 10 * time.Second
	if v := os.Getenv("HEADROOM_EXPORTER_WINDOW"); v != "" {
		window, err = time.ParseDuration(v)
		require.NoError(t, err, "HEADROOM_EXPORTER_WINDOW")
	}
	lib := fakenvml.Build(t)
	state := filepath.Join(t.TempDir(), "state")
	d := fakenvml.RTXPro6000()
	d.Used = 40 << 30
	d.Processes = []fakenvml.Process{{PID: 4242, Used: 40 << 30, Name: "python3"}}
	require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{d}}))
	hr := startServe(t, fakenvml.Env(lib, state))
	code, _ := hr.get(t, "/metrics")
	require.Equal(t, http.StatusOK, code)

	nodeAddr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	node := exec.CommandContext(ctx, nodeBin, "--web.listen-address="+nodeAddr, "--log.level=error")
	require.NoError(t, node.Start())
	t.Cleanup(func() { cancel(); node.Wait() })
	np := &serveProcess{addr: nodeAddr}
	code, _ = np.get(t, "/metrics")
	require.Equal(t, http.StatusOK, code)

	time.Sleep(2 * time.Second) // both past their start
	stop := make(chan struct{})
	go func() { // a Prometheus scraping both once a second
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				for _, addr := range []string{hr.addr, nodeAddr} {
					if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
						resp.Body.Close()
					}
				}
			}
		}
	}()
	cpu := cpuOver(t, window, hr.cmd.Process.Pid, node.Process.Pid)
	close(stop)
	hrRSS, _, _, err := procFigures(hr.cmd.Process.Pid)
	require.NoError(t, err)
	nodeRSS, _, _, err := procFigures(node.Process.Pid)
	require.NoError(t, err)
	perSec := func(d time.Duration) float64 { return ms(d) / window.Seconds() }
	t.Logf("over %s, scraped once a second: headroom serve %.2f ms/s, %d KiB; prometheus-node-exporter %.2f ms/s, %d KiB",
		window, perSec(cpu[0]), hrRSS, perSec(cpu[1]), nodeRSS)
	assert.LessOrEqual(t, cpu[0], 2*cpu[1]+50*time.Millisecond, "headroom serve's CPU beside the node exporter's")
	assert.Less(t, hrRSS, 96<<10, "headroom serve's resident memory (KiB)")
}
