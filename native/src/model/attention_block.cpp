// Attention mixer forward over a batch: projections once over all rows, then each sequence's new K/V
// rows into its KV blocks and its queries over its paged cache.
#include "model/attention_block.h"

#include <algorithm>
#include <cmath>

#include "ops/attention.h"
#include "model/dense.h"

namespace nemotron {
AttentionWeights AttentionWeights::bind(WeightStore& store, const HParams& hp, const std::string& p) {
  AttentionWeights w;
  const int64_t H = hp.hidden_size, q_dim = hp.n_heads * hp.attn_head_dim, kv_dim = hp.n_kv_heads * hp.attn_head_dim;
  w.q_proj = store.matrix(p + "q_proj.weight", {q_dim, H});
  w.k_proj = store.matrix(p + "k_proj.weight", {kv_dim, H});
  w.v_proj = store.matrix(p + "v_proj.weight", {kv_dim, H});
  w.o_proj = store.matrix(p + "o_proj.weight", {H, q_dim});
  if (hp.attention_bias) {
    w.q_bias = store.floats(p + "q_proj.bias", {q_dim});
    w.k_bias = store.floats(p + "k_proj.bias", {kv_dim});
    w.v_bias = store.floats(p + "v_proj.bias", {kv_dim});
    w.o_bias = store.floats(p + "o_proj.bias", {H});
  }
  return w;
}

void attention_forward(const BlockInput& in, const AttentionWeights& w, int64_t attention_layer) {
  const HParams& hp = in.hp;
  const int64_t n = in.n_rows, q_dim = hp.n_heads * hp.attn_head_dim, kv_dim = hp.n_kv_heads * hp.attn_head_dim;

  std::vector<float> q(static_cast<size_t>(n * q_dim)), k(static_cast<size_t>(n * kv_dim)), v(k.size());
  dense(in, in.h, w.q_proj, w.q_bias, q.data());
  dense(in, in.h, w.k_proj, w.k_bias, k.data());
  dense(in, in.h, w.v_proj, w.v_bias, v.data());

  std::vector<float> attended(static_cast<size_t>(n * q_dim));
  const float scale = 1.0f / std::sqrt(static_cast<float>(hp.attn_head_dim));
  for (const BatchSlice& slice : in.slices) {
    SequenceState& state = *slice.state;
    const int64_t n_past = state.length(), r0 = slice.first_row;
    // The new tokens' K/V rows go to their positions' blocks (reserved before the pass).
    for (int64_t t = 0; t < slice.n_tokens; ++t) {
      std::copy_n(k.data() + (r0 + t) * kv_dim, kv_dim, state.k_row(attention_layer, n_past + t));
      std::copy_n(v.data() + (r0 + t) * kv_dim, kv_dim, state.v_row(attention_layer, n_past + t));
    }
    const AttentionShape as{slice.n_tokens, n_past, hp.n_heads, hp.n_kv_heads, hp.attn_head_dim, q_dim};
    const PagedKv kv{state.kv_pool().k_pool(attention_layer), state.kv_pool().v_pool(attention_layer),
                     state.kv_pool().block_tokens(), state.block_table()};
    cpu::attention_paged(as, q.data() + r0 * q_dim, kv, scale, attended.data() + r0 * q_dim);
  }
  dense(in, attended.data(), w.o_proj, w.o_bias, in.out);
}

}  // namespace nemotron
