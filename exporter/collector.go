package exporter

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/headroom-dev/headroom/gpu"
)

// mib is dcgm-exporter's unit for framebuffer memory (DCGM's FB fields
// are in MiB: dcgm_fields.h, DCGM_FI_DEV_FB_*).
const mib = 1 << 20

// dcgmLabels are the labels dcgm-exporter puts on a GPU's series
// (its default counters, etc/default-counters.csv, with the "gpu",
// "UUID", "modelName" and "Hostname" labels it adds).
var dcgmLabels = []string{"gpu", "UUID", "modelName", "Hostname"}

// The metrics. DCGM_FI_DEV_FB_* keep dcgm-exporter's names and MiB, so
// that dashboards and alerts written for it read headroom unchanged.
var (
	descFBUsed     = prometheus.NewDesc("DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", dcgmLabels, nil)
	descFBFree     = prometheus.NewDesc("DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", dcgmLabels, nil)
	descFBReserved = prometheus.NewDesc("DCGM_FI_DEV_FB_RESERVED", "Framebuffer memory reserved (in MiB).", dcgmLabels, nil)

	descNVMLUp = prometheus.NewDesc("headroom_nvml_up", "1 when the last sample of the driver succeeded, 0 when it failed (the series below are then the last good sample's).", nil, nil)
	descGPUUp  = prometheus.NewDesc("headroom_gpu_up", "1 when the GPU answered the last sample, 0 when it is lost or the sample failed.", []string{"gpu", "UUID", "Hostname"}, nil)
	descMemory = prometheus.NewDesc("headroom_gpu_memory_bytes", "GPU memory in bytes by state: total = reserved + used + free.", []string{"gpu", "UUID", "Hostname", "state"}, nil)

	descProcess       = prometheus.NewDesc("headroom_process_memory_bytes", "GPU memory a process holds.", []string{"gpu", "pid"}, nil)
	descProcessLabels = prometheus.NewDesc("headroom_process_memory_bytes", "GPU memory a process holds.", []string{"gpu", "pid", "name", "user"}, nil)
)

// collector writes one sample's series.
type collector struct {
	e    *Exporter
	snap gpu.Snapshot
	up   bool
}

// Describe sends nothing: the series change with the GPUs and models, so
// the collector is unchecked.
func (c *collector) Describe(chan<- *prometheus.Desc) {}

// Collect writes every series of the sample.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descNVMLUp, boolValue(c.up))
	host := c.e.opts.Hostname
	for _, d := range c.snap.Devices {
		idx := strconv.Itoa(d.Index)
		up := c.up && !d.Lost
		gauge(descGPUUp, boolValue(up), idx, d.UUID, host)
		m := d.Memory
		if !m.Total.OK || d.Lost {
			continue // nothing true to say of its memory
		}
		dcgm := []string{idx, d.UUID, d.Name, host}
		for _, r := range []struct {
			d *prometheus.Desc
			v gpu.Reading[uint64]
		}{{descFBUsed, m.Used}, {descFBFree, m.Free}, {descFBReserved, m.Reserved}} {
			if r.v.OK {
				gauge(r.d, float64(r.v.Value/mib), dcgm...)
			}
		}
		for _, s := range []struct {
			name string
			v    gpu.Reading[uint64]
		}{{"total", m.Total}, {"used", m.Used}, {"free", m.Free}, {"reserved", m.Reserved}} {
			if s.v.OK {
				gauge(descMemory, float64(s.v.Value), idx, d.UUID, host, s.name)
			}
		}
		c.processes(gauge, idx, d)
	}
}

// processes writes each process's memory; name and user only when asked.
func (c *collector) processes(gauge func(*prometheus.Desc, float64, ...string), idx string, d gpu.Device) {
	seen := map[uint32]bool{} // a PID listed twice (graphics and compute) once
	for _, p := range d.Processes {
		if !p.UsedBytes.OK || seen[p.PID] {
			continue
		}
		seen[p.PID] = true
		pid := strconv.FormatUint(uint64(p.PID), 10)
		if c.e.opts.ProcessLabels {
			gauge(descProcessLabels, float64(p.UsedBytes.Value), idx, pid, p.Name, p.User)
		} else {
			gauge(descProcess, float64(p.UsedBytes.Value), idx, pid)
		}
	}
}

// boolValue is 1 for true.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
