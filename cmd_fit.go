package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/inputfile"
)

// fitCmd is `headroom fit`. The tensor-parallel count is --tp, since the
// global --gpus names the card catalogue file.
type fitCmd struct {
	Model     string `arg:"" optional:"" help:"A catalogue id or name, or a unique part of one."`
	Config    string `name:"config" placeholder:"PATH" type:"path" help:"Grade a Hugging Face config.json, or a checkpoint folder holding one, instead of a catalogue model."`
	Precision string `name:"precision" default:"native" placeholder:"P" help:"native, bf16, fp8, int8, awq4, q8_0, q6_k, q5_k_m or q4_k_m."`
	Runtime   string `name:"runtime" placeholder:"R" help:"vllm, llama.cpp or transformers (default: llama.cpp for the GGUF types q8_0…q4_k_m, else vllm)."`
	KVDType   string `name:"kv-dtype" default:"auto" placeholder:"D" help:"KV cache type: auto (the model's 16 bits) or fp8 (q8_0 under llama.cpp)."`
	TP        int    `name:"tp" aliases:"tensor-parallel-size" default:"1" placeholder:"N" help:"Tensor-parallel GPUs to split the model over (memory is per GPU)."`
	Free      string `name:"free" placeholder:"SIZE" help:"Grade against SIZE free (e.g. 80GiB) instead of reading the GPU."`
	JSON      bool   `name:"json" help:"Print one JSON object instead of text."`
}

// fitReport is what `headroom fit --json` prints: the flat fields scripts
// read (id … launch), then the detail behind them.
type fitReport struct {
	ID            string        `json:"id"`
	Params        int64         `json:"params"`
	ActiveParams  int64         `json:"active_params"`
	Precision     fit.Precision `json:"precision"`
	Runtime       fit.Runtime   `json:"runtime"`
	KVDType       fit.KVDType   `json:"kv_dtype"`
	Context       int           `json:"context"`
	TP            int           `json:"tp"`
	WeightsBytes  uint64        `json:"weights_bytes"`
	KVBytes       uint64        `json:"kv_bytes"`
	OverheadBytes uint64        `json:"overhead_bytes"`
	TotalBytes    uint64        `json:"total_bytes"`
	// Status and MaxContext are present only when there is a budget.
	Status     *string     `json:"status,omitempty"`
	MaxContext *int        `json:"max_context,omitempty"`
	FreeBytes  *uint64     `json:"free_bytes"`
	DecodeTPS  *float64    `json:"decode_tokens_per_s"`
	Launch     *launchJSON `json:"launch"`
	// The detail: every overhead with its source, the part vLLM takes
	// outside its utilisation budget, the budget and the full verdict.
	CacheTokens  int          `json:"cache_tokens"`
	OutsideBytes uint64       `json:"outside_budget_bytes"`
	Overheads    []fit.Term   `json:"overheads"`
	Budget       *budgetJSON  `json:"budget"`
	Verdict      *verdictJSON `json:"verdict"`
	Notes        []string     `json:"notes"`
	est          fit.Estimate // for the text form
	verdict      fit.Verdict
	launch       fit.LaunchCommands
}

type budgetJSON struct {
	Device             string  `json:"device"`
	Source             string  `json:"source"`
	FreeBytes          uint64  `json:"free_bytes"`
	UsableBytes        uint64  `json:"usable_bytes"`
	TotalBytes         uint64  `json:"total_bytes"`
	BandwidthBytesPerS *uint64 `json:"bandwidth_bytes_per_s"`
	GPUs               int     `json:"gpus"`
}

type verdictJSON struct {
	Status                   string        `json:"status"`
	RequiredBytes            uint64        `json:"required_bytes"`
	RoomBytes                uint64        `json:"room_bytes"`
	MaxContext               int           `json:"max_context"`
	ToFreeBytes              uint64        `json:"to_free_bytes"`
	SmallestFittingPrecision fit.Precision `json:"smallest_fitting_precision,omitempty"`
	CardsNeeded              int           `json:"cards_needed"`
	GPUMemoryUtilization     float64       `json:"gpu_memory_utilization"`
	Reason                   string        `json:"reason,omitempty"`
}

// launchJSON holds each runtime's command line, null where that runtime
// has none (the notes say why).
type launchJSON struct {
	VLLM     *string `json:"vllm"`
	LlamaCpp *string `json:"llama.cpp"`
}

// launchNotes are the notes a launch adds to the report: why a runtime
// has no line, then what the lines given need.
func launchNotes(lc fit.LaunchCommands) []string {
	var notes []string
	for _, l := range []struct {
		name string
		line fit.LaunchLine
	}{{"vLLM", lc.VLLM}, {"llama.cpp", lc.LlamaCpp}} {
		switch {
		case l.line.Command == "":
			notes = append(notes, "no "+l.name+" command line: "+l.line.Why)
		case l.line.Status == fit.NeedsFreeing:
			notes = append(notes, "the "+l.name+" command line holds once memory is freed")
		}
	}
	return append(notes, lc.Notes...)
}

// orNull is s, or nil when s is empty.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// request reads the flags into a fit.Request; a bad value is a usage error
// naming its flag.
func (c *fitCmd) request(ctx int) (fit.Request, error) {
	p, rt, err := precisionAndRuntime(c.Precision, c.Runtime)
	if err != nil {
		return fit.Request{}, err
	}
	kv, err := fit.ParseKVDType(c.KVDType)
	if err != nil {
		return fit.Request{}, usageError{fmt.Errorf("--kv-dtype: %w", err)}
	}
	if c.TP < 1 || c.TP > 64 {
		return fit.Request{}, usageError{fmt.Errorf("--tp: %d GPUs is out of range (1 to 64)", c.TP)}
	}
	return fit.Request{Precision: p, Runtime: rt, KVDType: kv, Context: ctx, TP: c.TP}, nil
}

// Run prints one model's breakdown, and its grade when there is a budget.
func (c *fitCmd) Run(a *app) error {
	r, err := c.request(int(a.cli.Context))
	if err != nil {
		return err
	}
	m, err := c.model(a)
	if err != nil {
		return err
	}
	e, err := m.Estimate(r)
	if err != nil {
		if errors.Is(err, fit.ErrUnsupported) || errors.Is(err, fit.ErrBadRequest) || errors.Is(err, fit.ErrOutOfRange) {
			return usageError{fmt.Errorf("%s: %w", m.ID, err)}
		}
		return fmt.Errorf("estimating %s: %w", m.ID, err)
	}
	rep := fitReport{ID: m.ID, Params: m.Params(), ActiveParams: m.ActiveParams(),
		Precision: r.Precision, Runtime: r.Runtime, KVDType: r.KVDType, Context: r.Context, TP: r.TP,
		WeightsBytes: e.WeightsBytes, KVBytes: e.KVBytes, OverheadBytes: e.OverheadBytes, TotalBytes: e.TotalBytes,
		CacheTokens: e.Context, OutsideBytes: e.OutsideBytes, Overheads: e.Overheads, est: e, Notes: []string{}}
	if lim := m.ContextLimit(); lim > 0 && r.Context > lim {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the config allows %s of context (max_position_embeddings)", fit.FormatContext(lim)))
	}
	if c.Config != "" && m.WeightsBytes == 0 {
		rep.Notes = append(rep.Notes, "weights counted from the config: no "+indexFile+" or *.safetensors file beside it gives the checkpoint's size")
	}
	b, bj, note, err := c.budget(a)
	if err != nil {
		return err
	}
	if note != "" {
		rep.Notes = append(rep.Notes, note)
	}
	if bj != nil {
		rep.Budget = bj
		v := fit.Grade(m, r, b)
		rep.verdict = v
		rep.Verdict = &verdictJSON{v.Status.String(), v.RequiredBytes, v.RoomBytes, v.MaxContext, v.ToFreeBytes,
			v.SmallestFittingPrecision, v.CardsNeeded, v.GPUMemoryUtilization, v.Reason}
		status, maxCtx, free := v.Status.String(), v.MaxContext, b.FreeBytes
		rep.Status, rep.MaxContext, rep.FreeBytes = &status, &maxCtx, &free
		lc := fit.Launch(m, r, v, b)
		rep.launch = lc
		rep.Launch = &launchJSON{orNull(lc.VLLM.Command), orNull(lc.LlamaCpp.Command)}
		for _, n := range launchNotes(lc) {
			if !slices.Contains(rep.Notes, n) {
				rep.Notes = append(rep.Notes, n)
			}
		}
		if tps, ok := fit.DecodeTokensPerSecond(m, r, b.BandwidthBytesPerS); ok {
			rep.DecodeTPS = &tps
		}
	}
	if c.JSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printFit(a, rep)
	return nil
}

// model is the catalogue model named, or the one --config describes.
func (c *fitCmd) model(a *app) (fit.Model, error) {
	switch {
	case c.Config != "" && c.Model != "":
		return fit.Model{}, usageError{fmt.Errorf("give a model name or --config PATH, not both")}
	case c.Config != "":
		return loadConfigPath(c.Config)
	}
	ms, err := a.models()
	if err != nil {
		return fit.Model{}, err
	}
	return findModel(ms, c.Model)
}

// Input limits for --config: a config.json is a few KB (the largest real
// ones, with per-layer block_configs, are under 100 KB), and a safetensors
// index lists one line per tensor (a few MB for the largest checkpoints).
const (
	maxConfigBytes = 4 << 20
	maxIndexBytes  = 64 << 20
)

// loadConfigPath reads --config: a config.json, or a checkpoint folder
// whose weights are sized from model.safetensors.index.json's
// metadata.total_size, or else the sum of its *.safetensors files.
func loadConfigPath(path string) (fit.Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return fit.Model{}, usageError{fmt.Errorf("--config: %w", err)}
	}
	file, dir, size := path, filepath.Dir(path), int64(0)
	if st.IsDir() {
		dir, file = path, filepath.Join(path, "config.json")
		if size, err = checkpointBytes(dir); err != nil {
			return fit.Model{}, usageError{fmt.Errorf("--config: %w", err)}
		}
	}
	data, err := inputfile.Read(file, maxConfigBytes)
	if err != nil {
		return fit.Model{}, usageError{fmt.Errorf("--config: %w", err)}
	}
	m, err := fit.LoadConfig(bytes.NewReader(data), file)
	if err != nil {
		return fit.Model{}, usageError{err}
	}
	m.ID, m.Name = dir, filepath.Base(dir) // vllm serve takes the folder
	m.WeightsBytes = size
	return m, nil
}

// indexFile names the index of a sharded safetensors checkpoint.
const indexFile = "model.safetensors.index.json"

// checkpointBytes sizes a checkpoint folder's weights: the index's
// metadata.total_size, or else the sum of the folder's *.safetensors
// files; 0 when it has neither. An index that is there but cannot be
// read or parsed is an error, never a reason to guess. The folder is
// listed, not globbed, so its name may hold any character.
func checkpointBytes(dir string) (int64, error) {
	idx := filepath.Join(dir, indexFile)
	if _, err := os.Lstat(idx); err == nil {
		data, err := inputfile.Read(idx, maxIndexBytes)
		if err != nil {
			return 0, err
		}
		var v struct {
			Metadata struct {
				TotalSize int64 `json:"total_size"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return 0, fmt.Errorf("reading %s: %w", idx, err)
		}
		if v.Metadata.TotalSize < 0 {
			return 0, fmt.Errorf("%s: metadata.total_size %d is negative", idx, v.Metadata.TotalSize)
		}
		if v.Metadata.TotalSize > fit.MaxCheckpointBytes {
			return 0, fmt.Errorf("%s: metadata.total_size %d is beyond any real checkpoint (at most %d)", idx, v.Metadata.TotalSize, int64(fit.MaxCheckpointBytes))
		}
		if v.Metadata.TotalSize > 0 {
			return v.Metadata.TotalSize, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("reading %s: %w", idx, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("listing %s: %w", dir, err)
	}
	var total int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".safetensors") {
			continue
		}
		f := filepath.Join(dir, e.Name())
		st, err := os.Stat(f) // follows the symlinks a Hugging Face cache holds
		if err != nil {
			return 0, fmt.Errorf("sizing %s: %w", f, err)
		}
		if !st.Mode().IsRegular() {
			return 0, fmt.Errorf("sizing %s: not a regular file", f)
		}
		if total += st.Size(); total < 0 || total > fit.MaxCheckpointBytes {
			return 0, fmt.Errorf("sizing %s: the shards add up to more than any real checkpoint (at most %d bytes)", dir, int64(fit.MaxCheckpointBytes))
		}
	}
	return total, nil
}

// budget decides what to grade against: --free, a planned card (--gpu,
// --demo) or the live GPU. Without any it returns no budget and a note.
func (c *fitCmd) budget(a *app) (fit.Budget, *budgetJSON, string, error) {
	if c.Free != "" {
		free, err := fit.ParseSize(c.Free)
		if err != nil {
			return fit.Budget{}, nil, "", usageError{fmt.Errorf("--free: %w", err)}
		}
		if free > gpu.MaxMemoryBytes {
			return fit.Budget{}, nil, "", usageError{fmt.Errorf("--free: %s is beyond any GPU's memory (at most %s)", c.Free, fit.FormatGiB(gpu.MaxMemoryBytes))}
		}
		b := fit.Budget{FreeBytes: free, UsableBytes: free, TotalBytes: free, GPUs: c.TP}
		bj := &budgetJSON{Device: "", Source: "--free", GPUs: c.TP}
		note := "--free without --gpu: the empty card is taken to be the free memory"
		if a.cli.GPU != "" {
			card, err := a.card(a.cli.GPU)
			if err != nil {
				return fit.Budget{}, nil, "", err
			}
			if free > card.MemoryBytes {
				return fit.Budget{}, nil, "", usageError{fmt.Errorf("--free: %s is more than the %s a process can use on the %s (--gpu)",
					fit.FormatGiB(free), fit.FormatGiB(card.MemoryBytes), card.Name)}
			}
			b.UsableBytes, b.TotalBytes, bj.Device, note = card.MemoryBytes, card.MemoryBytes, card.Name, ""
			if card.BandwidthBytesPerS != nil {
				b.BandwidthBytesPerS = *card.BandwidthBytesPerS
			}
		}
		bj.FreeBytes, bj.UsableBytes, bj.TotalBytes = b.FreeBytes, b.UsableBytes, b.TotalBytes
		bj.BandwidthBytesPerS = orNil(b.BandwidthBytesPerS)
		return b, bj, note, nil
	}
	src, err := a.source()
	var nf errNoGPU
	if errors.As(err, &nf) {
		return fit.Budget{}, nil, "not graded: " + oneLine(err.Error()) + " (use --gpu NAME or --free SIZE)", nil
	}
	if err != nil {
		return fit.Budget{}, nil, "", err
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := src.Sample(ctx)
	if err != nil {
		return fit.Budget{}, nil, "", fmt.Errorf("sampling the GPU: %w", err)
	}
	if len(snap.Devices) == 0 {
		return fit.Budget{}, nil, "", statusError{3, fmt.Errorf("the driver reports no GPU (use --gpu NAME or --free SIZE)")}
	}
	var b fit.Budget
	if snap.Source == gpu.KindPlanning {
		// Planned cards are identical: --tp N plans for N of them.
		b, err = catalog.Budget(snap.Devices[0])
		b.GPUs = c.TP
	} else {
		b, err = catalog.GroupBudget(snap.Devices, c.TP)
	}
	if err != nil {
		return fit.Budget{}, nil, "not graded: " + err.Error() + " (use --gpu NAME or --free SIZE)", nil
	}
	d := snap.Devices[0]
	if cards, err := a.cards(); err == nil {
		if card, err := gpu.FindCard(cards, d.Name); err == nil && card.BandwidthBytesPerS != nil {
			b.BandwidthBytesPerS = *card.BandwidthBytesPerS
		}
	}
	bj := &budgetJSON{Device: d.Name, Source: string(snap.Source), FreeBytes: b.FreeBytes, UsableBytes: b.UsableBytes,
		TotalBytes: b.TotalBytes, BandwidthBytesPerS: orNil(b.BandwidthBytesPerS), GPUs: b.GPUs}
	note := ""
	if c.TP > 1 && snap.Source != gpu.KindPlanning {
		note = fmt.Sprintf("graded against the least free memory of %d of the %d GPUs, each holding its share", c.TP, len(snap.Devices))
	} else if len(snap.Devices) > 1 {
		note = fmt.Sprintf("graded against GPU 0 of %d", len(snap.Devices))
	}
	return b, bj, note, nil
}

// card finds a card of the catalogue by name for --gpu.
func (a *app) card(name string) (gpu.Card, error) {
	cards, err := a.cards()
	if err != nil {
		return gpu.Card{}, err
	}
	c, err := gpu.FindCard(cards, name)
	if err != nil {
		return gpu.Card{}, usageError{fmt.Errorf("--gpu: %w", err)}
	}
	return c, nil
}

func orNil(v uint64) *uint64 {
	if v == 0 {
		return nil
	}
	return &v
}

// printFit writes the report as text: the breakdown, then the grade.
func printFit(a *app, rep fitReport) {
	w := a.stdout
	e := rep.est
	tp := ""
	if rep.TP > 1 {
		tp = fmt.Sprintf(" · TP %d (per GPU)", rep.TP)
	}
	fmt.Fprintf(w, "%s  %s · %s · KV %s · %s context%s\n", gpu.Clean(rep.ID), rep.Precision, rep.Runtime,
		rep.KVDType, fit.FormatContext(rep.Context), tp)
	line := func(name string, b uint64, src string) {
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %-28s %10s  %s", name, fit.FormatGiB(b), src), " "))
	}
	line("weights", e.WeightsBytes, "")
	line(fmt.Sprintf("KV cache (%d tokens)", e.Context), e.KVBytes, "")
	for _, t := range e.Overheads {
		line(t.Name, t.Bytes, t.Source)
	}
	line("total", e.TotalBytes, "")
	for _, n := range rep.Notes {
		fmt.Fprintln(w, gpu.Clean(n))
	}
	if rep.Budget == nil {
		return
	}
	bj, v := rep.Budget, rep.verdict
	dev := bj.Device
	if dev == "" {
		dev = bj.Source
	}
	fmt.Fprintf(w, "%s: %s free of %s\n", gpu.Clean(dev), fit.FormatGiB(bj.FreeBytes), fit.FormatGiB(bj.UsableBytes))
	switch v.Status {
	case fit.Fits:
		fmt.Fprintf(w, "fits: %s to spare; up to %s of context fits now\n", fit.FormatGiB(v.RoomBytes), fit.FormatContext(v.MaxContext))
	case fit.FitsShorter:
		fmt.Fprintf(w, "fits-shorter: up to %s of context fits now\n", fit.FormatContext(v.MaxContext))
	case fit.NeedsFreeing:
		fmt.Fprintf(w, "needs-freeing: free %s more to run it\n", fit.FormatGiB(v.ToFreeBytes))
	case fit.TooBig:
		switch {
		case v.Reason != "":
			fmt.Fprintf(w, "too-big: %s\n", v.Reason)
		default:
			fmt.Fprintf(w, "too-big: never fits this card at %s", rep.Precision)
			if v.SmallestFittingPrecision != "" {
				fmt.Fprintf(w, "; %s fits", v.SmallestFittingPrecision)
			}
			if v.CardsNeeded > 0 {
				fmt.Fprintf(w, "; %d such cards with --tp %d", v.CardsNeeded, v.CardsNeeded)
			}
			fmt.Fprintln(w)
		}
	}
	for _, l := range []string{rep.launch.VLLM.Command, rep.launch.LlamaCpp.Command} {
		if l != "" {
			fmt.Fprintln(w, "  "+gpu.Clean(l))
		}
	}
	if rep.DecodeTPS != nil {
		fmt.Fprintf(w, "decode ≈ %.0f tokens/s (%.0f%% of %.0f GB/s, one stream)\n", *rep.DecodeTPS,
			fit.DecodeEfficiency*100, float64(*bj.BandwidthBytesPerS)/1e9)
	}
}
