// Contract: causal grouped-query attention of new tokens over a sequence's cached K/V (no positional
// encoding: Nemotron-H attention has no RoPE). Query head h reads KV head h / (n_heads / n_kv_heads).
//   q        [n_tokens, n_heads, head_dim]           float32, row stride q_stride
//   k_cache  [n_past + n_tokens, n_kv_heads, head_dim] float32 contiguous (new tokens already appended)
//   v_cache  same shape as k_cache
//   out      [n_tokens, n_heads, head_dim]            float32 contiguous
// Token t sits at position n_past + t and attends to positions 0 .. n_past + t. scale = 1/sqrt(head_dim).
// Softmax with a running max in float32 (reference: double, two passes).
#pragma once
#include <cstdint>

namespace nemotron {
struct AttentionShape {
  int64_t n_tokens, n_past;
  int64_t n_heads, n_kv_heads, head_dim;
  int64_t q_stride;
};
namespace ref { void attention_causal(const AttentionShape& s, const float* q, const float* k_cache, const float* v_cache, float scale, float* out); }
namespace cpu { void attention_causal(const AttentionShape& s, const float* q, const float* k_cache, const float* v_cache, float scale, float* out); }
}  // namespace nemotron
