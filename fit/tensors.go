package fit

// build lists every weight tensor of the language model, layer by layer,
// following each family's transformers modelling code, and sums the
// per-token cache of each kind of layer.
func (s *shape) build(c *Config, fam string, layers []layer) {
	h := s.hidden
	s.add(roleEmbed, h, s.vocab, 1, 0)
	if !s.tied {
		s.add(roleOutput, h, s.vocab, 1, 0)
	}
	normW := 1 // a norm's weights per element: 2 when it has a bias
	if fam == "falcon" {
		normW = 2
	}
	s.add(roleSmall, h*normW, 1, 1, 0) // final norm

	nAttn := 0 // llama.cpp counts attn_v tensors to place the Q6_K layers
	for _, l := range layers {
		if l.kind != kindNone && l.kind != kindLinear {
			nAttn++
		}
	}
	iAttn := 0
	for i, l := range layers {
		s.kinds[l.kind]++
		moreFFN := ffnClass(i, s.layers)
		switch l.kind {
		case kindNone:
			if l.attnReplaced {
				s.add(roleLinear, h, h, 1, 0)
			}
		case kindLinear:
			s.addLinearAttention(c)
		default:
			s.addAttention(c, fam, l, attnClass(iAttn, nAttn))
			iAttn++
			s.addCache(c, l)
		}
		s.addNorms(fam, l)
		switch {
		case l.ffnReplaced:
			s.add(roleLinear, h, h, 1, 0)
		case l.noFF:
		case l.moe:
			s.addExperts(c, fam, moreFFN)
		case fam == "falcon":
			s.add(roleFFNUp, h, l.inter, 1, 0)
			s.add(roleFFNDown, l.inter, h, 1, moreFFN)
		default:
			s.addMLP(l.inter, c.MLPBias, moreFFN)
		}
		s.intermediate = max(s.intermediate, l.inter)
	}
	if n := c.NumNextNPredictLayers; n > 0 && (fam == "deepseek" || fam == "glm4_moe") {
		// DeepSeek-V3 and GLM-4.5 checkpoints carry num_nextn_predict_layers
		// multi-token-prediction layers: a MoE decoder layer each, with
		// enorm and hnorm, eh_proj (2h → h) and the shared head's norm, and
		// in DeepSeek's, copies of the embeddings and the output head.
		// Runtimes load them only to draft, so they count in Params only.
		s.extra(func() {
			for range n {
				last := layers[len(layers)-1]
				s.addAttention(c, fam, last, 0)
				s.addNorms(fam, last)
				s.addExperts(c, fam, 0)
				s.add(roleLinear, 2*h, h, 1, 0)
				s.add(roleSmall, h, 3, 1, 0)
				if fam == "deepseek" {
					s.add(roleEmbed, h, s.vocab, 2, 0)
				}
			}
		})
	}
	if fam == "qwen3_next" {
		// Qwen3-Next checkpoints ship one multi-token-prediction layer
		// (mtp.* tensors: a full-attention MoE layer, a 2h→h projection
		// and three norms) that no config key describes. Runtimes load it
		// only for speculative decoding, so it counts in Params only.
		before := s.params
		saved := s.roles
		s.addAttention(c, fam, layers[len(layers)-1], 0)
		s.addNorms(fam, layers[len(layers)-1])
		s.addExperts(c, fam, 0)
		s.add(roleLinear, 2*h, h, 1, 0)
		s.add(roleSmall, h, 3, 1, 0)
		s.mtpParams = s.params - before
		s.roles = saved
		s.params = before
	}
}

// addAttention adds one attention layer's projections, biases and norms.
func (s *shape) addAttention(c *Config, fam string, l layer, more layerClass) {
	if s.mla {
		s.addLatentAttention(c, more)
		return
	}
	h, hd, nq, nkv := s.hidden, s.headDim, s.heads, l.kvHeads
	q, kv := nq*hd, nkv*hd
	switch fam {
	case "falcon", "phi3":
		// One fused query_key_value (qkv_proj); llama.cpp's attn_qkv
		// follows the attn_v rule.
		s.add(roleAttnV, h, q+2*kv, 1, more)
	case "qwen3_next":
		// Gated attention: q_proj also yields the output gate.
		s.add(roleAttnQ, h, 2*q, 1, 0)
		s.add(roleAttnK, h, kv, 1, 0)
		s.add(roleAttnV, h, kv, 1, more)
	default:
		s.add(roleAttnQ, h, q, 1, 0)
		s.add(roleAttnK, h, kv, 1, 0)
		s.add(roleAttnV, h, kv, 1, more)
	}
	s.add(roleAttnO, q, h, 1, 0)
	bias := c.AttentionBias
	switch fam {
	case "qwen2", "qwen2_moe":
		s.add(roleSmall, q+2*kv, 1, 1, 0) // q, k and v biases, no o bias
	case "falcon", "internlm2":
		bias = c.Bias
	}
	if bias {
		s.add(roleSmall, q+2*kv+h, 1, 1, 0)
	}
	switch fam {
	case "qwen3", "qwen3_moe", "qwen3_next", "gemma3":
		s.add(roleSmall, 2*hd, 1, 1, 0) // q_norm and k_norm per head
	case "olmo2":
		s.add(roleSmall, q+kv, 1, 1, 0) // q_norm and k_norm over all heads
	case "cohere":
		if c.UseQKNorm {
			s.add(roleSmall, q+kv, 1, 1, 0)
		}
	case "gpt_oss":
		s.add(roleSmall, nq, 1, 1, 0) // attention sinks
	}
}

// addLatentAttention adds one multi-head latent attention layer, as
// transformers' DeepseekV3Attention holds it: queries straight from the
// hidden state (q_proj) or through the q_lora_rank bottleneck (q_a_proj,
// its norm, q_b_proj); kv_a_proj_with_mqa to the kv_lora_rank latent and
// the rotary key, its norm, kv_b_proj from the latent to every head's key
// and value; o_proj. llama.cpp treats kv_b (attn_kv_b) like attn_v.
func (s *shape) addLatentAttention(c *Config, more layerClass) {
	h, nq := s.hidden, s.heads
	qk := c.QKNopeHeadDim + c.QKRopeHeadDim
	if c.QLoRARank > 0 {
		s.add(roleLatent, h, c.QLoRARank, 1, 0)
		s.add(roleSmall, c.QLoRARank, 1, 1, 0)
		s.add(roleLatent, c.QLoRARank, nq*qk, 1, 0)
	} else {
		s.add(roleAttnQ, h, nq*qk, 1, 0)
	}
	s.add(roleLatent, h, c.KVLoRARank+c.QKRopeHeadDim, 1, 0)
	s.add(roleSmall, c.KVLoRARank, 1, 1, 0)
	s.add(roleAttnV, c.KVLoRARank, nq*(c.QKNopeHeadDim+c.VHeadDim), 1, more)
	s.add(roleAttnO, nq*c.VHeadDim, h, 1, 0)
}

// addLinearAttention adds one Gated DeltaNet layer (transformers
// Qwen3NextGatedDeltaNet) and its recurrent state.
func (s *shape) addLinearAttention(c *Config) {
	h := s.hidden
	nk, nv := c.LinearNumKeyHeads, c.LinearNumValueHeads
	kd, vd := nk*c.LinearKeyHeadDim, nv*c.LinearValueHeadDim
	conv := 2*kd + vd
	s.add(roleLinear, h, 2*kd+2*vd, 1, 0) // in_proj_qkvz
	s.add(roleLinear, h, 2*nv, 1, 0)      // in_proj_ba
	s.add(roleSmall, conv, c.LinearConvKernelDim, 1, 0)
	s.add(roleSmall, 2*nv+c.LinearValueHeadDim, 1, 1, 0) // dt_bias, A_log, norm
	s.add(roleLinear, vd, h, 1, 0)                       // out_proj
	s.convState = s.addState(s.convState, int64(conv), int64(max(c.LinearConvKernelDim-1, 0)), 1)
	s.recurrentState = s.addState(s.recurrentState, int64(nv), int64(c.LinearKeyHeadDim), int64(c.LinearValueHeadDim))
}

// addState is sum + a × b × c, marking the shape out of range when that
// would wrap or pass maxParams: a recurrent state is not bounded by the
// weights, so it is checked on its own.
func (s *shape) addState(sum, a, b, c int64) int64 {
	n, ok := mul64(a, b)
	if ok {
		n, ok = mul64(n, c)
	}
	if ok {
		sum, ok = add64(sum, n)
	}
	if !ok || sum > maxParams {
		s.outOfRange = true
		return 0
	}
	return sum
}

// addCache adds one attention layer's per-token K and V.
func (s *shape) addCache(c *Config, l layer) {
	e := int64(2 * l.kvHeads * s.headDim)
	if s.mla {
		// vLLM's MLA backends and llama.cpp cache the kv_lora_rank latent
		// and the qk_rope_head_dim rotary key per token and layer
		// (vllm/v1/attention/backends/mla; kv_lora_rank + qk_rope_head_dim
		// is 576 for DeepSeek-V3); transformers caches every head.
		e = int64(c.KVLoRARank + c.QKRopeHeadDim)
		s.kvHF += int64(s.heads) * int64(c.QKNopeHeadDim+c.QKRopeHeadDim+c.VHeadDim)
	}
	switch {
	case l.kind == kindSliding && c.SlidingWindow > 0:
		s.kvSliding += e
		s.window = max(s.window, c.SlidingWindow)
	case l.kind == kindChunked && c.AttentionChunkSize > 0:
		s.kvChunked += e
		s.chunk = c.AttentionChunkSize
	default:
		s.kvFull += e
	}
}

// addNorms adds one layer's norms.
func (s *shape) addNorms(fam string, l layer) {
	h := s.hidden
	switch fam {
	case "gemma2", "gemma3":
		s.add(roleSmall, 4*h, 1, 1, 0) // pre/post attention, pre/post FFN
	case "cohere":
		s.add(roleSmall, h, 1, 1, 0) // one norm before the parallel blocks
	case "falcon":
		s.add(roleSmall, 2*2*h, 1, 1, 0) // ln_attn and ln_mlp, with biases
	case "deci":
		if l.kind != kindNone {
			s.add(roleSmall, h, 1, 1, 0)
		}
		if l.dense {
			s.add(roleSmall, h, 1, 1, 0)
		}
	default:
		s.add(roleSmall, 2*h, 1, 1, 0)
	}
}

// addMLP adds a gated MLP (gate, up, down).
func (s *shape) addMLP(inter int, bias bool, more layerClass) {
	h := s.hidden
	s.add(roleFFNGate, h, inter, 1, 0)
	s.add(roleFFNUp, h, inter, 1, 0)
	s.add(roleFFNDown, inter, h, 1, more)
	if bias {
		s.add(roleSmall, 2*inter+h, 1, 1, 0)
	}
}

// addExperts adds one MoE layer: router, routed experts, shared expert.
func (s *shape) addExperts(c *Config, fam string, more layerClass) {
	h, e := s.hidden, s.experts
	inter := c.MoEIntermediateSize
	if inter == 0 {
		inter = c.IntermediateSize // Mixtral, gpt-oss, Llama 4: per-expert width
	}
	s.intermediate = max(s.intermediate, inter)
	s.expertInter = max(s.expertInter, inter)
	before := s.params
	for _, r := range []role{roleFFNGate, roleFFNUp, roleFFNDown} {
		s.routed[r] -= s.roles[r].elems
	}
	s.add(roleFFNGate, h, inter, e, 0)
	s.add(roleFFNUp, h, inter, e, 0)
	s.add(roleFFNDown, inter, h, e, more)
	for _, r := range []role{roleFFNGate, roleFFNUp, roleFFNDown} {
		s.routed[r] += s.roles[r].elems
	}
	if fam == "gpt_oss" {
		s.add(roleSmall, 2*inter+h, e, 1, 0) // expert biases
	}
	s.expertElems += s.params - before
	s.add(roleRouter, h, e, 1, 0)
	if fam == "gpt_oss" {
		s.add(roleSmall, e, 1, 1, 0) // router bias
	}
	shared := c.SharedExpertIntermediateSize
	switch fam {
	case "llama4":
		shared = c.IntermediateSize
	case "deepseek", "glm4_moe":
		// n_shared_experts experts of moe_intermediate_size, fused into
		// one MLP; and the router's e_score_correction_bias.
		shared = c.NSharedExperts * inter
		if c.ModelType != "deepseek_v2" {
			s.add(roleSmall, e, 1, 1, 0) // e_score_correction_bias (noaux_tc routing)
		}
	}
	if shared > 0 {
		s.addMLP(shared, false, more)
		if fam == "qwen2_moe" || fam == "qwen3_next" {
			s.add(roleRouter, h, 1, 1, 0) // shared_expert_gate
		}
	}
}

// addVision estimates a vision tower from its config: per layer four
// attention projections and a two-matrix MLP, with biases and two
// LayerNorms, plus patch and position embeddings and a projector into
// the language model. Without intermediate_size the MLP is taken as 4×
// hidden, wider than SigLIP's 3.74× (so400m), so the guess errs high.
func (s *shape) addVision(top *Config) {
	v := top.VisionConfig
	if v == nil || v.HiddenSize <= 0 || v.NumHiddenLayers <= 0 {
		return
	}
	h := v.HiddenSize
	inter := v.IntermediateSize
	if inter <= 0 {
		inter = 4 * h
	}
	perLayer := 4*h*h + 4*h + 2*h*inter + inter + h + 4*h
	s.add(roleVision, perLayer, v.NumHiddenLayers, 1, 0)
	if v.PatchSize > 0 {
		s.add(roleVision, 3*v.PatchSize*v.PatchSize*h+h, 1, 1, 0)
		if v.ImageSize > 0 {
			n := v.ImageSize / v.PatchSize
			s.add(roleVision, h, n*n, 1, 0)
		}
	}
	out := firstPositive(v.ProjectorOutputDim, v.VisionOutputDim, h)
	if v.ProjectorInputDim > 0 {
		s.add(roleVision, v.ProjectorInputDim, out, 1, 0) // pixel-shuffle MLP
	}
	s.add(roleVision, out, s.hidden, 1, 0)
}

// extra counts what add does in f as multi-token-prediction parameters:
// in Params, and in nothing a runtime loads.
func (s *shape) extra(f func()) {
	before, roles, routed, experts := s.params, s.roles, s.routed, s.expertElems
	kvFull, kvHF := s.kvFull, s.kvHF
	f()
	s.mtpParams += s.params - before
	s.params, s.roles, s.routed, s.expertElems = before, roles, routed, experts
	s.kvFull, s.kvHF = kvFull, kvHF
}
