// CUDA dense layers: cuda::DenseRunner against ref::linear on fresh random inputs, on a stream of its own.
// bfloat16 W: n ≤ kGemvMaxTokens takes the decode GEMV (float32 x, compared with the reference on x itself);
// more rows take cuBLAS, on x rounded to bfloat16 (ActivationPrecision::BF16: compared with the reference on
// that rounded x, which isolates the GEMM from the rounding the contract asks for) or on x split into two
// bfloat16 halves (ActivationPrecision::F32: compared with the reference on x itself). float32 W: cuBLAS in
// float32 for every n (TF32 would fail the tolerance). n = 1, 2 | 3, 8, 9, 64, 300; odd rows and columns;
// with and without bias; y starts as NaN; a weight pointer off alignment; float16 weights refused with
// NT_UNSUPPORTED. Exits 77 when no device.
#include <cuda_runtime.h>

#include <exception>
#include <string>

#include "backend/cuda/dense.cuh"
#include "backend/cuda/linear.cuh"
#include "cuda_support.h"
#include "engine/status.h"
#include "ops/linear.h"
#include "ops/tensor_view.h"

namespace nemotron {
namespace {
using namespace test;

// float32 sums of up to 4480 products against the double reference (as test_linear_cuda).
constexpr double kDecodeTol = 2e-5;
// bf16 × bf16 products are exact in float32; what remains is float32 accumulation over ≤ 4480 terms, in
// cuBLAS's order. Not rounding x (or truncating it) would be off by ~1e-3.
constexpr double kBf16GemmTol = 1e-4;
// float32 GEMM: float32 accumulation only. TF32 inputs (10-bit mantissas) would be off by ~3e-4.
constexpr double kF32GemmTol = 2e-5;
// W·hi + W·lo: hi + lo carries 16 significant bits of x (error ≤ 2⁻¹⁷ relative per input) and two float32
// accumulations; a single bf16 rounding of x would be off by ~1e-3, a dropped lo half likewise.
constexpr double kSplitGemmTol = 5e-5;

struct Case {
  int64_t n, rows, cols;
  DType dtype;
  bool bias;
  int64_t w_offset = 0;  // elements the weights start past an aligned allocation
  cuda::ActivationPrecision precision = cuda::ActivationPrecision::BF16;
  std::string describe() const {
    return "{n=" + std::to_string(n) + " rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) +
           (dtype == DType::BF16 ? " bf16" : " f32") + (bias ? " bias" : " no-bias") +
           " w_offset=" + std::to_string(w_offset) +
           (precision == cuda::ActivationPrecision::F32 ? " split-activations}" : "}");
  }
};

std::vector<Case> cases() {
  return {
      // bfloat16, decode GEMV
      {1, 513, 72, DType::BF16, true},
      {2, 5, 4480, DType::BF16, false},  // the last n on the GEMV
      // bfloat16, cuBLAS
      {3, 513, 4480, DType::BF16, true},  // the first n on cuBLAS
      {8, 513, 4480, DType::BF16, true},
      {9, 5, 72, DType::BF16, false},
      {17, 37, 72, DType::BF16, true, 1},  // W 2 bytes off 16-byte alignment
      {64, 513, 72, DType::BF16, true},
      {300, 5, 13, DType::BF16, true},
      {300, 513, 4480, DType::BF16, false},
      // bfloat16, cuBLAS on split activations (the GEMV ignores the precision)
      {1, 513, 72, DType::BF16, true, 0, cuda::ActivationPrecision::F32},
      {3, 513, 4480, DType::BF16, true, 0, cuda::ActivationPrecision::F32},
      {64, 513, 4480, DType::BF16, false, 0, cuda::ActivationPrecision::F32},
      {300, 37, 72, DType::BF16, true, 1, cuda::ActivationPrecision::F32},
      // float32, cuBLAS at every n
      {1, 5, 72, DType::F32, true},
      {3, 513, 4480, DType::F32, false},
      {8, 513, 13, DType::F32, true},
      {9, 513, 72, DType::F32, true},
      {64, 5, 4480, DType::F32, true},
      {300, 513, 4480, DType::F32, false},
  };
}

std::vector<float> rounded_to_bf16(const std::vector<float>& x) {
  std::vector<float> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = bf16_to_float(float_to_bf16(x[i]));
  return out;
}

cudaStream_t g_stream = nullptr;  // a non-default stream: the runner must launch everything on it

void check_against_reference(const Case& c) {
  Rng rng(c.n * 131 + c.rows * 7 + c.cols + static_cast<int64_t>(c.dtype));
  const bool bf16 = c.dtype == DType::BF16, gemv = bf16 && c.n <= cuda::kGemvMaxTokens;
  const bool split = bf16 && !gemv && c.precision == cuda::ActivationPrecision::F32;
  const std::vector<float> wf = rng.uniform(c.rows * c.cols, -1.0f, 1.0f);
  const std::vector<float> x = rng.uniform(c.n * c.cols, -1.0f, 1.0f);
  const std::vector<float> bias = rng.uniform(c.rows, -1.0f, 1.0f);
  std::vector<uint16_t> w16(c.w_offset + wf.size());
  for (size_t i = 0; i < wf.size(); ++i) w16[c.w_offset + i] = float_to_bf16(wf[i]);

  WeightView view;
  view.data = bf16 ? static_cast<const void*>(w16.data() + c.w_offset) : wf.data();
  view.dtype = c.dtype;
  view.rows = c.rows;
  view.cols = c.cols;
  const std::vector<float> x_ref = bf16 && !gemv && !split ? rounded_to_bf16(x) : x;
  std::vector<float> want(c.n * c.rows), got(want.size());
  ref::linear(x_ref.data(), c.n, view, c.bias ? bias.data() : nullptr, want.data());

  DeviceArray<uint16_t> d_w16(w16.size()), d_scratch(2 * c.n * c.cols);
  DeviceArray<float> d_wf(wf.size()), d_x(x.size()), d_b(bias.size()), d_y(want.size());
  if (!(d_w16.ok() && d_scratch.ok() && d_wf.ok() && d_x.ok() && d_b.ok() && d_y.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(d_w16.upload(w16));
  CUDA_CHECK(d_wf.upload(wf));
  CUDA_CHECK(d_x.upload(x));
  CUDA_CHECK(d_b.upload(bias));
  CUDA_CHECK(cudaMemset(d_y.get(), 0xff, want.size() * sizeof(float)));  // NaN: beta = 0 must not read y

  cuda::DeviceMatrix w;
  w.data = bf16 ? static_cast<const void*>(d_w16.get() + c.w_offset) : d_wf.get();
  w.dtype = c.dtype;
  w.rows = c.rows;
  w.cols = c.cols;
  // Scratch only where the contract uses it, so a path that touched it anyway would fault.
  uint16_t* scratch = bf16 && !gemv ? d_scratch.get() : nullptr;
  try {
    cuda::DenseRunner runner(g_stream, c.precision);
    CHECK(runner.scratch_elements(c.n, c.cols) == (c.precision == cuda::ActivationPrecision::F32 ? 2 : 1) * c.n * c.cols);
    runner.run(d_x.get(), c.n, w, c.bias ? d_b.get() : nullptr, d_y.get(), scratch);
  } catch (const std::exception& e) {
    report_failure(__FILE__, __LINE__, std::string("DenseRunner threw: ") + e.what());
    return;
  }
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaStreamSynchronize(g_stream));
  CUDA_CHECK(d_y.download(got));
  CHECK_CLOSE(got, want, gemv ? kDecodeTol : split ? kSplitGemmTol : bf16 ? kBf16GemmTol : kF32GemmTol);
}

// float16 weights have no CUDA dense path: a typed error, not a wrong answer.
void check_f16_refused() {
  DeviceArray<uint16_t> d_w(4 * 16), d_scratch(16 * 16);
  DeviceArray<float> d_x(16 * 16), d_y(16 * 4);
  if (!(d_w.ok() && d_scratch.ok() && d_x.ok() && d_y.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  cuda::DeviceMatrix w;
  w.data = d_w.get();
  w.dtype = DType::F16;
  w.rows = 4;
  w.cols = 16;
  int32_t code = NT_OK;
  try {
    cuda::DenseRunner runner(g_stream, cuda::ActivationPrecision::BF16);
    runner.run(d_x.get(), 16, w, nullptr, d_y.get(), d_scratch.get());
  } catch (const Error& e) {
    code = e.code();
  } catch (const std::exception& e) {
    report_failure(__FILE__, __LINE__, std::string("unexpected exception: ") + e.what());
    return;
  }
  CHECK(code == NT_UNSUPPORTED);
  std::printf("dense_cuda_f16_refused: done\n");
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  if (!test::cuda_device_usable("test_dense_cuda")) return test::kSkipExitCode;
  if (cudaStreamCreate(&g_stream) != cudaSuccess) {
    std::printf("test_dense_cuda: cudaStreamCreate failed\n");
    return 1;
  }
  test::run_cases("dense_cuda", cases(), check_against_reference);
  check_f16_refused();
  cudaStreamDestroy(g_stream);
  return test::finish("test_dense_cuda");
}
