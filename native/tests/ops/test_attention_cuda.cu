// Paged attention on CUDA against ref::attention_paged on fresh random inputs, blocks scattered over a
// shared pool in shuffled order with spare blocks nobody owns. Decode, batched over sequences:
// cuda::attention_decode_paged against the reference run on each sequence alone, context lengths from 1
// (the new token only) to past a thousand, block sizes 1 / 5 / 16, head_dim off the warp width, GQA
// ratios 1 / 4 / 5, the 0.5b and 9B-v2 attention shapes, padded query rows. Prefill of one sequence:
// cuda::attention_prefill_paged with and without cached positions, 1 to 1100 tokens (query tiles of 64
// ± 1), block sizes 1 / 7 / 16, GQA ratios 1 / 2 / 5, head_dim 1 to 256 (every tiling), padded query
// rows, sharp and flat softmax; prefill a + b (the second call with n_past + a) equals the reference.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "backend/cuda/attention.cuh"
#include "cuda_support.h"
#include "ops/attention.h"

namespace nemotron {
namespace {
using namespace test;

constexpr double kTol = 1e-5;  // float32 online softmax vs the double reference
constexpr float kSentinel = -777.0f;  // prefill out before the call: a row left unwritten fails
constexpr int64_t kGuard = 7;         // floats after prefill out that must stay kSentinel

struct Case {
  int64_t n_heads, n_kv_heads, head_dim, block_tokens, q_pad;
  std::vector<int32_t> lens;  // one per sequence
  std::string describe() const {
    std::string l;
    for (int32_t x : lens) l += " " + std::to_string(x);
    return "{n_heads=" + std::to_string(n_heads) + " n_kv_heads=" + std::to_string(n_kv_heads) +
           " head_dim=" + std::to_string(head_dim) + " block_tokens=" + std::to_string(block_tokens) +
           " q_pad=" + std::to_string(q_pad) + " lens=" + l + "}";
  }
};

std::vector<Case> cases() {
  return {
      {4, 2, 24, 16, 0, {1}},                 // tiny-a, the first token
      {4, 4, 20, 5, 3, {7, 1, 33}},           // head_dim below a warp's multiple, blocks of 5
      {8, 2, 40, 1, 0, {100, 5}},             // one position per block
      {10, 2, 72, 16, 2, {300, 17, 1, 64}},   // GQA 5, head_dim off 32
      {16, 4, 64, 16, 0, {1025, 400}},        // the 0.5b shape, past a thousand positions
      {40, 8, 128, 16, 0, {513, 2, 97}},      // NVIDIA-Nemotron-Nano-9B-v2
  };
}

void check_against_reference(const Case& c) {
  const int64_t n_seqs = static_cast<int64_t>(c.lens.size());
  Rng rng(c.n_heads * 31 + c.head_dim * 7 + c.block_tokens + n_seqs);
  const int64_t D = c.head_dim, row = c.n_kv_heads * D, q_stride = c.n_heads * D + c.q_pad;
  int64_t max_blocks = 0, total_blocks = 0;
  for (int32_t len : c.lens) {
    const int64_t blocks = (len + c.block_tokens - 1) / c.block_tokens;
    max_blocks = std::max(max_blocks, blocks);
    total_blocks += blocks;
  }
  total_blocks += 2;  // spare blocks nobody owns
  std::vector<int32_t> ids(total_blocks);
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), std::mt19937(static_cast<unsigned>(total_blocks)));
  std::vector<int32_t> tables(n_seqs * max_blocks, -1);
  int64_t next = 0;
  for (int64_t i = 0; i < n_seqs; ++i)
    for (int64_t b = 0; b < (c.lens[i] + c.block_tokens - 1) / c.block_tokens; ++b) tables[i * max_blocks + b] = ids[next++];
  const std::vector<float> k_pool = rng.uniform(total_blocks * c.block_tokens * row, -1.0f, 1.0f);
  const std::vector<float> v_pool = rng.uniform(k_pool.size(), -1.0f, 1.0f);
  const std::vector<float> q = rng.uniform(n_seqs * q_stride, -1.0f, 1.0f);
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));

  std::vector<float> want(n_seqs * c.n_heads * D), got(want.size(), NAN);
  for (int64_t i = 0; i < n_seqs; ++i) {
    const AttentionShape s{1, c.lens[i] - 1, c.n_heads, c.n_kv_heads, D, q_stride};
    const PagedKv kv{k_pool.data(), v_pool.data(), c.block_tokens, tables.data() + i * max_blocks};
    ref::attention_paged(s, q.data() + i * q_stride, kv, scale, want.data() + i * c.n_heads * D);
  }

  DeviceArray<float> d_k(k_pool.size()), d_v(v_pool.size()), d_q(q.size()), d_out(want.size());
  DeviceArray<int32_t> d_tables(tables.size()), d_lens(c.lens.size());
  if (!(d_k.ok() && d_v.ok() && d_q.ok() && d_out.ok() && d_tables.ok() && d_lens.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(d_k.upload(k_pool));
  CUDA_CHECK(d_v.upload(v_pool));
  CUDA_CHECK(d_q.upload(q));
  CUDA_CHECK(d_tables.upload(tables));
  CUDA_CHECK(d_lens.upload(c.lens));
  const cuda::PagedDecodeBatch b{n_seqs, c.n_heads, c.n_kv_heads, D, q_stride, d_k.get(), d_v.get(),
                                 c.block_tokens, d_tables.get(), max_blocks, d_lens.get()};
  cuda::attention_decode_paged(b, d_q.get(), scale, d_out.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_out.download(got));
  CHECK_CLOSE(got, want, kTol);
}

struct PrefillCase {
  int64_t n_heads, n_kv_heads, head_dim, block_tokens, q_pad, n_past, n_tokens;
  float q_range;  // q uniform in ±q_range: 1 gives a flat softmax, 8 a sharp one
  int64_t split;  // > 0: run as a prefill of split tokens, then one of the rest
  std::string describe() const {
    return "{n_heads=" + std::to_string(n_heads) + " n_kv_heads=" + std::to_string(n_kv_heads) +
           " head_dim=" + std::to_string(head_dim) + " block_tokens=" + std::to_string(block_tokens) +
           " q_pad=" + std::to_string(q_pad) + " n_past=" + std::to_string(n_past) +
           " n_tokens=" + std::to_string(n_tokens) + " q_range=" + std::to_string(q_range) +
           " split=" + std::to_string(split) + "}";
  }
};

std::vector<PrefillCase> prefill_cases() {
  return {
      {4, 2, 24, 16, 0, 0, 1, 1, 0},         // tiny-a, the first token
      {4, 2, 24, 16, 3, 0, 5, 1, 2},         // tiny-a, a short prompt in two calls
      {4, 4, 64, 7, 5, 10, 64, 1, 0},        // GQA 1, blocks of 7, one full query tile after a past
      {8, 4, 64, 1, 0, 0, 65, 8, 0},         // GQA 2, one position per block, a query tile + 1, sharp
      {10, 2, 128, 16, 4, 37, 300, 1, 100},  // GQA 5, past off the block size, split
      {40, 8, 128, 16, 0, 0, 300, 8, 0},     // NVIDIA-Nemotron-Nano-9B-v2, sharp
      {40, 8, 128, 16, 128, 1000, 65, 1, 0}, // NVIDIA-Nemotron-Nano-9B-v2 after a thousand positions
      {2, 1, 256, 7, 8, 3, 65, 1, 0},        // head_dim 256 (key tiles of 32)
      {4, 2, 256, 16, 0, 100, 130, 8, 64},   // head_dim 256 across tiles, split at a query tile
      {6, 3, 200, 5, 1, 0, 70, 1, 0},        // head_dim in the 4th chunk, not a multiple of 64
      {3, 1, 130, 16, 2, 0, 64, 1, 0},       // head_dim off a float4 (3rd chunk)
      {2, 2, 20, 3, 0, 5, 33, 1, 0},         // head_dim 20: an odd number of float4s
      {5, 5, 1, 4, 0, 2, 9, 8, 0},           // head_dim 1
      {16, 4, 64, 16, 0, 0, 1100, 1, 0},     // the 0.5b shape, many query and key tiles
  };
}

void check_prefill(const PrefillCase& c) {
  Rng rng(c.n_heads * 131 + c.head_dim * 7 + c.block_tokens + c.n_past * 3 + c.n_tokens);
  const int64_t D = c.head_dim, row = c.n_kv_heads * D, q_stride = c.n_heads * D + c.q_pad;
  const int64_t n_keys = c.n_past + c.n_tokens, n_blocks = (n_keys + c.block_tokens - 1) / c.block_tokens;
  const int64_t pool_blocks = n_blocks + 3;  // spare blocks nobody owns
  std::vector<int32_t> ids(pool_blocks);
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), std::mt19937(static_cast<unsigned>(pool_blocks * 7 + c.n_tokens)));
  const std::vector<int32_t> table(ids.begin(), ids.begin() + n_blocks);
  const std::vector<float> k_pool = rng.uniform(pool_blocks * c.block_tokens * row, -1.0f, 1.0f);
  const std::vector<float> v_pool = rng.uniform(k_pool.size(), -1.0f, 1.0f);
  const std::vector<float> q = rng.uniform(c.n_tokens * q_stride, -c.q_range, c.q_range);
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const int64_t out_row = c.n_heads * D;

  std::vector<float> want(c.n_tokens * out_row + kGuard, kSentinel);
  const AttentionShape whole{c.n_tokens, c.n_past, c.n_heads, c.n_kv_heads, D, q_stride};
  ref::attention_paged(whole, q.data(), {k_pool.data(), v_pool.data(), c.block_tokens, table.data()}, scale, want.data());

  DeviceArray<float> d_k(k_pool.size()), d_v(v_pool.size()), d_q(q.size()), d_out(want.size());
  DeviceArray<int32_t> d_table(table.size());
  if (!(d_k.ok() && d_v.ok() && d_q.ok() && d_out.ok() && d_table.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(d_k.upload(k_pool));
  CUDA_CHECK(d_v.upload(v_pool));
  CUDA_CHECK(d_q.upload(q));
  CUDA_CHECK(d_table.upload(table));
  CUDA_CHECK(d_out.upload(std::vector<float>(want.size(), kSentinel)));
  const PagedKv kv{d_k.get(), d_v.get(), c.block_tokens, d_table.get()};
  if (c.split == 0) {
    cuda::attention_prefill_paged(whole, d_q.get(), kv, scale, d_out.get(), /*stream=*/nullptr);
  } else {
    const AttentionShape first{c.split, c.n_past, c.n_heads, c.n_kv_heads, D, q_stride};
    const AttentionShape second{c.n_tokens - c.split, c.n_past + c.split, c.n_heads, c.n_kv_heads, D, q_stride};
    cuda::attention_prefill_paged(first, d_q.get(), kv, scale, d_out.get(), /*stream=*/nullptr);
    cuda::attention_prefill_paged(second, d_q.get() + c.split * q_stride, kv, scale, d_out.get() + c.split * out_row,
                                  /*stream=*/nullptr);
  }
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> got(want.size());
  CUDA_CHECK(d_out.download(got));
  // The rows and the guard apart: the guard's kSentinel would inflate max_rel_error's scale.
  const int64_t n_out = c.n_tokens * out_row;
  CHECK_CLOSE(std::vector<float>(got.begin(), got.begin() + n_out), std::vector<float>(want.begin(), want.begin() + n_out),
              kTol);
  CHECK(std::all_of(got.begin() + n_out, got.end(), [](float e) { return e == kSentinel; }));
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_attention_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("attention_cuda", nemotron::cases(), nemotron::check_against_reference);
  nemotron::test::run_cases("attention_prefill_cuda", nemotron::prefill_cases(), nemotron::check_prefill);
  return nemotron::test::finish("test_attention_cuda");
}
