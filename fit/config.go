package fit

// Config holds the fields of a Hugging Face config.json that decide how
// much memory a model needs, under the names the config itself uses. A
// field the config leaves out, or sets to null, is zero.
type Config struct {
	Architectures []string `json:"architectures,omitempty"`
	ModelType     string   `json:"model_type,omitempty"`
	// TorchDtype is the checkpoint's dtype; newer configs call it Dtype.
	TorchDtype string `json:"torch_dtype,omitempty"`
	Dtype      string `json:"dtype,omitempty"`

	HiddenSize            int   `json:"hidden_size,omitempty"`
	IntermediateSize      int   `json:"intermediate_size,omitempty"`
	NumHiddenLayers       int   `json:"num_hidden_layers,omitempty"`
	NumAttentionHeads     int   `json:"num_attention_heads,omitempty"`
	NumKeyValueHeads      int   `json:"num_key_value_heads,omitempty"`
	HeadDim               int   `json:"head_dim,omitempty"`
	VocabSize             int   `json:"vocab_size,omitempty"`
	TieWordEmbeddings     *bool `json:"tie_word_embeddings,omitempty"`
	MaxPositionEmbeddings int   `json:"max_position_embeddings,omitempty"`
	AttentionBias         bool  `json:"attention_bias,omitempty"`
	MLPBias               bool  `json:"mlp_bias,omitempty"`
	UseQKNorm             bool  `json:"use_qk_norm,omitempty"`

	// Mixture of experts. Qwen names the count num_experts, Mixtral and
	// gpt-oss num_local_experts.
	NumExperts                   int   `json:"num_experts,omitempty"`
	NumLocalExperts              int   `json:"num_local_experts,omitempty"`
	NumExpertsPerTok             int   `json:"num_experts_per_tok,omitempty"`
	MoEIntermediateSize          int   `json:"moe_intermediate_size,omitempty"`
	SharedExpertIntermediateSize int   `json:"shared_expert_intermediate_size,omitempty"`
	DecoderSparseStep            int   `json:"decoder_sparse_step,omitempty"`
	MLPOnlyLayers                []int `json:"mlp_only_layers,omitempty"`
	// Llama 4: every InterleaveMoELayerStep-th layer is MoE; the others
	// use a dense MLP of IntermediateSizeMLP.
	InterleaveMoELayerStep int `json:"interleave_moe_layer_step,omitempty"`
	IntermediateSizeMLP    int `json:"intermediate_size_mlp,omitempty"`

	// Attention layouts.
	SlidingWindow        int      `json:"sliding_window,omitempty"`
	UseSlidingWindow     bool     `json:"use_sliding_window,omitempty"`
	SlidingWindowPattern int      `json:"sliding_window_pattern,omitempty"`
	LayerTypes           []string `json:"layer_types,omitempty"`
	CacheImplementation  string   `json:"cache_implementation,omitempty"`
	AttentionChunkSize   int      `json:"attention_chunk_size,omitempty"`
	NoRopeLayers         []int    `json:"no_rope_layers,omitempty"`

	// Qwen3-Next: every FullAttentionInterval-th layer is full attention,
	// the rest Gated DeltaNet linear attention with a fixed-size state.
	FullAttentionInterval int `json:"full_attention_interval,omitempty"`
	LinearNumKeyHeads     int `json:"linear_num_key_heads,omitempty"`
	LinearNumValueHeads   int `json:"linear_num_value_heads,omitempty"`
	LinearKeyHeadDim      int `json:"linear_key_head_dim,omitempty"`
	LinearValueHeadDim    int `json:"linear_value_head_dim,omitempty"`
	LinearConvKernelDim   int `json:"linear_conv_kernel_dim,omitempty"`

	// Multi-head latent attention (DeepSeek-V2, -V3, Kimi K2): queries
	// through a q_lora_rank bottleneck (0, or null, for none), keys and
	// values through a kv_lora_rank latent, heads split into a part
	// without and a part with rotary embedding.
	QLoRARank     int `json:"q_lora_rank,omitempty"`
	KVLoRARank    int `json:"kv_lora_rank,omitempty"`
	QKNopeHeadDim int `json:"qk_nope_head_dim,omitempty"`
	QKRopeHeadDim int `json:"qk_rope_head_dim,omitempty"`
	VHeadDim      int `json:"v_head_dim,omitempty"`
	// DeepSeek-style mixture of experts (also GLM-4.5): n_routed_experts
	// routed and n_shared_experts shared experts of moe_intermediate_size,
	// dense layers before first_k_dense_replace, then a MoE layer every
	// moe_layer_freq; num_nextn_predict_layers multi-token-prediction
	// layers that the checkpoint carries and runtimes load only to draft.
	NRoutedExperts        int `json:"n_routed_experts,omitempty"`
	NSharedExperts        int `json:"n_shared_experts,omitempty"`
	FirstKDenseReplace    int `json:"first_k_dense_replace,omitempty"`
	MoELayerFreq          int `json:"moe_layer_freq,omitempty"`
	NumNextNPredictLayers int `json:"num_nextn_predict_layers,omitempty"`

	// Falcon's own names.
	NLayer                 int  `json:"n_layer,omitempty"`
	NHead                  int  `json:"n_head,omitempty"`
	NHeadKV                int  `json:"n_head_kv,omitempty"`
	NumKVHeads             int  `json:"num_kv_heads,omitempty"`
	NewDecoderArchitecture bool `json:"new_decoder_architecture,omitempty"`
	MultiQuery             bool `json:"multi_query,omitempty"`
	ParallelAttn           bool `json:"parallel_attn,omitempty"`
	Bias                   bool `json:"bias,omitempty"`

	// Nemotron NAS (DeciLM): one entry per layer.
	BlockConfigs []BlockConfig `json:"block_configs,omitempty"`

	QuantizationConfig *QuantizationConfig `json:"quantization_config,omitempty"`

	// Multimodal checkpoints nest the language model's config.
	TextConfig   *Config       `json:"text_config,omitempty"`
	VisionConfig *VisionConfig `json:"vision_config,omitempty"`
}

// BlockConfig is one layer of a Nemotron NAS (DeciLM) model.
type BlockConfig struct {
	Attention struct {
		NHeadsInGroup     int  `json:"n_heads_in_group,omitempty"`
		NoOp              bool `json:"no_op,omitempty"`
		ReplaceWithLinear bool `json:"replace_with_linear,omitempty"`
		WindowLength      int  `json:"window_length,omitempty"`
	} `json:"attention"`
	FFN struct {
		FFNMult           float64 `json:"ffn_mult,omitempty"`
		NoOp              bool    `json:"no_op,omitempty"`
		ReplaceWithLinear bool    `json:"replace_with_linear,omitempty"`
	} `json:"ffn"`
}

// QuantizationConfig says how a pre-quantised checkpoint stores weights.
type QuantizationConfig struct {
	QuantMethod         string   `json:"quant_method,omitempty"`
	Bits                int      `json:"bits,omitempty"`
	GroupSize           int      `json:"group_size,omitempty"`
	ModulesToNotConvert []string `json:"modules_to_not_convert,omitempty"`
}

// VisionConfig is the part of a vision tower's config that sizes it.
type VisionConfig struct {
	ModelType          string `json:"model_type,omitempty"`
	HiddenSize         int    `json:"hidden_size,omitempty"`
	IntermediateSize   int    `json:"intermediate_size,omitempty"`
	NumHiddenLayers    int    `json:"num_hidden_layers,omitempty"`
	ImageSize          int    `json:"image_size,omitempty"`
	PatchSize          int    `json:"patch_size,omitempty"`
	ProjectorInputDim  int    `json:"projector_input_dim,omitempty"`
	ProjectorOutputDim int    `json:"projector_output_dim,omitempty"`
	VisionOutputDim    int    `json:"vision_output_dim,omitempty"`
}

// text returns the config of the language model: text_config where the
// checkpoint nests one, else the config itself.
func (c *Config) text() *Config {
	if c.TextConfig != nil {
		return c.TextConfig
	}
	return c
}

// dtype is the checkpoint's dtype, looked up where configs put it.
func (c *Config) dtype() string {
	for _, d := range []string{c.TorchDtype, c.Dtype, c.text().TorchDtype, c.text().Dtype} {
		if d != "" {
			return d
		}
	}
	return ""
}
