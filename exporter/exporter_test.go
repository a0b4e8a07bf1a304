package exporter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/testcat"
	"github.com/headroom-dev/headroom/local"
	"github.com/headroom-dev/headroom/report"
)

// catalogues loads the shipped catalogues, as listed models.
func catalogues(t testing.TB) ([]local.Listed, []catalog.Card) { return testcat.Listed(t) }

const gib = uint64(1) << 30

// rtxPro is a live RTX PRO 6000 as NVML reports it, with used bytes held
// by the given processes.
func rtxPro(i int, used uint64, procs ...gpu.Process) gpu.Device {
	total, reserved := uint64(97887)<<20, uint64(591)<<20
	return gpu.Device{Index: i, Name: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition", UUID: fmt.Sprintf("GPU-%08d", i),
		ComputeCapability: "12.0", MemorySource: "v2",
		Memory:    gpu.Memory{Total: gpu.Read(total), Reserved: gpu.Read(reserved), Used: gpu.Read(used), Free: gpu.Read(total - reserved - used)},
		Processes: procs}
}

func snapshot(devs ...gpu.Device) gpu.Snapshot {
	return gpu.Snapshot{Time: time.Unix(1_800_000_000, 0), Source: gpu.KindNVML, DriverVersion: "580.95.05", Devices: devs}
}

// parse reads a page back as Prometheus would.
func parse(t *testing.T, page []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(page))
	require.NoError(t, err, string(page))
	return fams
}

// labels is a metric's labels as a map.
func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// value finds the one metric of family name whose labels include want.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		l := labels(m)
		match := true
		for k, v := range want {
			match = match && l[k] == v
		}
		if match {
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

// The series of one GPU: dcgm-exporter's names, labels and MiB; bytes;
// processes; and for every model, precision and context the fit, worked
// out here from fit.Grade.
func TestSeriesOfOneGPU(t *testing.T) {
	ls, cards := catalogues(t)
	procs := []gpu.Process{
		{PID: 4242, Name: "python3", User: "ada", UsedBytes: gpu.Read(31 * gib)},
		{PID: 77, Name: "Xorg", User: "root", UsedBytes: gpu.Read(gib / 2)},
	}
	d := rtxPro(0, 31*gib+gib/2, procs...)
	opts := Options{Hostname: "box1", Contexts: []int{8192, 32768}, Precisions: []fit.Precision{fit.Native, fit.FP8, fit.INT8, fit.Q4_K_M}, Runtime: fit.VLLM}
	e := New(ls, cards, opts)
	e.Update(snapshot(d), nil)
	fams := parse(t, e.page.Load().metrics)

	dcgm := map[string]string{"gpu": "0", "UUID": d.UUID, "modelName": d.Name, "Hostname": "box1"}
	for name, b := range map[string]uint64{"DCGM_FI_DEV_FB_USED": d.Memory.Used.Value, "DCGM_FI_DEV_FB_FREE": d.Memory.Free.Value, "DCGM_FI_DEV_FB_RESERVED": d.Memory.Reserved.Value} {
		v, ok := value(t, fams, name, dcgm)
		require.True(t, ok, name)
		assert.Equal(t, float64(b>>20), v, "%s in MiB", name)
		assert.Equal(t, dto.MetricType_GAUGE, fams[name].GetType())
	}
	for state, b := range map[string]uint64{"total": d.Memory.Total.Value, "used": d.Memory.Used.Value, "free": d.Memory.Free.Value, "reserved": d.Memory.Reserved.Value} {
		v, ok := value(t, fams, "headroom_gpu_memory_bytes", map[string]string{"gpu": "0", "state": state})
		require.True(t, ok, state)
		assert.Equal(t, float64(b), v, state)
	}
	up, _ := value(t, fams, "headroom_gpu_up", map[string]string{"gpu": "0", "UUID": d.UUID})
	assert.Equal(t, 1.0, up)
	nvml, _ := value(t, fams, "headroom_nvml_up", nil)
	assert.Equal(t, 1.0, nvml)
	v, ok := value(t, fams, "headroom_process_memory_bytes", map[string]string{"gpu": "0", "pid": "4242"})
	require.True(t, ok)
	assert.Equal(t, float64(31*gib), v)
	for _, m := range fams["headroom_process_memory_bytes"].GetMetric() {
		assert.NotContains(t, labels(m), "name", "names only with --process-labels")
		assert.NotContains(t, labels(m), "user")
	}

	b, err := catalog.Budget(cards, d)
	require.NoError(t, err)
	models := local.Models(ls)
	graded, na := 0, 0
	for _, m := range models {
		for _, p := range opts.Precisions {
			rt := m.RuntimeFor(p, fit.VLLM)
			for i, ctx := range opts.Contexts {
				want := fit.Grade(m, fit.Request{Precision: p, Runtime: rt, Context: ctx}, b)
				l := map[string]string{"gpu": "0", "model": m.ID, "precision": string(p), "runtime": string(rt), "context": strconv.Itoa(ctx)}
				ones := 0
				for _, s := range Statuses {
					l["status"] = s
					v, ok := value(t, fams, "headroom_model_fit", l)
					require.True(t, ok, "%v", l)
					if v == 1 {
						ones++
						assert.Equal(t, report.StatusName(want), s, "%v", l)
					}
				}
				delete(l, "status")
				assert.Equal(t, 1, ones, "one status is 1, the others 0: %v", l)
				h, ok := value(t, fams, "headroom_model_headroom_bytes", l)
				if want.Reason != "" {
					assert.False(t, ok, "n/a has no headroom: %v", l)
					na++
					continue
				}
				graded++
				require.True(t, ok, "%v", l)
				assert.Equal(t, float64(b.FreeBytes)-float64(want.RequiredBytes), h, "%v", l)
				if i == 0 {
					delete(l, "context")
					mc, ok := value(t, fams, "headroom_model_max_context_tokens", l)
					require.True(t, ok, "%v", l)
					assert.Equal(t, float64(want.MaxContext), mc, "%v", l)
				}
			}
		}
	}
	assert.Positive(t, na, "int8 is n/a on Blackwell under vLLM")
	assert.Positive(t, graded)
	// Every series accounted for: the bound the README documents.
	cells := len(models) * len(opts.Precisions) * len(opts.Contexts)
	want := 1 + 1 + 3 + 4 + len(procs) + cells*len(Statuses) + graded + graded/len(opts.Contexts)
	assert.Equal(t, want, e.Series(), "series on one GPU")
	assert.LessOrEqual(t, e.Series(), 1+8+len(procs)+cells*(len(Statuses)+1)+cells/len(opts.Contexts))
}

// Hostile process names and users are escaped in the exposition format
// and read back exactly; names appear only with ProcessLabels.
func TestHostileProcessNamesAreEscaped(t *testing.T) {
	ls, cards := catalogues(t)
	hostile := "evil\"} 1\nfake_metric{a=\"b\\\x1b[2J"
	d := rtxPro(0, 2*gib, gpu.Process{PID: 9, Name: hostile, User: "ro\not", UsedBytes: gpu.Read(2 * gib)})
	e := New(ls[:1], cards, Options{Hostname: "h\"x", ProcessLabels: true})
	e.Update(snapshot(d), nil)
	page := e.page.Load().metrics
	fams := parse(t, page)
	assert.NotContains(t, fams, "fake_metric", "a name cannot start a series of its own")
	m := fams["headroom_process_memory_bytes"].GetMetric()
	require.Len(t, m, 1)
	assert.Equal(t, hostile, labels(m[0])["name"])
	assert.Equal(t, "ro\not", labels(m[0])["user"])
	_, ok := value(t, fams, "DCGM_FI_DEV_FB_USED", map[string]string{"Hostname": "h\"x"})
	assert.True(t, ok)
	for _, line := range strings.Split(string(page), "\n") {
		if strings.HasPrefix(line, "headroom_process_memory_bytes") {
			assert.True(t, strings.HasSuffix(line, " 2.147483648e+09"), "one line a series: %q", line)
		}
	}
}

// A driver fault keeps the last good sample with every GPU down; a lost
// GPU is down with no memory series; an unchanged sample is not rebuilt.
func TestFaultsKeepServing(t *testing.T) {
	ls, cards := catalogues(t)
	e := New(ls[:2], cards, Options{})
	fams := parse(t, e.page.Load().metrics)
	nvml, _ := value(t, fams, "headroom_nvml_up", nil)
	assert.Equal(t, 0.0, nvml, "before the first sample")

	good := snapshot(rtxPro(0, 0), rtxPro(1, 10*gib))
	e.Update(good, nil)
	first := e.page.Load()
	e.Update(snapshot(rtxPro(0, 0), rtxPro(1, 10*gib)), nil)
	assert.Same(t, first, e.page.Load(), "the same sample again: no rebuild")

	e.Update(gpu.Snapshot{}, errors.New("nvml: GPU is lost"))
	fams = parse(t, e.page.Load().metrics)
	nvml, _ = value(t, fams, "headroom_nvml_up", nil)
	assert.Equal(t, 0.0, nvml)
	e.Update(snapshot(rtxPro(0, 0), rtxPro(1, 10*gib)), nil)
	nvml, _ = value(t, parse(t, e.page.Load().metrics), "headroom_nvml_up", nil)
	assert.Equal(t, 1.0, nvml, "a driver that answers again, with the same figures, is up again")
	e.Update(gpu.Snapshot{}, errors.New("nvml: GPU is lost"))
	fams = parse(t, e.page.Load().metrics)
	for _, g := range []string{"0", "1"} {
		up, ok := value(t, fams, "headroom_gpu_up", map[string]string{"gpu": g})
		require.True(t, ok)
		assert.Equal(t, 0.0, up, "GPU %s is down while the driver fails", g)
	}
	_, ok := value(t, fams, "DCGM_FI_DEV_FB_FREE", map[string]string{"gpu": "1"})
	assert.True(t, ok, "the last good memory is still served")

	lost := snapshot(rtxPro(0, 0), rtxPro(1, 10*gib))
	lost.Devices[1].Lost = true
	e.Update(lost, nil)
	fams = parse(t, e.page.Load().metrics)
	up, _ := value(t, fams, "headroom_gpu_up", map[string]string{"gpu": "1"})
	assert.Equal(t, 0.0, up)
	up, _ = value(t, fams, "headroom_gpu_up", map[string]string{"gpu": "0"})
	assert.Equal(t, 1.0, up)
	_, ok = value(t, fams, "DCGM_FI_DEV_FB_FREE", map[string]string{"gpu": "1"})
	assert.False(t, ok, "nothing true to say of a lost GPU's memory")
	_, ok = value(t, fams, "headroom_model_fit", map[string]string{"gpu": "1"})
	assert.False(t, ok)

	appeared := snapshot(rtxPro(0, 0), rtxPro(1, 10*gib), rtxPro(2, 0))
	e.Update(appeared, nil)
	fams = parse(t, e.page.Load().metrics)
	up, _ = value(t, fams, "headroom_gpu_up", map[string]string{"gpu": "2"})
	assert.Equal(t, 1.0, up, "a GPU that appears is served")
}

// The handlers: /metrics in the text format, /healthz, and the snapshot
// document `snapshot --json` prints.
func TestHandlers(t *testing.T) {
	ls, cards := catalogues(t)
	e := New(ls, cards, Options{Hostname: "box"})
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(body)
	}
	resp, _ := get("/api/v1/snapshot")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "no GPU read yet")

	snap := snapshot(rtxPro(0, 20*gib))
	e.Update(snap, nil)
	resp, body := get("/metrics")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/plain; version=0.0.4")
	assert.Contains(t, body, "DCGM_FI_DEV_FB_FREE{")
	resp, body = get("/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "ok\n", body)
	resp, body = get("/api/v1/snapshot")
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var want bytes.Buffer
	require.NoError(t, report.WriteJSON(&want, report.NewSnapshot(snap, 0, ls, cards, 8192)))
	assert.JSONEq(t, want.String(), body)
	resp, _ = get("/nothing")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
