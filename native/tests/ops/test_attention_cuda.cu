// Paged decode attention on CUDA, batched over sequences: cuda::attention_decode_paged against
// ref::attention_paged run on each sequence alone, on fresh random inputs: blocks of each sequence
// scattered over a shared pool in shuffled order, context lengths from 1 (the new token only) to past a
// thousand, block sizes 1 / 5 / 16, head_dim off the warp width, GQA ratios 1 / 4 / 5, the 0.5b and
// 9B-v2 attention shapes, padded query rows.
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

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_attention_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("attention_cuda", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_attention_cuda");
}
