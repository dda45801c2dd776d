// conv1d decode step on CUDA, batched over sequences: cuda::conv1d_update_batched against
// ref::conv1d_update run on each sequence alone, on fresh random inputs (conv states scattered in one
// pool in reversed order, padded input rows, channel counts off the block size, kernel 2 to 4, with and
// without bias, the 0.5b and 9B-v2 conv widths). Both out and the shifted states are compared; a
// second step checks that the state carries.
#include <cuda_runtime.h>

#include <string>

#include "backend/cuda/conv1d.cuh"
#include "cuda_support.h"
#include "ops/conv1d.h"

namespace nemotron {
namespace {
using namespace test;

constexpr double kTol = 1e-6;  // ≤ 4 products and one expf per output

struct Case {
  int64_t n_seqs, conv_dim, kernel, row_pad;
  bool bias;
  std::string describe() const {
    return "{n_seqs=" + std::to_string(n_seqs) + " conv_dim=" + std::to_string(conv_dim) +
           " kernel=" + std::to_string(kernel) + " row_pad=" + std::to_string(row_pad) +
           (bias ? " bias}" : " no-bias}");
  }
};

std::vector<Case> cases() {
  return {
      {1, 192, 4, 0, true},     // tiny-a
      {3, 37, 2, 5, false},     // fewer channels than a block, kernel 2
      {4, 300, 3, 1, true},     // a partial second block, kernel 3
      {5, 4096, 4, 0, true},    // the 0.5b shape's xBC
      {2, 12288, 4, 8, true},   // NVIDIA-Nemotron-Nano-9B-v2's xBC
  };
}

void check_against_reference(const Case& c) {
  Rng rng(c.n_seqs * 131 + c.conv_dim * 7 + c.kernel);
  const int64_t hist = c.kernel - 1, stride = c.conv_dim + c.row_pad, state_size = c.conv_dim * hist;
  const ConvShape one{1, c.conv_dim, c.kernel, stride};
  const ConvShape batch{c.n_seqs, c.conv_dim, c.kernel, stride};
  const std::vector<float> weight = rng.uniform(c.conv_dim * c.kernel, -1.0f, 1.0f);
  const std::vector<float> bias = rng.uniform(c.conv_dim, -0.5f, 0.5f);
  std::vector<float> pool = rng.uniform((c.n_seqs + 1) * state_size, -1.0f, 1.0f);  // one spare slot
  DeviceArray<float> d_x(c.n_seqs * stride), d_w(weight.size()), d_b(bias.size()), d_pool(pool.size()),
      d_out(c.n_seqs * c.conv_dim);
  DeviceArray<float*> d_states(c.n_seqs);
  if (!(d_x.ok() && d_w.ok() && d_b.ok() && d_pool.ok() && d_out.ok() && d_states.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  std::vector<float*> states(c.n_seqs);
  for (int64_t i = 0; i < c.n_seqs; ++i) states[i] = d_pool.get() + (c.n_seqs - i) * state_size;
  CUDA_CHECK(d_w.upload(weight));
  CUDA_CHECK(d_b.upload(bias));
  CUDA_CHECK(d_pool.upload(pool));
  CUDA_CHECK(d_states.upload(states));
  std::vector<float> want_pool = pool;
  for (int step = 0; step < 2; ++step) {
    const std::vector<float> x = rng.uniform(c.n_seqs * stride, -2.0f, 2.0f);
    std::vector<float> want(c.n_seqs * c.conv_dim), got(want.size(), NAN), got_pool(pool.size(), NAN);
    for (int64_t i = 0; i < c.n_seqs; ++i)
      ref::conv1d_update(one, x.data() + i * stride, weight.data(), c.bias ? bias.data() : nullptr,
                         want_pool.data() + (c.n_seqs - i) * state_size, want.data() + i * c.conv_dim);
    CUDA_CHECK(d_x.upload(x));
    cuda::conv1d_update_batched(batch, d_x.get(), d_w.get(), c.bias ? d_b.get() : nullptr, d_states.get(), d_out.get(),
                                /*stream=*/nullptr);
    CUDA_CHECK(cudaGetLastError());
    CUDA_CHECK(d_out.download(got));
    CUDA_CHECK(d_pool.download(got_pool));
    CHECK_CLOSE(got, want, kTol);
    CHECK_CLOSE(got_pool, want_pool, kTol);  // shifted states, and the spare slot untouched
  }
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_conv1d_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("conv1d_cuda", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_conv1d_cuda");
}
