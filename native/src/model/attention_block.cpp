// Attention mixer forward for one sequence over its contiguous K/V cache.
#include "model/attention_block.h"

#include <cmath>

#include "ops/attention.h"
#include "ops/linear.h"

namespace nemotron {
namespace {
const float* bias_or_null(const std::vector<float>& b) { return b.empty() ? nullptr : b.data(); }
}  // namespace

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

void attention_forward(const BlockInput& in, const AttentionWeights& w, KvLayerCache& cache, int64_t n_past) {
  const HParams& hp = in.hp;
  const int64_t T = in.n_tokens, q_dim = hp.n_heads * hp.attn_head_dim, kv_dim = hp.n_kv_heads * hp.attn_head_dim;

  std::vector<float> q(static_cast<size_t>(T * q_dim));
  cpu::linear(in.h, T, w.q_proj, bias_or_null(w.q_bias), q.data());
  // K/V rows of the new tokens go straight to the end of the cache: [n_past + T, n_kv_heads, head_dim]
  const size_t old_rows = static_cast<size_t>(n_past * kv_dim), new_rows = static_cast<size_t>((n_past + T) * kv_dim);
  cache.k.resize(new_rows);  // capacity was reserved: cannot throw
  cache.v.resize(new_rows);
  cpu::linear(in.h, T, w.k_proj, bias_or_null(w.k_bias), cache.k.data() + old_rows);
  cpu::linear(in.h, T, w.v_proj, bias_or_null(w.v_bias), cache.v.data() + old_rows);

  std::vector<float> attended(static_cast<size_t>(T * q_dim));
  const AttentionShape as{T, n_past, hp.n_heads, hp.n_kv_heads, hp.attn_head_dim, q_dim};
  const float scale = 1.0f / std::sqrt(static_cast<float>(hp.attn_head_dim));
  cpu::attention_causal(as, q.data(), cache.k.data(), cache.v.data(), scale, attended.data());
  cpu::linear(attended.data(), T, w.o_proj, bias_or_null(w.o_bias), in.out);
}

}  // namespace nemotron
