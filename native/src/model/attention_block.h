// The attention mixer ('*'): q/k/v projections, K/V appended to the sequence's cache, causal GQA
// attention with no positional encoding, o_proj.
#pragma once
#include <string>
#include <vector>

#include "cache/sequence_state.h"
#include "model/block_context.h"
#include "weights/weight_store.h"

namespace nemotron {

struct AttentionWeights {
  WeightView q_proj;  // [n_heads × head_dim, hidden]
  WeightView k_proj;  // [n_kv_heads × head_dim, hidden]
  WeightView v_proj;  // [n_kv_heads × head_dim, hidden]
  WeightView o_proj;  // [hidden, n_heads × head_dim]
  std::vector<float> q_bias, k_bias, v_bias, o_bias;  // empty unless attention_bias

  static AttentionWeights bind(WeightStore& store, const HParams& hp, const std::string& prefix);
};

// Runs the slices of `in` through attention layer `attention_layer` (its index among the attention
// layers); each slice's K/V rows are written to its sequence's reserved blocks.
void attention_forward(const BlockInput& in, const AttentionWeights& w, int64_t attention_layer);

}  // namespace nemotron
