package fit

// Budget is the memory a model is graded against, per GPU.
type Budget struct {
	FreeBytes   uint64 // free now
	UsableBytes uint64 // what a process could have on the empty card (total less the driver's reserve)
	TotalBytes  uint64
	// BandwidthBytesPerS is the card's memory bandwidth; 0 when unknown.
	BandwidthBytesPerS uint64
	GPUs               int
	// Compute is the card's compute capability: a precision its runtime
	// cannot run there is not graded; 0 when unknown.
	Compute Capability
	// HBM is high-bandwidth memory, for the decode estimate.
	HBM bool
}

// usable is UsableBytes, or TotalBytes where the reserve is unknown.
func (b Budget) usable() uint64 {
	if b.UsableBytes > 0 {
		return b.UsableBytes
	}
	return b.TotalBytes
}

// Status is a model's grade.
type Status int

// The grades, best first.
const (
	Fits         Status = iota // fits in free memory at the requested context
	FitsShorter                // fits now only at a shorter context
	NeedsFreeing               // fits the empty card, not the memory free now
	TooBig                     // does not fit this card even when empty
)

var statusNames = [...]string{"fits", "fits-shorter", "needs-freeing", "too-big"}

// String is the grade as the JSON output and the UI name it.
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "unknown"
	}
	return statusNames[s]
}

// MarshalText writes the grade's name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MinContext is the shortest context "fits-shorter" offers: 4K tokens,
// or the model's whole context when that is shorter. Below it a chat
// model is of little use, so the grade is "needs-freeing" instead.
const MinContext = 4096

// minContext is MinContext capped at the model's own limit (0: unknown).
func minContext(limit int) int {
	if limit > 0 && limit < MinContext {
		return limit
	}
	return MinContext
}

// Verdict is the grade of one model under one request and budget.
type Verdict struct {
	Status        Status
	RequiredBytes uint64 // per GPU, at the requested context
	RoomBytes     uint64 // fits: what is left over
	// MaxContext is the largest context that fits now; 0 when none from
	// MinContext up does.
	MaxContext  int
	ToFreeBytes uint64 // needs-freeing: what other processes must give up
	// SmallestFittingPrecision is, for a model too big at the requested
	// precision, the first of Precisions (most bits first) that fits the
	// empty card; "" when none does.
	SmallestFittingPrecision Precision
	// CardsNeeded is, for too-big, how many such cards tensor parallelism
	// needs at the requested precision (2, 4 or 8); 0 when 8 are not
	// enough.
	CardsNeeded int
	// GPUMemoryUtilization is, under vLLM, the largest
	// --gpu-memory-utilization the free memory allows (rounded down to
	// two decimals); 0 for the other runtimes.
	GPUMemoryUtilization float64
	// Reason explains a request that could not be graded (a precision the
	// runtime cannot load, heads that do not split); Status is then TooBig.
	Reason string
	// AtModelLimit says the request asked for more context than the
	// model's config allows (max_position_embeddings): it was graded at
	// that maximum instead, which no runtime lets a request pass. Fits then
	// means the model fits at its own whole context, limited by the model,
	// not by memory.
	AtModelLimit bool
	// ContextLimitUnknown says the config states no longest context: the
	// model is graded up to UnknownContextLimit only.
	ContextLimitUnknown bool
}

// room is the memory free bytes give a model under runtime rt: under
// vLLM, the budget util × total at the largest utilisation its start check
// (free ≥ util × total, vllm/v1/worker/gpu_worker.py) allows once the
// outside memory is set aside, util in hundredths as the flag is written.
// The percentages are worked over 128 bits, so any uint64 is safe.
func room(rt Runtime, free, usable, outside uint64) (utilPct, in uint64) {
	if rt != VLLM {
		return 0, free
	}
	if free <= outside || usable == 0 {
		return 0, 0
	}
	utilPct = min(mulDiv(free-outside, 100, usable, false), 100)
	return utilPct, mulDiv(utilPct, usable, 100, false)
}

// fitsIn reports whether need n fits free bytes.
func fitsIn(rt Runtime, n *needs, free, usable uint64) bool {
	if rt != VLLM {
		return n.total() <= free
	}
	_, in := room(rt, free, usable, n.outside)
	return n.inside <= in
}

// vllmUtilPct is the --gpu-memory-utilization, in hundredths, whose
// budget holds inside bytes of a card with usable bytes (rounded up).
func vllmUtilPct(inside, usable uint64) uint64 {
	return mulDiv(inside, 100, usable, true)
}

// toFree is what must be freed, from free, for n to fit.
func toFree(rt Runtime, n *needs, free, usable uint64) uint64 {
	want := n.total()
	if rt == VLLM && usable > 0 {
		in := mulDiv(vllmUtilPct(n.inside, usable), usable, 100, true)
		want = in + min(n.outside, 1<<64-1-in) // saturates rather than wraps
	}
	if want <= free {
		return 0
	}
	return want - free
}
