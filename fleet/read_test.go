package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample is one series of a query's answer.
type sample struct {
	labels map[string]string
	value  string
}

// fakePrometheus answers the reader's queries from answers, by query
// text, as the Prometheus HTTP API does (an instant vector each).
func fakePrometheus(t *testing.T, answers map[string][]sample) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		q := r.Form.Get("query")
		ts := r.Form.Get("time")
		var result []map[string]any
		for _, s := range answers[q] {
			result = append(result, map[string]any{"metric": s.labels, "value": []any{json.RawMessage(ts), s.value}})
		}
		if result == nil {
			result = []map[string]any{}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": result}})
	}))
}

// dcgm is a dcgm-exporter series' labels.
func dcgm(host, gpu, uuid, name, instance string) map[string]string {
	l := map[string]string{"gpu": gpu, "UUID": uuid, "modelName": name, "Hostname": host, "instance": instance, "job": "gpus"}
	for k, v := range l {
		if v == "" {
			delete(l, k)
		}
	}
	return l
}

// memory is the three FB answers and the freshness answers for a set of
// GPUs: free, used, reserved MiB and the scrape time of each.
func memory(now time.Time, gpus map[string][4]float64, labels map[string]map[string]string) map[string][]sample {
	out := map[string][]sample{}
	q := func(f string) string { return fmt.Sprintf(f, "10m") }
	for k, v := range gpus {
		l := labels[k]
		out[q(memoryQueries["free"])] = append(out[q(memoryQueries["free"])], sample{l, fmt.Sprint(v[0])})
		out[q(memoryQueries["used"])] = append(out[q(memoryQueries["used"])], sample{l, fmt.Sprint(v[1])})
		out[q(memoryQueries["reserved"])] = append(out[q(memoryQueries["reserved"])], sample{l, fmt.Sprint(v[2])})
		if v[3] >= 0 {
			out[freshQuery] = append(out[freshQuery], sample{l, fmt.Sprintf("%.3f", float64(now.Add(-time.Duration(v[3])*time.Second).UnixMilli())/1000)})
			out[q(countQuery)] = append(out[q(countQuery)], sample{l, "600"}) // one a second
		}
	}
	return out
}

func TestReadTheFleet(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	const h100 = "NVIDIA H100 80GB HBM3"
	labels := map[string]map[string]string{
		"a-dcgm":     dcgm("boxA", "0", "GPU-a", h100, "boxA:9400"),
		"a-headroom": dcgm("boxA", "0", "GPU-a", h100, "boxA:9835"), // the same GPU, a second exporter
		"b":          dcgm("", "0", "GPU-b", h100, "10.0.0.2:9400"), // no Hostname: the instance's host
		"c":          dcgm("boxC", "", "", "", "boxC:9400"),         // no gpu, UUID or modelName
		"old":        dcgm("boxD", "0", "GPU-d", h100, "boxD:9400"), // scraped 10 s ago at 1 s: stale
		"gone":       dcgm("boxE", "0", "GPU-e", h100, "boxE:9400"), // series stopped
		"evil":       dcgm("box\x1b[2JF", "0", "GPU-f", "x\u202ey", "boxF:9400"),
	}
	gpus := map[string][4]float64{
		"a-dcgm": {1000, 80004, 555, 5}, "a-headroom": {2000, 79004, 555, 1},
		"b": {81004, 0, 555, 0}, "c": {100, 100, 0, 0}, "old": {81004, 0, 555, 10}, "gone": {81004, 0, 555, -1},
		"evil": {-5, 0, 0, 0},
	}
	answers := memory(now, gpus, labels)
	answers[fmt.Sprintf(upQuery, "10m")] = []sample{{dcgm("boxA", "0", "GPU-a", "", "boxA:9835"), "1"}}
	srv := fakePrometheus(t, answers)
	defer srv.Close()

	rd, err := NewReader(srv.URL, time.Second)
	require.NoError(t, err)
	got, err := rd.Read(context.Background(), now)
	require.NoError(t, err)
	byHost := map[string]GPU{}
	var hosts []string
	for _, g := range got {
		byHost[g.Hostname] = g
		hosts = append(hosts, g.Hostname)
	}
	assert.Equal(t, []string{"10.0.0.2", "boxA", "boxC", "boxD", "boxE", "boxF"}, hosts, "one GPU a UUID, sorted by host")

	a := byHost["boxA"]
	assert.Equal(t, uint64(2000)<<20, a.FreeBytes, "the fresher of two exporters")
	assert.Equal(t, uint64(2000+79004+555)<<20, a.TotalBytes)
	assert.Equal(t, time.Second, a.Age)
	assert.False(t, a.Stale)
	assert.Equal(t, "10.0.0.2", byHost["10.0.0.2"].Hostname, "the instance's host stands in for Hostname")
	c := byHost["boxC"]
	assert.Equal(t, "?", c.Index)
	assert.Equal(t, "boxC/?", c.Key(), "no UUID: host and index")
	assert.Equal(t, "", c.Name)
	assert.True(t, byHost["boxD"].Stale, "10 s old at one scrape a second")
	assert.True(t, byHost["boxE"].Stale, "its series stopped")
	assert.True(t, byHost["boxE"].Sampled.IsZero())
	evil := byHost["boxF"]
	assert.Equal(t, "xy", evil.Name, "labels are cleaned of what a terminal obeys")
	assert.Zero(t, evil.FreeBytes, "a negative MiB is no memory")
}

func TestReadFaults(t *testing.T) {
	_, err := NewReader("prometheus:9090", time.Second)
	assert.ErrorContains(t, err, "not an http(s) URL")
	_, err = NewReader("http://ada:hunter2@\x7f", time.Second)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")

	matrix := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"success","data":{"resultType":"scalar","result":[1800000000,"1"]}}`))
	}))
	defer matrix.Close()
	rd, err := NewReader(matrix.URL, time.Second)
	require.NoError(t, err)
	_, err = rd.Read(context.Background(), time.Now())
	assert.ErrorContains(t, err, "not an instant vector")

	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"status":"error","errorType":"bad_data","error":"parse error"}`, http.StatusBadRequest)
	}))
	defer bad.Close()
	u := strings.Replace(bad.URL, "http://", "http://ada:hunter2@", 1)
	rd, err = NewReader(u, time.Second)
	require.NoError(t, err)
	_, err = rd.Read(context.Background(), time.Now())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), "ada:xxxxx@")
	assert.NotContains(t, err.Error(), "\n")
}
