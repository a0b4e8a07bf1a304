package exporter

import (
	"net/http/httptest"
	"testing"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// eightGPUs is a box of eight RTX PRO 6000s, each a little fuller.
func eightGPUs(extra uint64) gpu.Snapshot {
	var devs []gpu.Device
	for i := range 8 {
		devs = append(devs, rtxPro(i, uint64(i)*8*gib+extra, gpu.Process{PID: uint32(100 + i), Name: "python3", UsedBytes: gpu.Read(uint64(i)*8*gib + extra)}))
	}
	return snapshot(devs...)
}

// A scrape of /metrics for 8 GPUs, the whole catalogue, the default
// precisions and two contexts: the page is built already, so a scrape
// only writes it.
func BenchmarkScrape8GPUs(b *testing.B) {
	ls, cards := catalogues(b)
	e := New(ls, cards, Options{Hostname: "box", Contexts: []int{8192, 32768}})
	e.Update(eightGPUs(0), nil)
	h := e.Handler()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
	b.ReportMetric(float64(e.Series()), "series")
	b.ReportMetric(float64(len(e.page.Load().metrics)), "page-bytes")
}

// Building the page from a changed sample of 8 GPUs: what the exporter
// does once per sample whose memory moved.
func BenchmarkUpdate8GPUs(b *testing.B) {
	ls, cards := catalogues(b)
	e := New(ls, cards, Options{Hostname: "box", Contexts: []int{8192, 32768}, Precisions: DefaultPrecisions, Runtime: fit.VLLM})
	n := uint64(0)
	for b.Loop() {
		n++
		e.Update(eightGPUs(n<<20), nil) // a MiB more each time: always a change
	}
}
