package fit

import (
	"encoding/json"
	"fmt"
	"strings"
)

// GGUF is what a GGUF file's header and tensor table say of the model it
// holds: the llama.cpp metadata keys (general.architecture,
// ARCH.block_count, ARCH.attention.head_count_kv, …) and the exact bytes of
// its tensors. It is read without the tensor data (the local package
// reads it with gguf-parser-go).
type GGUF struct {
	Architecture string // general.architecture: "llama", "qwen2", "gemma3", …
	FileType     string // the file's type as llama.cpp names it: "Q4_K_M", "Q8_0", "BF16"
	TensorBytes  int64  // every tensor, exactly as stored
	Params       int64  // elements of every tensor
	Vocab        int    // rows of token_embd.weight (or the tokenizer's list)

	ContextLength     int // ARCH.context_length
	Embedding         int // ARCH.embedding_length
	Blocks            int // ARCH.block_count
	FeedForward       int // ARCH.feed_forward_length (the first, where it is per layer)
	Heads             int // ARCH.attention.head_count
	HeadsKV           int // ARCH.attention.head_count_kv
	KeyLength         int // ARCH.attention.key_length; 0 is Embedding/Heads
	Experts           int // ARCH.expert_count
	ExpertsUsed       int // ARCH.expert_used_count
	ExpertFeedForward int // ARCH.expert_feed_forward_length
	SlidingWindow     int // ARCH.attention.sliding_window
	// SlidingWindowPattern is how many layers in each group are local,
	// the group's last one global (Gemma 3 writes 6); 0 when unknown.
	SlidingWindowPattern int
	ChunkSize            int // ARCH.attention.chunk_size (Llama 4)
}

// ggufTypes maps llama.cpp's architecture names to the Hugging Face
// model_type whose layout the fit engine models: the names are those of
// llama.cpp's convert_hf_to_gguf.py (LLM_ARCH_* in src/llama-arch.cpp).
// Mistral and Mixtral convert to "llama".
var ggufTypes = map[string]string{
	"llama": "llama", "qwen2": "qwen2", "qwen2moe": "qwen2_moe", "qwen3": "qwen3", "qwen3moe": "qwen3_moe",
	"gemma2": "gemma2", "gemma3": "gemma3", "phi3": "phi3", "command-r": "cohere", "olmo2": "olmo2",
	"gpt-oss": "gpt_oss", "llama4": "llama4", "falcon": "falcon", "internlm2": "internlm2", "mistral3": "mistral",
}

// GGUFPrecision is the fit precision a GGUF file type is, or "" when it
// is none of the GGUF precisions headroom grades (BF16, F16, Q4_0, IQ2…):
// such a file is graded at its own bytes only, as native.
func GGUFPrecision(fileType string) Precision {
	switch p := Precision(strings.ToLower(fileType)); p {
	case Q8_0, Q6_K, Q5_K_M, Q4_K_M, IQ4_XS, Q3_K_M, IQ3_XXS, Q2_K:
		return p
	}
	return ""
}

// FromGGUF is the model a GGUF file holds, named id (its path, or an
// Ollama MODEL:TAG). Its config is built from the header's llama.cpp keys
// and checked like any config.json; its weights are the file's exact
// tensor bytes. It runs under llama.cpp only, at the file's own type. An
// architecture the engine does not model is kept, sized by its tensors,
// with every grade refused and the reason given (ErrUnsupported): its
// cache is unknown, never guessed.
func FromGGUF(g GGUF, id string) (Model, error) {
	if g.TensorBytes <= 0 || g.TensorBytes > MaxCheckpointBytes {
		return Model{}, fmt.Errorf("%s: its tensors hold %d bytes, which no model file has: %w", id, g.TensorBytes, ErrOutOfRange)
	}
	file := &ggufFile{GGUF: g, precision: GGUFPrecision(g.FileType)}
	modelType, known := ggufTypes[g.Architecture]
	if !known {
		file.unmodelled = fmt.Sprintf("llama.cpp architecture %q is not modelled, so its KV cache is unknown", g.Architecture)
		return Model{ID: id, Name: id, PublishedParams: g.Params, WeightsBytes: g.TensorBytes, file: file}, nil
	}
	cfg := map[string]any{
		"model_type": modelType, "hidden_size": g.Embedding, "num_hidden_layers": g.Blocks,
		"num_attention_heads": g.Heads, "num_key_value_heads": g.HeadsKV, "vocab_size": g.Vocab,
		"intermediate_size": g.FeedForward, "max_position_embeddings": g.ContextLength,
	}
	if g.HeadsKV == 0 {
		cfg["num_key_value_heads"] = g.Heads // llama.cpp's default: no GQA
	}
	if g.KeyLength > 0 {
		cfg["head_dim"] = g.KeyLength
	}
	if g.Experts > 0 {
		cfg["num_local_experts"], cfg["num_experts_per_tok"] = g.Experts, g.ExpertsUsed
		if g.ExpertFeedForward > 0 {
			cfg["moe_intermediate_size"] = g.ExpertFeedForward
		}
	}
	switch {
	case g.Architecture == "gpt-oss" && g.SlidingWindow > 0:
		// gpt-oss alternates a sliding layer and a full one, sliding first.
		types := make([]string, max(g.Blocks, 0))
		for i := range types {
			types[i] = map[bool]string{true: "sliding_attention", false: "full_attention"}[i%2 == 0]
		}
		cfg["sliding_window"], cfg["layer_types"] = g.SlidingWindow, types
	case g.SlidingWindow > 0:
		cfg["sliding_window"] = g.SlidingWindow
		if g.SlidingWindowPattern > 0 {
			cfg["sliding_window_pattern"] = g.SlidingWindowPattern
		}
	}
	if g.ChunkSize > 0 {
		cfg["attention_chunk_size"] = g.ChunkSize
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		return Model{}, fmt.Errorf("%s: %w", id, err)
	}
	m, err := LoadConfig(strings.NewReader(string(data)), id+" (GGUF header)")
	if err != nil {
		return Model{}, err
	}
	m.ID, m.Name, m.PublishedParams, m.WeightsBytes, m.file = id, id, g.Params, g.TensorBytes, file
	m.shp.file = file
	return m, nil
}

// ggufFile is a GGUF model's file, as the engine grades it.
type ggufFile struct {
	GGUF
	precision  Precision // the fit precision the file's type is; "" for none
	unmodelled string    // why the cache cannot be sized; "" when it can
}

// File is the GGUF file the model was read from; nil for a catalogue
// model or a config.json.
func (m Model) File() *GGUF {
	if m.file == nil {
		return nil
	}
	return &m.file.GGUF
}

// RuntimeFor is the runtime m is graded under at p when preferred is
// chosen: llama.cpp for a GGUF file, whatever is preferred, else the
// package's RuntimeFor.
func (m Model) RuntimeFor(p Precision, preferred Runtime) Runtime {
	if m.file != nil {
		return LlamaCpp
	}
	return RuntimeFor(p, preferred)
}

// fileBytes is the weight bytes of a GGUF file at p under rt: the file's
// own, at native precision or its own type; any other is refused.
func (f *ggufFile) fileBytes(p Precision, rt Runtime) (int64, error) {
	switch {
	case rt != LlamaCpp:
		return 0, fmt.Errorf("a GGUF file runs under llama.cpp: %w", ErrUnsupported)
	case p != Native && p != f.precision:
		return 0, fmt.Errorf("this file holds %s; %s needs another file: %w", f.FileType, p, ErrUnsupported)
	}
	return f.TensorBytes, nil
}
