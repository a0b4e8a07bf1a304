package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// fleetJSON is `headroom fleet --json` as a script reads it.
type fleetJSON struct {
	Prometheus string `json:"prometheus"`
	Hosts      []struct {
		Hostname string `json:"hostname"`
		GPUs     []struct {
			Hostname      string   `json:"hostname"`
			GPU           string   `json:"gpu"`
			UUID          string   `json:"uuid"`
			Name          string   `json:"name"`
			TotalBytes    uint64   `json:"total_bytes"`
			FreeBytes     uint64   `json:"free_bytes"`
			UsedBytes     uint64   `json:"used_bytes"`
			ReservedBytes uint64   `json:"reserved_bytes"`
			AgeSeconds    *float64 `json:"age_seconds"`
			Stale         bool     `json:"stale"`
		} `json:"gpus"`
	} `json:"hosts"`
	Fits []struct {
		Model     string `json:"model"`
		Precision string `json:"precision"`
		Runtime   string `json:"runtime"`
		FitsNow   int    `json:"fits_now"`
		Of        int    `json:"of"`
		On        []struct {
			Hostname   string `json:"hostname"`
			GPU        string `json:"gpu"`
			Status     string `json:"status"`
			MaxContext int    `json:"max_context"`
		} `json:"on"`
	} `json:"fits"`
}

// startPrometheus runs Debian's prometheus on a free loopback port,
// scraping targets every second, and returns its URL.
func startPrometheus(t *testing.T, targets ...string) string {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus is not installed (Debian: apt-get install prometheus; .ci/run installs it)")
	}
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: gpus\n    static_configs:\n      - targets: ['%s']\n",
		strings.Join(targets, "', '"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600))
	addr := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr, "--log.level=warn")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	return "http://" + addr
}

// fleetUntil runs `headroom fleet --json` until ok accepts its answer, for
// at most 30 s.
func fleetUntil(t *testing.T, url string, ok func(fleetJSON) bool, args ...string) fleetJSON {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		code, out, errOut := runHeadroom(t, nil, append([]string{"fleet", "--prometheus", url, "--json"}, args...)...)
		last = out + errOut
		if code == 0 {
			var f fleetJSON
			require.NoError(t, json.Unmarshal([]byte(out), &f), out)
			if ok(f) {
				return f
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("the fleet never looked as expected; last answer:\n%s", last)
	return fleetJSON{}
}

// End to end: a real Prometheus scrapes two `headroom serve` instances on
// fake drivers and a dcgm-exporter page (a host with no headroom at all,
// and a dcgm-exporter beside headroom on one host); `headroom fleet`
// places each model where the fit engine says it fits. Then one exporter
// stops: its GPU turns stale and is never graded as live.
func TestFleetEndToEndWithPrometheus(t *testing.T) {
	if _, err := exec.LookPath("prometheus"); err != nil {
		t.Skip("prometheus is not installed (Debian: apt-get install prometheus; .ci/run installs it)")
	}
	lib := fakenvml.Build(t)
	box := func(host, uuid string, used uint64) *serveProcess {
		d := fakenvml.RTXPro6000()
		d.UUID, d.Used = uuid, used
		state := filepath.Join(t.TempDir(), "state")
		require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{d}}))
		p := startServe(t, fakenvml.Env(lib, state), "--hostname", host, "--interval", "200ms")
		code, _ := p.get(t, "/healthz")
		require.Equal(t, http.StatusOK, code)
		return p
	}
	busy := box("boxA", "GPU-aaaaaaaa-0000-0000-0000-000000000000", 60<<30)
	idle := box("boxB", "GPU-bbbbbbbb-0000-0000-0000-000000000000", 2<<20)

	fixture, err := os.ReadFile("testdata/dcgm-exporter.prom")
	require.NoError(t, err)
	dcgm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		w.Write(fixture)
	}))
	defer dcgm.Close()
	// dcgm-exporter on boxA as well: the same GPU as headroom reports there.
	twin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		l := `{gpu="0",UUID="GPU-aaaaaaaa-0000-0000-0000-000000000000",device="nvidia0",modelName="NVIDIA RTX PRO 6000 Blackwell Workstation Edition",Hostname="boxA"}`
		fmt.Fprintf(w, "DCGM_FI_DEV_FB_FREE%s %d\nDCGM_FI_DEV_FB_USED%s %d\nDCGM_FI_DEV_FB_RESERVED%s %d\n", l, 97887-591-60*1024, l, 60*1024, l, 591)
	}))
	defer twin.Close()

	prom := startPrometheus(t, busy.addr, idle.addr, strings.TrimPrefix(dcgm.URL, "http://"), strings.TrimPrefix(twin.URL, "http://"))
	models := []string{"Qwen/Qwen3-32B", "meta-llama/Llama-3.3-70B-Instruct"}
	args := []string{"--model", models[0], "--model", models[1], "--precision", "native", "--precision", "fp8"}
	live := func(f fleetJSON) bool {
		n := 0
		for _, h := range f.Hosts {
			for _, g := range h.GPUs {
				if !g.Stale {
					n++
				}
			}
		}
		return n == 4
	}
	f := fleetUntil(t, prom, live, args...)

	var hosts []string
	_, cards := builtinCatalogues(t)
	byPlace := map[string]gpu.Device{}
	for _, h := range f.Hosts {
		hosts = append(hosts, h.Hostname)
		for _, g := range h.GPUs {
			require.NotNil(t, g.AgeSeconds)
			assert.Less(t, *g.AgeSeconds, 10.0)
			byPlace[g.Hostname+"/"+g.GPU] = gpu.Device{Name: g.Name, UUID: g.UUID, Memory: gpu.Memory{
				Total: gpu.Read(g.TotalBytes), Free: gpu.Read(g.FreeBytes), Used: gpu.Read(g.UsedBytes), Reserved: gpu.Read(g.ReservedBytes)}}
			assert.Equal(t, g.TotalBytes, g.FreeBytes+g.UsedBytes+g.ReservedBytes)
		}
	}
	assert.Equal(t, []string{"boxA", "boxB", "boxC"}, hosts, "boxA once, though two exporters report its GPU")
	require.Len(t, byPlace, 4)
	assert.Equal(t, uint64(97887-591-60*1024)<<20, byPlace["boxA/0"].Memory.Free.Value)
	assert.Equal(t, uint64(21004)<<20, byPlace["boxC/1"].Memory.Free.Value, "read from dcgm-exporter's page")

	require.Len(t, f.Fits, 4)
	models2, _ := builtinCatalogues(t)
	for _, ff := range f.Fits {
		m, err := catalog.FindModel(models2, ff.Model)
		require.NoError(t, err)
		fitsNow := 0
		for _, p := range ff.On {
			d, ok := byPlace[p.Hostname+"/"+p.GPU]
			require.True(t, ok, p.Hostname+"/"+p.GPU)
			b, err := catalog.Budget(cards, d)
			require.NoError(t, err)
			v := fit.Grade(m, fit.Request{Precision: fit.Precision(ff.Precision), Runtime: fit.Runtime(ff.Runtime), Context: 8192}, b)
			assert.Equal(t, v.Status.String(), p.Status, "%s %s on %s/%s", ff.Model, ff.Precision, p.Hostname, p.GPU)
			if v.Status == fit.Fits {
				fitsNow++
				assert.Equal(t, v.MaxContext, p.MaxContext)
			}
		}
		assert.Equal(t, fitsNow, ff.FitsNow)
		assert.Equal(t, 4, ff.Of)
	}
	// What the fleet is for: the idle box loads Qwen3-32B in BF16 now, the
	// busy one only once memory is freed.
	status := func(f fleetJSON, model, precision, place string) string {
		for _, ff := range f.Fits {
			if ff.Model == model && ff.Precision == precision {
				for _, p := range ff.On {
					if p.Hostname+"/"+p.GPU == place {
						return p.Status
					}
				}
			}
		}
		return ""
	}
	assert.Equal(t, "fits", status(f, models[0], "native", "boxB/0"))
	assert.Equal(t, "needs-freeing", status(f, models[0], "native", "boxA/0"))

	// One exporter stops: its GPU turns stale and is not graded.
	idle.cmd.Process.Kill()
	<-idle.done
	f = fleetUntil(t, prom, func(f fleetJSON) bool { return status(f, models[0], "native", "boxB/0") == "stale" }, args...)
	for _, h := range f.Hosts {
		for _, g := range h.GPUs {
			assert.Equal(t, h.Hostname == "boxB", g.Stale, "%s/%s", h.Hostname, g.GPU)
		}
	}
	code, out, _ := runHeadroom(t, nil, append([]string{"fleet", "--prometheus", prom}, args...)...)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "boxB/0 stale: not graded")
	assert.Contains(t, out, "1 not live")
}

// Prometheus unreachable, slow, or given with credentials: one line, the
// password never printed.
func TestFleetFaults(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	withCreds := strings.Replace(slow.URL, "http://", "http://ada:hunter2@", 1)
	code, out, errOut := runHeadroom(t, nil, "fleet", "--prometheus", withCreds, "--timeout", "300ms")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "no answer within 300ms")
	assert.NotContains(t, errOut, "hunter2")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one line: %q", errOut)

	code, _, errOut = runHeadroom(t, nil, "fleet", "--prometheus", "http://ada:hunter2@127.0.0.1:1")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "connection refused")
	assert.NotContains(t, errOut, "hunter2")

	checkUsageErrors(t, map[string]usageCase{
		"scheme":    {[]string{"fleet", "--prometheus", "ftp://x"}, "not an http(s) URL"},
		"no url":    {[]string{"fleet"}, "--prometheus"},
		"model":     {[]string{"fleet", "--prometheus", "http://x", "--model", "no-such-model"}, "--model"},
		"precision": {[]string{"fleet", "--prometheus", "http://x", "--precision", "fp3"}, "--precision"},
		"timeout":   {[]string{"fleet", "--prometheus", "http://x", "--timeout", "0s"}, "--timeout"},
	})
}
