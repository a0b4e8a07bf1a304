package fit

import "fmt"

// Bounds on config fields. Each lies far above any published model, so no
// real config is refused, and together they keep every product the shape
// builder forms below 2^63 before the checked arithmetic in checked.go
// even runs. A field outside its bound is an error that names it.
const (
	// maxDim bounds widths: hidden and FFN sizes, head dims, vision
	// widths. The widest published models use hidden 16–25K and FFN
	// widths below 75K.
	maxDim = 1 << 20
	// maxHeads bounds head and expert counts: published models have at
	// most a few hundred query heads and 512 routed experts.
	maxHeads = 1 << 16
	// maxLayers bounds the layer count, and the layer steps and intervals
	// (full_attention_interval, decoder_sparse_step, …) that index layers:
	// real models have at most a few hundred layers, each walked once.
	maxLayers = MaxLayers
	// maxVocab bounds vocab_size: published vocabularies stay below 300K.
	maxVocab = 1 << 24
	// MaxContextTokens bounds max_position_embeddings, windows and chunks,
	// and the context a user may ask for: 1G tokens, a hundred times the
	// longest published context (Llama 4 Scout's 10M).
	MaxContextTokens = 1 << 30
	// MinContextTokens is the shortest context a user may ask for: one
	// llama.cpp cache pad (256 cells, src/llama-context.cpp), sixteen
	// vLLM blocks.
	MinContextTokens = 256
	// maxKernel bounds linear_conv_kernel_dim (Qwen3-Next uses 4) and a
	// vision tower's patch_size (14–16 in published towers).
	maxKernel = 4096
	// maxParams bounds the parameter count the dimensions describe: 10^15,
	// a thousand times the largest published checkpoint. Every weight
	// product (elements × at most 4 bytes, or × 1024 bytes per 256 in a
	// GGUF block) then stays below 2^62.
	maxParams = 1e15
	// MaxCheckpointBytes bounds a checkpoint's size on disk
	// (weights_bytes, an index's total_size): 4 bytes for each of
	// maxParams parameters.
	MaxCheckpointBytes = 4 * maxParams
	// maxQuantBits bounds quantization_config.bits; published methods
	// use 2 to 16.
	maxQuantBits = 32
)

// fieldBound is one named integer field and its allowed range.
type fieldBound struct {
	name     string
	v        int64
	min, max int64
}

// bounds lists every integer field the arithmetic reads, with its range.
// A field the config leaves out is zero, which every range admits.
func (m *Model) bounds() []fieldBound {
	c := m.text()
	b := []fieldBound{
		{"params", m.PublishedParams, 0, maxParams},
		{"active_params", m.PublishedActiveParams, 0, maxParams},
		{"weights_bytes", m.WeightsBytes, 0, MaxCheckpointBytes},
		{"hidden_size", int64(c.HiddenSize), 0, maxDim},
		{"intermediate_size", int64(c.IntermediateSize), 0, maxDim},
		{"intermediate_size_mlp", int64(c.IntermediateSizeMLP), 0, maxDim},
		{"moe_intermediate_size", int64(c.MoEIntermediateSize), 0, maxDim},
		{"shared_expert_intermediate_size", int64(c.SharedExpertIntermediateSize), 0, maxDim},
		{"head_dim", int64(c.HeadDim), 0, maxDim},
		{"num_hidden_layers", int64(c.NumHiddenLayers), 0, maxLayers},
		{"n_layer", int64(c.NLayer), 0, maxLayers},
		{"num_attention_heads", int64(c.NumAttentionHeads), 0, maxHeads},
		{"n_head", int64(c.NHead), 0, maxHeads},
		{"num_key_value_heads", int64(c.NumKeyValueHeads), 0, maxHeads},
		{"n_head_kv", int64(c.NHeadKV), 0, maxHeads},
		{"num_kv_heads", int64(c.NumKVHeads), 0, maxHeads},
		{"vocab_size", int64(c.VocabSize), 0, maxVocab},
		{"max_position_embeddings", int64(c.MaxPositionEmbeddings), 0, MaxContextTokens},
		{"sliding_window", int64(c.SlidingWindow), 0, MaxContextTokens},
		{"attention_chunk_size", int64(c.AttentionChunkSize), 0, MaxContextTokens},
		{"sliding_window_pattern", int64(c.SlidingWindowPattern), 0, maxLayers},
		{"num_experts", int64(c.NumExperts), 0, maxHeads},
		{"num_local_experts", int64(c.NumLocalExperts), 0, maxHeads},
		{"num_experts_per_tok", int64(c.NumExpertsPerTok), 0, maxHeads},
		{"decoder_sparse_step", int64(c.DecoderSparseStep), 0, maxLayers},
		{"interleave_moe_layer_step", int64(c.InterleaveMoELayerStep), 0, maxLayers},
		{"full_attention_interval", int64(c.FullAttentionInterval), 0, maxLayers},
		{"linear_num_key_heads", int64(c.LinearNumKeyHeads), 0, maxHeads},
		{"linear_num_value_heads", int64(c.LinearNumValueHeads), 0, maxHeads},
		{"linear_key_head_dim", int64(c.LinearKeyHeadDim), 0, maxDim},
		{"linear_value_head_dim", int64(c.LinearValueHeadDim), 0, maxDim},
		{"linear_conv_kernel_dim", int64(c.LinearConvKernelDim), 0, maxKernel},
		{"q_lora_rank", int64(c.QLoRARank), 0, maxDim},
		{"kv_lora_rank", int64(c.KVLoRARank), 0, maxDim},
		{"qk_nope_head_dim", int64(c.QKNopeHeadDim), 0, maxDim},
		{"qk_rope_head_dim", int64(c.QKRopeHeadDim), 0, maxDim},
		{"v_head_dim", int64(c.VHeadDim), 0, maxDim},
		{"n_routed_experts", int64(c.NRoutedExperts), 0, maxHeads},
		{"n_shared_experts", int64(c.NSharedExperts), 0, maxHeads},
		{"first_k_dense_replace", int64(c.FirstKDenseReplace), 0, maxLayers},
		{"moe_layer_freq", int64(c.MoELayerFreq), 0, maxLayers},
		{"num_nextn_predict_layers", int64(c.NumNextNPredictLayers), 0, maxLayers},
	}
	if v := m.VisionConfig; v != nil {
		b = append(b,
			fieldBound{"vision_config.hidden_size", int64(v.HiddenSize), 0, maxDim},
			fieldBound{"vision_config.intermediate_size", int64(v.IntermediateSize), 0, maxDim},
			fieldBound{"vision_config.num_hidden_layers", int64(v.NumHiddenLayers), 0, maxLayers},
			fieldBound{"vision_config.image_size", int64(v.ImageSize), 0, maxDim},
			fieldBound{"vision_config.patch_size", int64(v.PatchSize), 0, maxKernel},
			fieldBound{"vision_config.projector_input_dim", int64(v.ProjectorInputDim), 0, maxDim},
			fieldBound{"vision_config.projector_output_dim", int64(v.ProjectorOutputDim), 0, maxDim},
			fieldBound{"vision_config.vision_output_dim", int64(v.VisionOutputDim), 0, maxDim},
		)
	}
	if q := m.QuantizationConfig; q != nil {
		// group_size -1 is GPTQ's "one group per row".
		b = append(b,
			fieldBound{"quantization_config.bits", int64(q.Bits), 0, maxQuantBits},
			fieldBound{"quantization_config.group_size", int64(q.GroupSize), -1, maxDim},
		)
	}
	for i, bc := range c.BlockConfigs {
		b = append(b,
			fieldBound{fmt.Sprintf("block_configs[%d].attention.n_heads_in_group", i), int64(bc.Attention.NHeadsInGroup), 0, maxHeads},
			fieldBound{fmt.Sprintf("block_configs[%d].attention.window_length", i), int64(bc.Attention.WindowLength), 0, MaxContextTokens},
		)
	}
	return b
}

// checkBounds returns the first field outside its range, as an error
// naming it and the range.
func (m *Model) checkBounds() (field string, err error) {
	for _, f := range m.bounds() {
		switch {
		case f.v < f.min && f.min == 0:
			return f.name, fmt.Errorf("%d is negative", f.v)
		case f.v < f.min:
			return f.name, fmt.Errorf("%d is below %d", f.v, f.min)
		case f.v > f.max:
			return f.name, fmt.Errorf("%d is beyond any real model (at most %d)", f.v, f.max)
		}
	}
	return "", nil
}

// MaxLayers is the most decoder layers a config may have: 4,096, over
// thirty times the deepest real model's 126 (Llama 3.1 405B).
const MaxLayers = 4096
