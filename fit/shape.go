package fit

import (
	"fmt"
	"slices"
	"strings"
)

// role groups a model's tensors by how the precisions treat them. Each
// GGUF rule in llama.cpp (src/llama-quant.cpp, llama_tensor_get_type_impl)
// keys on one of these categories.
type role uint8

const (
	roleEmbed  role = iota // token embeddings
	roleOutput             // lm_head; absent when tied to the embeddings
	roleAttnQ
	roleAttnK
	roleAttnV // also fused qkv, which llama.cpp treats like attn_v
	roleAttnO
	// roleLatent is MLA's projections to and from its bottlenecks (q_a,
	// q_b, kv_a): linears the safetensors formats quantise, and tensors
	// llama.cpp's type rules leave at the file's default type.
	roleLatent
	roleFFNGate
	roleFFNUp
	roleFFNDown
	roleRouter // MoE gates: never quantised (vLLM, llama.cpp ffn_gate_inp)
	roleLinear // other 2D weights (linear attention projections)
	roleSmall  // 1D tensors: norms, biases, sinks, conv kernels
	roleVision // vision tower and projector: kept at 16 bits
	nRoles
)

// roleSum totals one role's tensors: their elements, output rows and
// input columns (summed over tensors), and their elements by class, the
// layer's class as llama.cpp's rules see it and the row length's.
type roleSum struct {
	elems, rows, cols, tensors int64
	bins                       [nBins]int64
}

// layerClass is what llama.cpp's type rules (src/llama-quant.cpp,
// llama_tensor_get_type_impl) know of a tensor's layer.
type layerClass uint8

const (
	classMore  layerClass = 1 << iota // use_more_bits holds for the layer
	classEarly                        // ffn_down of a layer i < n/16 (Q3_K_M gives it Q5_K)
	classLead                         // attn_v of one of the first two attention layers (Q3_K_M: Q5_K)
	// The row-length classes, which add sets: not a multiple of 256 (the
	// k-quants' and i-quants' block), not a multiple of 32 (every block).
	classOdd256
	classOdd32
	nBins = 1 << 5
)

// layerKind is how one layer attends, which decides its cache.
type layerKind uint8

const (
	kindFull    layerKind = iota // KV for every token
	kindSliding                  // KV for the last window tokens
	kindChunked                  // KV for the current chunk (Llama 4)
	kindLinear                   // fixed-size recurrent state (Gated DeltaNet)
	kindNone                     // no attention (Nemotron NAS no_op blocks)
	nKinds
)

// shape is what the arithmetic needs from a config, derived once.
type shape struct {
	modelType                 string
	layers, hidden, vocab     int
	heads, kvHeads, headDim   int
	intermediate              int // widest dense or expert FFN, for activations
	experts, expertsPerTok    int
	expertInter               int // one routed expert's FFN width
	tied, gptOSS, fp32, is70B bool

	roles       [nRoles]roleSum
	params      int64 // every weight in the checkpoint the config describes
	expertElems int64 // routed-expert weights, all layers
	// routed are the routed experts' gate, up and down weights by role.
	routed    [nRoles]int64
	mtpParams int64 // multi-token-prediction weights runtimes skip

	// KV elements per token (K and V together) summed over layers of each
	// kind, and the window or chunk those layers keep.
	kvFull, kvSliding, kvChunked int64
	window, chunk                int
	// mla is multi-head latent attention: the cache holds a latent and a
	// rotary key per token and layer, shared by every head, which tensor
	// parallelism does not split; kvHF is the cache transformers keeps
	// instead, every head's key and value, per token over all layers.
	mla  bool
	kvHF int64
	// kinds counts the decoder layers of each kind.
	kinds [nKinds]int
	// file is the GGUF file the model was read from: its weights are the
	// file's bytes, at its own type only. nil otherwise.
	file *ggufFile
	// Recurrent state elements per sequence: the convolution state and
	// the delta-rule matrix, summed over linear-attention layers.
	convState, recurrentState int64
	// outOfRange is set when the dimensions describe more than maxParams
	// weights, or a product that would wrap 64 bits.
	outOfRange bool
}

// layer describes one decoder layer as the builders see it.
type layer struct {
	kind              layerKind
	kvHeads           int
	dense, moe        bool
	inter             int // dense FFN width
	attnReplaced      bool
	ffnReplaced, noFF bool
}

// useMoreBits is llama.cpp's rule for which layers of a Q4_K_M or Q5_K_M
// file get Q6_K: the first and last eighth, and every third in between
// (src/llama-quant.cpp, use_more_bits).
func useMoreBits(i, n int) bool {
	return i < n/8 || i >= 7*n/8 || (i-n/8)%3 == 2
}

// add records count tensors of role, each rows × cols, where cols is the
// row length (the input dimension, ggml's ne[0]), in a layer of class cls.
// A product or sum that would wrap, or a negative dimension, marks the
// shape out of range.
func (s *shape) add(r role, cols, rows, count int, cls layerClass) {
	n, ok := mul64(int64(cols), int64(rows))
	if ok {
		n, ok = mul64(n, int64(count))
	}
	if ok {
		s.params, ok = add64(s.params, n)
	}
	if !ok || s.params > maxParams {
		s.outOfRange = true
		return
	}
	if n == 0 {
		return
	}
	// Every role's sums are at most params, below 10^15: no wrap.
	rs := &s.roles[r]
	rs.elems += n
	rs.rows += int64(rows) * int64(count)
	rs.cols += int64(cols) * int64(count)
	rs.tensors += int64(count)
	if cols%256 != 0 {
		cls |= classOdd256
	}
	if cols%32 != 0 {
		cls |= classOdd32
	}
	rs.bins[cls] += n
}

// ffnClass is the class of layer i of n for its ffn_down tensors.
func ffnClass(i, n int) layerClass {
	var c layerClass
	if useMoreBits(i, n) {
		c |= classMore
	}
	if i < n/16 {
		c |= classEarly
	}
	return c
}

// attnClass is the class of the i-th of n attention layers for attn_v.
func attnClass(i, n int) layerClass {
	var c layerClass
	if useMoreBits(i, n) {
		c |= classMore
	}
	if i < 2 {
		c |= classLead
	}
	return c
}

// family normalises model_type to the names the builders switch on.
func family(modelType string) string {
	t := strings.ToLower(modelType)
	switch t {
	case "refinedweb", "refinedwebmodel", "falcon":
		return "falcon"
	case "gemma3", "gemma3_text":
		return "gemma3"
	case "llama4", "llama4_text":
		return "llama4"
	case "nemotron-nas", "deci", "deci_lm":
		return "deci"
	case "deepseek_v2", "deepseek_v3", "kimi_k2":
		return "deepseek"
	}
	return t
}

// tiedByDefault reports whether a family ties lm_head to the embeddings
// when the config leaves tie_word_embeddings out (each family's
// transformers config class default).
func tiedByDefault(fam string) bool {
	switch fam {
	case "gemma", "gemma2", "gemma3", "cohere", "cohere2", "falcon":
		return true
	}
	return false
}

// newShape derives a shape from a config, or says what is missing.
func newShape(top *Config) (*shape, error) {
	c := top.text()
	fam := family(c.ModelType)
	if fam == "" {
		fam = family(top.ModelType)
	}
	s := &shape{modelType: fam, hidden: c.HiddenSize, vocab: c.VocabSize, headDim: c.HeadDim, mla: c.KVLoRARank > 0}
	if s.mla && (c.QKNopeHeadDim <= 0 || c.QKRopeHeadDim <= 0 || c.VHeadDim <= 0) {
		return nil, fmt.Errorf("multi-head latent attention needs qk_nope_head_dim, qk_rope_head_dim and v_head_dim")
	}
	s.layers = firstPositive(c.NumHiddenLayers, c.NLayer, len(c.BlockConfigs))
	s.heads = firstPositive(c.NumAttentionHeads, c.NHead)
	s.kvHeads = firstPositive(c.NumKeyValueHeads, c.NHeadKV, c.NumKVHeads)
	if fam == "falcon" && !c.NewDecoderArchitecture {
		s.kvHeads = s.heads
		if c.MultiQuery {
			s.kvHeads = 1
		}
	}
	if s.kvHeads == 0 {
		s.kvHeads = s.heads // no GQA field: plain multi-head attention
	}
	if s.headDim == 0 && s.heads > 0 {
		s.headDim = s.hidden / s.heads
	}
	s.experts = firstPositive(c.NumExperts, c.NumLocalExperts, c.NRoutedExperts)
	s.expertsPerTok = c.NumExpertsPerTok
	s.tied = tiedByDefault(fam)
	if c.TieWordEmbeddings != nil {
		s.tied = *c.TieWordEmbeddings
	} else if top.TieWordEmbeddings != nil {
		s.tied = *top.TieWordEmbeddings
	}
	s.gptOSS = fam == "gpt_oss"
	s.fp32 = strings.EqualFold(top.dtype(), "float32")
	// llama.cpp tags 80-layer Llama, Qwen2 and DeciLM models as 70B and
	// gives their attn_v more bits (llama-model.cpp, llama-quant.cpp).
	s.is70B = s.layers == 80 && (fam == "llama" || fam == "qwen2" || fam == "deci")
	if s.hidden <= 0 || s.layers <= 0 || s.heads <= 0 || s.vocab <= 0 {
		return nil, fmt.Errorf("config lacks hidden_size, num_hidden_layers, num_attention_heads or vocab_size")
	}
	layers, err := s.plan(c, fam)
	if err != nil {
		return nil, err
	}
	s.build(c, fam, layers)
	s.addVision(top)
	if s.outOfRange {
		return nil, fmt.Errorf("these dimensions describe more than 10^15 parameters or state elements, beyond any real model: %w", ErrOutOfRange)
	}
	return s, nil
}

// plan decides, layer by layer, how each one attends and what FFN it has.
func (s *shape) plan(c *Config, fam string) ([]layer, error) {
	out := make([]layer, s.layers)
	step := max(c.DecoderSparseStep, 1)
	for i := range out {
		l := &out[i]
		l.kvHeads, l.inter = s.kvHeads, c.IntermediateSize
		if fam == "falcon" {
			l.inter = 4 * s.hidden // Falcon's plain 4h GELU MLP
		}
		switch {
		case i < len(c.LayerTypes):
			switch c.LayerTypes[i] {
			case "sliding_attention":
				l.kind = kindSliding
			case "chunked_attention":
				l.kind = kindChunked
			case "linear_attention":
				l.kind = kindLinear
			}
		case fam == "gemma2":
			// Gemma 2 alternates, the even layers local (transformers
			// Gemma2DecoderLayer: is_sliding = not layer_idx % 2).
			if i%2 == 0 {
				l.kind = kindSliding
			}
		case fam == "gemma3":
			// Gemma 3: every sliding_window_pattern-th layer is global.
			p := c.SlidingWindowPattern
			if p == 0 {
				p = 6 // Gemma3TextConfig default
			}
			if (i+1)%p != 0 {
				l.kind = kindSliding
			}
		case fam == "llama4" && c.AttentionChunkSize > 0:
			// Llama 4: the RoPE layers attend within chunks; every fourth
			// layer is a global NoPE layer (Llama4TextConfig default).
			rope := (i+1)%4 != 0
			if len(c.NoRopeLayers) == s.layers {
				rope = c.NoRopeLayers[i] != 0
			}
			if rope {
				l.kind = kindChunked
			}
		case fam == "qwen3_next":
			if (i+1)%max(c.FullAttentionInterval, 1) != 0 {
				l.kind = kindLinear
			}
		}
		switch fam {
		case "mixtral", "gpt_oss":
			l.moe = true
		case "llama4":
			l.moe = s.experts > 0 && (i+1)%max(c.InterleaveMoELayerStep, 1) == 0
			if !l.moe {
				l.inter = c.IntermediateSizeMLP
			}
		case "deepseek", "glm4_moe":
			// DeepseekV3DecoderLayer: dense before first_k_dense_replace,
			// then MoE every moe_layer_freq layers.
			l.moe = s.experts > 0 && i >= c.FirstKDenseReplace && i%max(c.MoELayerFreq, 1) == 0
		default:
			l.moe = s.experts > 0 && !slices.Contains(c.MLPOnlyLayers, i) && (i+1)%step == 0
		}
		l.dense = !l.moe
		if fam == "deci" {
			if err := planDeci(l, c, i, s); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// planDeci reads one Nemotron NAS block.
func planDeci(l *layer, c *Config, i int, s *shape) error {
	if i >= len(c.BlockConfigs) {
		return fmt.Errorf("block_configs has %d entries for %d layers", len(c.BlockConfigs), s.layers)
	}
	b := c.BlockConfigs[i]
	switch {
	case b.Attention.NoOp:
		l.kind = kindNone
	case b.Attention.ReplaceWithLinear:
		l.kind, l.attnReplaced = kindNone, true
	default:
		g := b.Attention.NHeadsInGroup
		if g <= 0 || s.heads%g != 0 {
			return fmt.Errorf("block %d: n_heads_in_group %d does not divide %d heads", i, g, s.heads)
		}
		l.kvHeads = s.heads / g
		if b.Attention.WindowLength > 0 {
			l.kind = kindSliding
			s.window = max(s.window, b.Attention.WindowLength)
		}
	}
	switch {
	case b.FFN.NoOp:
		l.dense, l.noFF = false, true
	case b.FFN.ReplaceWithLinear:
		l.dense, l.ffnReplaced = false, true
	default:
		// DeciLM's _ffn_mult_to_intermediate_size: int(2·mult·hidden/3)
		// rounded up to a multiple of 256.
		n := int(2 * b.FFN.FFNMult * float64(s.hidden) / 3)
		l.inter = (n + 255) / 256 * 256
	}
	return nil
}

func firstPositive(v ...int) int {
	for _, x := range v {
		if x > 0 {
			return x
		}
	}
	return 0
}
