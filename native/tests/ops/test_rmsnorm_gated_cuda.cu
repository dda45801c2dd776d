// rmsnorm_gated on CUDA: cuda::rmsnorm_gated against ref::rmsnorm_gated on the same case list as the CPU
// test (n_groups 1 and > 1, odd group sizes, strided y / z views, out aliasing y). Exits 77 (ctest's
// SKIP_RETURN_CODE) with a message when no CUDA device is usable, so a skip is visible, never a pass.
#include <cuda_runtime.h>

#include <cstdio>

#include "backend/cuda/rmsnorm_gated.cuh"
#include "ops/rmsnorm_gated.h"
#include "ops/rmsnorm_gated_cases.h"
#include "cuda_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 on both sides of the reference: silu via __expf (~2 ulp) and a tree reduction of ≤ 1024 squares:
// a few 1e-7 relative to the output scale; 1e-5 keeps margin while any wrong index or group is O(1e-1).
constexpr double kGatedNormTol = 1e-5;
constexpr float kEps = 0.05f;  // large enough that a dropped or misplaced eps shows (mean square ~1)

using Case = GatedNormCase;
inline std::vector<Case> cases() { return gated_norm_cases(); }

void check_against_reference(const Case& c) {
  Rng rng(c.n_tokens * 104729 + c.d_inner * 31 + c.n_groups);
  const GatedNormShape s{c.n_tokens, c.d_inner, c.n_groups, c.d_inner + c.y_pad, c.d_inner + c.z_pad};
  const std::vector<float> y = rng.uniform(c.n_tokens * s.y_stride, -2.0f, 2.0f);
  const std::vector<float> z = rng.uniform(c.n_tokens * s.z_stride, -4.0f, 4.0f);
  const std::vector<float> weight = rng.uniform(c.d_inner, 0.5f, 1.5f);
  std::vector<float> want(c.n_tokens * c.d_inner);
  ref::rmsnorm_gated(s, y.data(), z.data(), weight.data(), kEps, want.data());

  DeviceArray<float> d_y(y.size()), d_z(z.size()), d_w(weight.size()), d_out(want.size());
  if (!(d_y.ok() && d_z.ok() && d_w.ok() && d_out.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(cudaMemcpy(d_y.get(), y.data(), y.size() * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_z.get(), z.data(), z.size() * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_w.get(), weight.data(), weight.size() * sizeof(float), cudaMemcpyHostToDevice));
  float* out = c.in_place ? d_y.get() : d_out.get();
  cuda::rmsnorm_gated(s, d_y.get(), d_z.get(), d_w.get(), kEps, out, /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> got(want.size(), NAN);
  CUDA_CHECK(cudaMemcpy(got.data(), out, got.size() * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK_CLOSE(got, want, kGatedNormTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_rmsnorm_gated_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("rmsnorm_gated_cuda", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_rmsnorm_gated_cuda");
}
