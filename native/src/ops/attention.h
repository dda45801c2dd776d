// Contract: causal grouped-query attention of new tokens over a sequence's cached K/V (no positional
// encoding: Nemotron-H attention has no RoPE). Query head h reads KV head h / (n_heads / n_kv_heads).
//   q        [n_tokens, n_heads, head_dim]           float32, row stride q_stride
//   k_cache  [n_past + n_tokens, n_kv_heads, head_dim] float32 contiguous (new tokens already appended)
//   v_cache  same shape as k_cache
//   out      [n_tokens, n_heads, head_dim]            float32 contiguous
// Token t sits at position n_past + t and attends to positions 0 .. n_past + t. scale = 1/sqrt(head_dim).
// Softmax with a running max in float32 (reference: double, two passes).
//
// attention_paged: the same attention with the sequence's K/V in one layer's pool of fixed-size blocks
// shared by all sequences (vLLM's layout). Position p is row p % block_tokens of pool block
// block_table[p / block_tokens]:
//   k_pool       [n_blocks, block_tokens, n_kv_heads, head_dim] float32 contiguous (new tokens already written)
//   v_pool       same shape as k_pool
//   block_table  [ceil((n_past + n_tokens) / block_tokens)] int32, any order; blocks may repeat across
//                sequences (prefix sharing) but not within the table
// Only the table's rows for positions 0 .. n_past + n_tokens − 1 are read. out aliases nothing.
// Determinism: each output row is a function of its q row, its position and the K/V of positions
// 0 .. position only. cpu:: gives the same bits for any thread count, any split of the tokens into calls
// (prefill a + b = a then b = one token at a time), any batch and any block size or table (on one ISA).
// Accumulation in float32 (cpu: per fixed-size key partition, merged in position order).
#pragma once
#include <cstdint>

namespace nemotron {
struct AttentionShape {
  int64_t n_tokens, n_past;
  int64_t n_heads, n_kv_heads, head_dim;
  int64_t q_stride;
};

// One attention layer's KV pool as a sequence sees it.
struct PagedKv {
  const float* k_pool;          // [n_blocks, block_tokens, n_kv_heads, head_dim]
  const float* v_pool;          // same
  int64_t block_tokens;         // positions per block, ≥ 1
  const int32_t* block_table;   // the sequence's blocks in position order
};

namespace ref {
void attention_causal(const AttentionShape& s, const float* q, const float* k_cache, const float* v_cache, float scale, float* out);
void attention_paged(const AttentionShape& s, const float* q, const PagedKv& kv, float scale, float* out);
}  // namespace ref
namespace cpu {
void attention_causal(const AttentionShape& s, const float* q, const float* k_cache, const float* v_cache, float scale, float* out);
void attention_paged(const AttentionShape& s, const float* q, const PagedKv& kv, float scale, float* out);
}  // namespace cpu
}  // namespace nemotron
