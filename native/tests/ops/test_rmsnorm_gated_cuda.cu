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

using Case = GatedNormCase;
inline std::vector<Case> cases() { return gated_norm_cases(); }

void check_against_reference(const Case& c) {
  const GatedNormInputs in = gated_norm_inputs(c);
  DeviceArray<float> d_y(in.y.size()), d_z(in.z.size()), d_w(in.weight.size()), d_out(in.want.size());
  if (!(d_y.ok() && d_z.ok() && d_w.ok() && d_out.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(d_y.upload(in.y));
  CUDA_CHECK(d_z.upload(in.z));
  CUDA_CHECK(d_w.upload(in.weight));
  float* out = c.in_place ? d_y.get() : d_out.get();
  cuda::rmsnorm_gated(in.shape, d_y.get(), d_z.get(), d_w.get(), kGatedNormEps, out, /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> got(in.want.size(), NAN);
  CUDA_CHECK(cudaMemcpy(got.data(), out, got.size() * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK_CLOSE(got, in.want, kGatedNormTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_rmsnorm_gated_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("rmsnorm_gated_cuda", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_rmsnorm_gated_cuda");
}
