// CUDA decode attention over the paged KV cache for a batch of sequences, one new token each: the
// contract of ops/attention.h (attention_paged with n_tokens = 1) applied to each sequence, every
// pointer in device memory. Sequence i's query is row i of q (row stride q_stride), its positions are
// 0 .. context_lens[i] − 1 (the new token's K/V already written), found through block_tables row i
// (row stride max_blocks). out [n_seqs, n_heads, head_dim]. head_dim ≤ 256.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "ops/attention.h"

namespace nemotron::cuda {

struct PagedDecodeBatch {
  int64_t n_seqs, n_heads, n_kv_heads, head_dim;
  int64_t q_stride;
  const float* k_pool;          // [n_blocks, block_tokens, n_kv_heads, head_dim]
  const float* v_pool;
  int64_t block_tokens;
  const int32_t* block_tables;  // [n_seqs, max_blocks]
  int64_t max_blocks;
  const int32_t* context_lens;  // [n_seqs]
};

// Prefill attention of one sequence over the paged KV cache (flash-style: causal, GQA, online softmax
// in float32): the contract of ops/attention.h's attention_paged, every pointer (block_table included)
// in device memory; the new tokens' K/V are already in the pool. head_dim ≤ 256.
void attention_prefill_paged(const AttentionShape& s, const float* q, const PagedKv& kv, float scale, float* out,
                             cudaStream_t stream);

void attention_decode_paged(const PagedDecodeBatch& b, const float* q, float scale, float* out, cudaStream_t stream);

}  // namespace nemotron::cuda
