package fit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Request is what to grade a model for.
type Request struct {
	Precision Precision
	Runtime   Runtime // "" is vLLM
	KVDType   KVDType // "" is auto: the model's 16-bit dtype
	Context   int     // tokens of context for one sequence
	TP        int     // tensor-parallel GPUs; 0 is 1
	// Compute is the compute capability of the GPU the request is graded
	// on, when the budget does not say (the precomputed matrix has no
	// budget); 0 when unknown.
	Compute Capability
}

// normal fills in the defaults.
func (r Request) normal() Request {
	if r.Precision == "" {
		r.Precision = Native
	}
	if r.Runtime == "" {
		r.Runtime = VLLM
	}
	if r.KVDType == "" || r.KVDType == KV16 {
		r.KVDType = KVAuto
	}
	r.TP = max(r.TP, 1)
	return r
}

// Term is one named part of an estimate, with where its size comes from.
type Term struct {
	Name   string `json:"name"`
	Bytes  uint64 `json:"bytes"`
	Source string `json:"source"`
}

// Estimate is what a model needs on each GPU.
type Estimate struct {
	Context       int    // tokens the cache holds after the runtime's rounding
	WeightsBytes  uint64 // weights on each GPU
	KVBytes       uint64 // KV cache and recurrent state on each GPU
	OverheadBytes uint64 // everything else, itemised in Overheads
	TotalBytes    uint64 // the sum: what must be free on each GPU
	// OutsideBytes is the part of OverheadBytes vLLM takes beyond its
	// --gpu-memory-utilization budget (CUDA context, CUDA graphs); 0 for
	// the other runtimes.
	OutsideBytes uint64
	Overheads    []Term
}

// ErrBadRequest marks a request that cannot be graded, such as a context
// of 0 tokens or heads that do not split over the GPUs.
var ErrBadRequest = errors.New("the request cannot be graded")

// requestError is a request that cannot be graded, said in words of its
// own; errors.Is finds ErrBadRequest in it.
type requestError struct{ msg string }

// Error is the reason alone.
func (e *requestError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrBadRequest) hold.
func (e *requestError) Is(target error) bool { return target == ErrBadRequest }

// Estimate works out what m needs under r.
func (m Model) Estimate(r Request) (Estimate, error) {
	s, err := m.shape()
	if err != nil {
		return Estimate{}, err
	}
	r = r.normal()
	w, err := s.weightBytes(r.Precision, r.Runtime, m.QuantizationConfig, m.WeightsBytes)
	if err != nil {
		return Estimate{}, err
	}
	n, err := s.need(r, w, r.Context)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Context: n.tokens, WeightsBytes: n.weights, KVBytes: n.kv, OutsideBytes: n.outside,
		Overheads: append([]Term(nil), n.terms[:n.nTerms]...)}
	for _, t := range e.Overheads {
		e.OverheadBytes += t.Bytes
	}
	e.TotalBytes = e.WeightsBytes + e.KVBytes + e.OverheadBytes
	return e, nil
}

// needs is one evaluation, kept on the stack: the matrix makes millions.
type needs struct {
	tokens               int
	weights, kv, outside uint64
	inside               uint64 // what vLLM's budget must hold; the whole need elsewhere
	terms                [maxTerms]Term
	nTerms               int
	// sumsOnly skips itemising the terms: the matrix needs the sums only,
	// for millions of cells.
	sumsOnly bool
}

const maxTerms = 6

func (n *needs) term(name string, b uint64, src string, outside bool) {
	if !n.sumsOnly {
		n.terms[n.nTerms] = Term{Name: name, Bytes: b, Source: src}
		n.nTerms++
	}
	if outside {
		n.outside += b
	} else {
		n.inside += b
	}
}

// total is everything the GPU must have free.
func (n *needs) total() uint64 { return n.inside + n.outside }

// need computes one request at ctx tokens, given whole-model weights w.
func (s *shape) need(r Request, w int64, ctx int) (needs, error) {
	var n needs
	err := s.needInto(&n, r, w, ctx)
	return n, err
}

// needInto is need writing into n, which must be zero.
func (s *shape) needInto(n *needs, r Request, w int64, ctx int) error {
	if ctx < 1 {
		return fmt.Errorf("context of %d tokens: %w", ctx, ErrBadRequest)
	}
	if r.TP > 1 && (s.heads%r.TP != 0) {
		return &requestError{fmt.Sprintf("%d attention heads do not split over %d GPUs: tensor parallelism needs a count that divides them (%s)", s.heads, r.TP, divisors(s.heads))}
	}
	tp := int64(r.TP)
	rep := s.replicatedElems() * 2
	n.weights = uint64((w-rep+tp-1)/tp + rep)
	if rep > w {
		n.weights = uint64(w)
	}
	tokens, kv, err := s.cache(r, ctx)
	if err != nil {
		return err
	}
	n.tokens, n.kv = tokens, uint64(kv)
	n.inside = n.weights + n.kv
	s.overheads(n, r, ctx)
	return nil
}

// divisors lists the GPU counts tensor parallelism can split n heads over,
// up to 8: "1, 2, 4 or 8".
func divisors(n int) string {
	var ds []string
	for d := 1; d <= 8 && d <= n; d++ {
		if n%d == 0 {
			ds = append(ds, strconv.Itoa(d))
		}
	}
	if len(ds) < 2 {
		return "1"
	}
	return strings.Join(ds[:len(ds)-1], ", ") + " or " + ds[len(ds)-1]
}
