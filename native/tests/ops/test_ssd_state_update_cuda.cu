// ssd_state_update on CUDA, batched over sequences: cuda::ssd_state_update_batched against
// ref::ssd_state_update run on each sequence alone, on fresh random inputs (states scattered in one pool
// in shuffled order, padded input rows, odd sizes, one group and many, the 0.5b and 9B-v2 head shapes).
// Both y and the updated states are compared. Exits 77 (ctest's SKIP_RETURN_CODE) when no CUDA device
// is usable, so a skip is visible, never a pass.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>

#include "backend/cuda/ssd_state_update.cuh"
#include "ops/ssd_state_update.h"
#include "cuda_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 against double: d_state products summed by a warp tree; ~1e-7 relative to the output scale.
constexpr double kTol = 1e-5;

struct Case {
  int64_t n_seqs, n_heads, head_dim, n_groups, d_state, row_pad;
  std::string describe() const {
    return "{n_seqs=" + std::to_string(n_seqs) + " n_heads=" + std::to_string(n_heads) +
           " head_dim=" + std::to_string(head_dim) + " n_groups=" + std::to_string(n_groups) +
           " d_state=" + std::to_string(d_state) + " row_pad=" + std::to_string(row_pad) + "}";
  }
};

std::vector<Case> cases() {
  return {
      {1, 4, 16, 2, 16, 0},     // tiny-a's shape
      {3, 8, 7, 4, 5, 3},       // odd sizes, fewer d_state than a warp
      {4, 6, 33, 3, 40, 1},     // head_dim and d_state off every power of two
      {2, 4, 16, 1, 64, 0},     // one group for all heads
      {5, 32, 64, 8, 128, 0},   // the 0.5b shape
      {2, 128, 80, 8, 128, 4},  // NVIDIA-Nemotron-Nano-9B-v2
      // The float4 path (aligned rows, d_state % 4 == 0) at its edges:
      {3, 4, 18, 2, 8, 0},      // head_dim off the 4 × kRowsPerWarp rows a block takes per pass; 2 quads
      {2, 2, 12, 1, 132, 0},    // 33 quads: a lane takes a second one
  };
}

void check_against_reference(const Case& c) {
  Rng rng(c.n_seqs * 7919 + c.n_heads * 131 + c.head_dim * 17 + c.d_state);
  const SsdShape s{c.n_heads, c.head_dim, c.n_groups, c.d_state, 0};
  const int64_t d_inner = c.n_heads * c.head_dim, gN = c.n_groups * c.d_state;
  const int64_t stride = d_inner + 2 * gN + c.row_pad;  // x | B | C | pad, as the conv output lays them out
  const int64_t state_size = c.n_heads * c.head_dim * c.d_state;
  const std::vector<float> rows = rng.uniform(c.n_seqs * stride, -1.0f, 1.0f);
  const std::vector<float> dt = rng.uniform(c.n_seqs * c.n_heads, 0.001f, 0.5f);
  const std::vector<float> A = rng.uniform(c.n_heads, -8.0f, -0.5f);
  const std::vector<float> D = rng.uniform(c.n_heads, -1.0f, 1.0f);
  // The pool holds one spare slot; sequence i lives in slot order[i].
  std::vector<float> pool = rng.uniform((c.n_seqs + 1) * state_size, -1.0f, 1.0f);
  std::vector<int64_t> order(c.n_seqs + 1);
  std::iota(order.begin(), order.end(), 0);
  std::reverse(order.begin(), order.end());

  std::vector<float> want_pool = pool, want_y(c.n_seqs * d_inner);
  for (int64_t i = 0; i < c.n_seqs; ++i) {
    const float* row = rows.data() + i * stride;
    const SsdInputs in{1, row, row + d_inner, row + d_inner + gN, stride, dt.data() + i * c.n_heads, A.data(), D.data()};
    ref::ssd_state_update(s, in, want_pool.data() + order[i] * state_size, want_y.data() + i * d_inner);
  }

  DeviceArray<float> d_rows(rows.size()), d_dt(dt.size()), d_A(A.size()), d_D(D.size()), d_pool(pool.size()),
      d_y(want_y.size());
  DeviceArray<float*> d_states(c.n_seqs);
  if (!(d_rows.ok() && d_dt.ok() && d_A.ok() && d_D.ok() && d_pool.ok() && d_y.ok() && d_states.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  std::vector<float*> states(c.n_seqs);
  for (int64_t i = 0; i < c.n_seqs; ++i) states[i] = d_pool.get() + order[i] * state_size;
  CUDA_CHECK(d_rows.upload(rows));
  CUDA_CHECK(d_dt.upload(dt));
  CUDA_CHECK(d_A.upload(A));
  CUDA_CHECK(d_D.upload(D));
  CUDA_CHECK(d_pool.upload(pool));
  CUDA_CHECK(d_states.upload(states));
  const float* r = d_rows.get();
  const SsdInputs in{c.n_seqs, r, r + d_inner, r + d_inner + gN, stride, d_dt.get(), d_A.get(), d_D.get()};
  cuda::ssd_state_update_batched(s, in, d_states.get(), d_y.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> got_y(want_y.size(), NAN), got_pool(pool.size(), NAN);
  CUDA_CHECK(d_y.download(got_y));
  CUDA_CHECK(d_pool.download(got_pool));
  CHECK_CLOSE(got_y, want_y, kTol);
  CHECK_CLOSE(got_pool, want_pool, kTol);  // the spare slot must come back untouched
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_ssd_state_update_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("ssd_state_update_cuda", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_ssd_state_update_cuda");
}
