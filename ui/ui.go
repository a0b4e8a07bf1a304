package ui

import (
	"io"
	"log"
	"os"
	"runtime"
	"slices"
	"strconv"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
)

// Config is what the UI needs from the command line.
type Config struct {
	Source gpu.Source
	Models []fit.Model
	Cards  []catalog.Card
	// Scan looks for the models on this machine; it runs off the event
	// loop at start and on M. nil scans nothing (--no-scan).
	Scan     func() local.Result
	Interval time.Duration
	Context  int  // starting context in tokens; 0 is 8K
	NoColor  bool // no colour: --no-color or NO_COLOR
	NoBell   bool // no terminal bell when a watched model changes
	// Fleet reads the fleet from Prometheus for the F view; nil when no
	// --prometheus was given. FleetAddress names it, credentials out.
	Fleet        FleetReader
	FleetAddress string
	// Tmux is the tmux program to copy through when headroom runs inside
	// tmux ($TMUX set); "" copies by OSC 52 alone.
	Tmux string
	// Log receives a line for each failed sample, watch alert and copy;
	// nil logs nothing. Nothing is ever written to the terminal.
	Log *log.Logger
}

// FPS is the renderer frame rate the program runs at. bubbletea paints
// only on its frame tick, so a key shows up to one frame later. From
// BENCHMARKS.md's curve, measured in tmux beside an empty bubbletea
// program: at 30 FPS a key shows within 39 ms (95th percentile) and the
// first frame at 73 ms, for 7 ms of CPU a second idle, 1.03× the empty
// program's; at 20 FPS the key took 58 ms and the first frame 101 ms, at
// 4 FPS 258 and 292 ms.
const FPS = 30

// FrameRate is FPS, or HEADROOM_FPS (1 to 120) where it is set: the knob
// the latency measurements turn, shared with the floor program.
func FrameRate() int {
	if n, err := strconv.Atoi(os.Getenv("HEADROOM_FPS")); err == nil && n >= 1 && n <= 120 {
		return n
	}
	return FPS
}

// Model is the root model of the terminal UI. It owns the window size,
// the latest snapshot and the user's choices, handles quit and resize,
// and composes the child models into one screen.
type Model struct {
	cfg    Config
	com    common
	header header
	matrix matrix
	detail detail
	procs  processes
	cards  cardsView
	fleet  fleetView
	help   help.Model

	snap      gpu.Snapshot
	sampled   bool  // a snapshot has arrived
	sampleErr error // the last sample failed; snap is the one before

	sel       selection // the user's choices that the fit depends on
	filtering bool      // typing a filter
	showProcs bool
	showCards bool
	showFleet bool
	showHelp  bool
	watch     *watch
	alert     string // a watched model's change, until the next key
	flash     string // a one-off message, such as a copy, until the next key

	lastStats time.Time // when the log last had the program's own figures

	catalogue []fit.Model    // the catalogue's models, before any scan
	listed    []local.Listed // the models the matrix lists, with where each was found
	scan      *local.Result  // the last scan's; nil before one ends
	scanning  bool           // a scan is running

	narrowTop int   // the first model the narrow layout's list shows
	peaks     peaks // the highs and lows since start, or the last R

	screen string // the last composed screen; View returns it unchanged
}

// New builds the root model.
func New(cfg Config) Model {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	com := common{styles: NewStyles(!cfg.NoColor), keys: NewKeyMap()}
	h := help.New()
	h.Styles = com.styles.Help
	sel := newSelection(cfg.Context)
	m := Model{
		cfg:    cfg,
		com:    com,
		header: newHeader(com),
		matrix: newMatrix(com, cfg.Models, sel.contexts),
		detail: detail{common: com},
		procs:  processes{common: com},
		cards:  cardsView{common: com, models: cfg.Models, specs: catalog.Specs(cfg.Cards)},
		fleet:  fleetView{common: com, address: cfg.FleetAddress},
		help:   h,
		sel:    sel,
	}
	m.catalogue = cfg.Models
	m.listed = local.Merge(cfg.Models, nil)
	m.matrix.local = make([]bool, len(cfg.Models))
	m.scanning = cfg.Scan != nil
	m.regrade()
	return m
}

// Init takes the first sample at once, and starts the scan of this
// machine's models beside it.
func (m Model) Init() tea.Cmd {
	if m.cfg.Scan == nil {
		return sample(m.cfg.Source, m.sampleTimeout())
	}
	return tea.Batch(sample(m.cfg.Source, m.sampleTimeout()), scanLocal(m.cfg.Scan))
}

// sampleTimeout is how long one sample may take before it is given up.
func (m Model) sampleTimeout() time.Duration {
	return max(2*m.cfg.Interval, 2*time.Second)
}

// Update handles keys, resizes and samples. The screen is composed again
// only when one of them changed something. Each sample schedules the next,
// so there is only ever one sample in flight.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	changed := true
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.com.SetSize(msg.Width, msg.Height)
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	case sampleMsg:
		changed, cmd = m.takeSample(msg)
	case scanMsg:
		m.takeScan(msg)
	case copiedMsg:
		m.takeCopied(msg)
	case fleetMsg:
		cmd = m.takeFleet(msg)
		changed = m.showFleet
	case fleetTickMsg:
		cmd, changed = m.fleetTick(), false
	default:
		changed = false
	}
	if changed {
		m.screen = m.compose()
	}
	return m, cmd
}

// takeSample stores a sample, grades the matrix against it and schedules
// the next one. It reports whether the screen changes.
func (m *Model) takeSample(msg sampleMsg) (bool, tea.Cmd) {
	next := sampleAfter(m.cfg.Source, tickDelay(m.cfg.Interval, msg.took), m.sampleTimeout())
	m.logStats()
	if msg.err != nil {
		changed := m.sampleErr == nil || m.sampleErr.Error() != msg.err.Error()
		if changed {
			m.cfg.Log.Printf("sample failed: %v", msg.err)
		}
		m.sampleErr = msg.err
		return changed, next
	}
	recovered := m.sampleErr != nil
	m.sampleErr = nil
	changed := recovered || !m.sampled || m.header.growing() ||
		!sameDevices(m.snap.Devices, msg.snap.Devices) || !slices.Equal(m.snap.Notes, msg.snap.Notes)
	m.snap, m.sampled = msg.snap, true
	m.header.record(msg.snap.Devices)
	m.peaks.record(sampleTime(msg.snap), msg.snap.Devices)
	m.header.peaks, m.procs.peaks = m.peaks, m.peaks
	if !changed {
		return false, next
	}
	m.predictServers()
	m.sel.gpu = min(m.sel.gpu, max(len(m.snap.Devices)-1, 0))
	before, wasGraded := m.watchFits()
	m.regrade()
	return true, tea.Batch(next, m.watchChanged(before, wasGraded))
}

// View returns the screen composed by the last Update that changed it, so
// an idle program hands the renderer the same string every frame.
func (m Model) View() tea.View {
	v := tea.NewView(m.screen)
	v.AltScreen = true
	v.WindowTitle = "headroom"
	return v
}

// statsEvery is how often the log records the program's goroutines and
// heap, so a long run can show they stay flat.
const statsEvery = time.Minute

// logStats writes the goroutine count and heap size to the log, at most
// once every statsEvery, and only when there is a log.
func (m *Model) logStats() {
	if m.cfg.Log.Writer() == io.Discard || time.Since(m.lastStats) < statsEvery {
		return
	}
	m.lastStats = time.Now()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.cfg.Log.Printf("stats: goroutines %d, heap in use %d KiB, total allocated %d KiB",
		runtime.NumGoroutine(), ms.HeapInuse>>10, ms.TotalAlloc>>10)
}
