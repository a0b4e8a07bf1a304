package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/local"
	"github.com/headroom-dev/headroom/report"
)

// fitCmd is `headroom fit`. The tensor-parallel count is --tp, since the
// global --gpus names the card catalogue file.
type fitCmd struct {
	Model     string `arg:"" optional:"" help:"A catalogue id or name, or a unique part of one."`
	Config    string `name:"config" placeholder:"PATH" type:"path" help:"Grade a Hugging Face config.json, or a checkpoint folder holding one, instead of a catalogue model."`
	Precision string `name:"precision" default:"native" placeholder:"P" help:"native, bf16, fp8, int8, gptq8, nvfp4, mxfp4, awq4, gptq4, nf4, or a GGUF type: q8_0, q6_k, q5_k_m, q4_k_m, iq4_xs, q3_k_m, iq3_xxs, q2_k."`
	Runtime   string `name:"runtime" placeholder:"R" help:"vllm, llama.cpp or transformers (default: llama.cpp for the GGUF types, else vllm)."`
	KVDType   string `name:"kv-dtype" default:"auto" placeholder:"D" help:"KV cache type: auto (the model's 16 bits), fp8 (vLLM; q8_0 under llama.cpp), or llama.cpp's q8_0 or q4_0."`
	TP        int    `name:"tp" aliases:"tensor-parallel-size" default:"1" placeholder:"N" help:"Tensor-parallel GPUs to split the model over (memory is per GPU)."`
	Free      string `name:"free" placeholder:"SIZE" help:"Grade against SIZE free (e.g. 80GiB) instead of reading the GPU."`
	JSON      bool   `name:"json" help:"Print one JSON object instead of text."`
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
	r, err := c.request(a.cli.Context.Last())
	if err != nil {
		return err
	}
	m, err := c.model(a)
	if err != nil {
		return err
	}
	if m.File() != nil && c.Runtime == "" {
		r.Runtime = fit.LlamaCpp // a GGUF file runs under llama.cpp
	}
	e, err := m.Estimate(r)
	if err != nil {
		if errors.Is(err, fit.ErrUnsupported) || errors.Is(err, fit.ErrBadRequest) || errors.Is(err, fit.ErrOutOfRange) {
			return usageError{fmt.Errorf("%s: %w", m.ID, err)}
		}
		return fmt.Errorf("estimating %s: %w", m.ID, err)
	}
	rep := report.NewFit(m, r, e)
	if c.Config != "" && m.WeightsBytes == 0 {
		rep.Note("weights counted from the config: no " + fit.IndexFile + " or *.safetensors file beside it gives the checkpoint's size")
	}
	b, desc, note, err := c.budget(a)
	if err != nil {
		return err
	}
	rep.Note(note)
	if desc != nil {
		rep.Grade(m, r, b, *desc)
	}
	if c.JSON {
		return report.WriteJSON(a.stdout, rep)
	}
	rep.SetWidth(a.textWidth())
	return report.WriteFitText(a.stdout, rep)
}

// model is the catalogue model named, or the one --config describes.
func (c *fitCmd) model(a *app) (fit.Model, error) {
	switch {
	case c.Config != "" && c.Model != "":
		return fit.Model{}, usageError{fmt.Errorf("give a model name or --config PATH, not both")}
	case c.Config != "":
		return loadConfigPath(c.Config)
	}
	if st, err := os.Stat(c.Model); err == nil {
		switch {
		case st.IsDir():
			return loadConfigPath(c.Model)
		case strings.HasSuffix(strings.ToLower(c.Model), ".gguf"):
			m, err := local.LoadGGUF(c.Model)
			if err != nil {
				return fit.Model{}, usageError{err}
			}
			return m, nil
		}
	}
	if local.OllamaName.MatchString(c.Model) {
		// Every Ollama folder headroom knows, even with --no-scan.
		home, _ := os.UserHomeDir()
		m, ok, err := local.Ollama(local.DefaultRoots(os.Getenv, home, nil), c.Model)
		if err != nil {
			return fit.Model{}, usageError{err}
		}
		if ok {
			return m, nil
		}
	}
	ls, err := a.listed()
	if err != nil {
		return fit.Model{}, err
	}
	m, err := catalog.FindModel(local.Models(ls), c.Model)
	if err != nil {
		return fit.Model{}, usageError{err}
	}
	return m, nil
}

// loadConfigPath reads --config: a checkpoint folder, or a config file
// in one.
func loadConfigPath(p string) (fit.Model, error) {
	m, err := local.LoadConfigPath(p)
	if err != nil {
		return fit.Model{}, usageError{fmt.Errorf("--config: %w", err)}
	}
	return m, nil
}

// budget decides what to grade against: --free, a planned card (--gpu,
// --demo) or the live GPU. Without any it returns no budget and a note.
func (c *fitCmd) budget(a *app) (fit.Budget, *report.FitBudget, string, error) {
	if c.Free != "" {
		return c.freeBudget(a)
	}
	src, err := a.source()
	var nf *noGPUError
	if errors.As(err, &nf) {
		return fit.Budget{}, nil, "not graded: " + oneLine(err.Error()) + " (use --gpu NAME or --free SIZE)", nil
	}
	if err != nil {
		return fit.Budget{}, nil, "", err
	}
	defer src.Close()
	snap, err := gpu.SampleOnce(src)
	if err != nil {
		return fit.Budget{}, nil, "", fmt.Errorf("sampling the GPU: %w", err)
	}
	if len(snap.Devices) == 0 {
		return fit.Budget{}, nil, "", statusError{3, fmt.Errorf("the driver reports no GPU (use --gpu NAME or --free SIZE)")}
	}
	cards, err := a.cards()
	if err != nil {
		return fit.Budget{}, nil, "", err
	}
	b, note, err := catalog.SampleBudget(cards, snap, c.TP)
	if err != nil {
		return fit.Budget{}, nil, "not graded: " + err.Error() + " (use --gpu NAME or --free SIZE)", nil
	}
	return b, &report.FitBudget{Device: snap.Devices[0].Name, Source: string(snap.Source)}, note, nil
}

// freeBudget is the budget --free gives: that much free, on the --gpu
// card when one is named, else on a card of exactly that size.
func (c *fitCmd) freeBudget(a *app) (fit.Budget, *report.FitBudget, string, error) {
	free, err := fit.ParseSize(c.Free)
	if err != nil {
		return fit.Budget{}, nil, "", usageError{fmt.Errorf("--free: %w", err)}
	}
	if free > gpu.MaxMemoryBytes {
		return fit.Budget{}, nil, "", usageError{fmt.Errorf("--free: %s is beyond any GPU's memory (at most %s)", c.Free, fit.FormatGiB(gpu.MaxMemoryBytes))}
	}
	b := fit.Budget{FreeBytes: free, UsableBytes: free, TotalBytes: free, GPUs: c.TP}
	desc := &report.FitBudget{Source: "--free"}
	if a.cli.GPU == "" {
		return b, desc, "--free without --gpu: the empty card is taken to be the free memory", nil
	}
	card, err := a.card(a.cli.GPU)
	if err != nil {
		return fit.Budget{}, nil, "", err
	}
	if free > card.MemoryBytes {
		return fit.Budget{}, nil, "", usageError{fmt.Errorf("--free: %s is more than the %s a process can use on the %s (--gpu)",
			fit.FormatGiB(free), fit.FormatGiB(card.MemoryBytes), card.Name)}
	}
	b.UsableBytes, b.TotalBytes, desc.Device = card.MemoryBytes, card.MemoryBytes, card.Name
	spec := catalog.Spec(card)
	b.BandwidthBytesPerS, b.Compute, b.HBM = spec.BandwidthBytesPerS, spec.Compute, spec.HBM
	return b, desc, "", nil
}
