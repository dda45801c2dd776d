// bf16 decode GEMV on CUDA: cuda::linear_bf16_decode against ref::linear on fresh random inputs, for 1 to
// 8 tokens, with and without bias: the 16-byte path (the 0.5b and 9B-v2 in_proj / out_proj shapes, a
// lm_head-like wide matrix) and the element path (columns not a multiple of 8, and a weight pointer off
// 16-byte alignment).
#include <cuda_runtime.h>

#include <string>

#include "backend/cuda/linear.cuh"
#include "cuda_support.h"
#include "ops/linear.h"
#include "ops/tensor_view.h"

namespace nemotron {
namespace {
using namespace test;

constexpr double kTol = 2e-5;  // float32 sums of up to 4480 products vs the double reference

struct Case {
  int64_t rows, cols, n_tokens, w_offset;  // w_offset: elements the weights start past an aligned base
  bool bias;
  std::string describe() const {
    return "{rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) + " n_tokens=" + std::to_string(n_tokens) +
           " w_offset=" + std::to_string(w_offset) + (bias ? " bias}" : " no-bias}");
  }
};

std::vector<Case> cases() {
  return {
      {64, 64, 1, 0, false},     {300, 1000, 3, 0, true},   {37, 13, 5, 0, true},    {100, 256, 2, 1, false},
      {6176, 1024, 1, 0, false}, {1024, 2048, 8, 0, true},  {4096, 1024, 4, 0, false},
      {17504, 4480, 1, 0, false},  // 9B-v2 in_proj
      {4480, 8960, 7, 0, false},   // 9B-v2 out_proj
  };
}

void check_against_reference(const Case& c) {
  Rng rng(c.rows * 31 + c.cols * 7 + c.n_tokens);
  const std::vector<float> wf = rng.uniform(c.rows * c.cols, -1.0f, 1.0f);
  std::vector<uint16_t> w(c.w_offset + wf.size());
  for (size_t i = 0; i < wf.size(); ++i) w[c.w_offset + i] = float_to_bf16(wf[i]);
  const std::vector<float> x = rng.uniform(c.n_tokens * c.cols, -1.0f, 1.0f);
  const std::vector<float> bias = rng.uniform(c.rows, -1.0f, 1.0f);
  WeightView view;
  view.data = w.data() + c.w_offset;
  view.dtype = DType::BF16;
  view.rows = c.rows;
  view.cols = c.cols;
  std::vector<float> want(c.n_tokens * c.rows), got(want.size(), NAN);
  ref::linear(x.data(), c.n_tokens, view, c.bias ? bias.data() : nullptr, want.data());

  DeviceArray<uint16_t> d_w(w.size());
  DeviceArray<float> d_x(x.size()), d_b(bias.size()), d_y(want.size());
  if (!(d_w.ok() && d_x.ok() && d_b.ok() && d_y.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(d_w.upload(w));
  CUDA_CHECK(d_x.upload(x));
  CUDA_CHECK(d_b.upload(bias));
  cuda::linear_bf16_decode(d_x.get(), c.n_tokens, d_w.get() + c.w_offset, c.rows, c.cols, c.bias ? d_b.get() : nullptr,
                           d_y.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_y.download(got));
  CHECK_CLOSE(got, want, kTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_linear_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("linear_cuda", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_linear_cuda");
}
