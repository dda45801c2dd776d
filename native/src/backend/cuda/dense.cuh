// CUDA dense layers, y [n, rows] = x [n, cols] · Wᵀ (+ bias), float32 x and y, W as the checkpoint
// stores it (bfloat16 or float32), every pointer in device memory:
//   bfloat16 W, n ≤ kGemvMaxTokens: the decode GEMV (linear.cuh), x read as float32;
//   bfloat16 W, more rows: cuBLAS (bf16 × bf16, float32 accumulation and output) on x rounded to
//     bfloat16 (ActivationPrecision::BF16, vLLM's choice: relative error ~2⁻⁹ per input), or on x split
//     into two bfloat16 halves, W·hi + W·lo (ActivationPrecision::F32: float32-accurate, twice the GEMM
//     work: for verifying against references and for users who want the CPU's numbers);
//   float32 W: cuBLAS SGEMM with TF32 off (exact float32 products).
// Only dense.cu and limits.cu include cuBLAS (the check build where cuBLAS is missing compiles every other .cu).
// One DenseRunner per stream: it owns the cuBLAS handle (RAII) bound to that stream.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "backend/cuda/runner/device_buffer.cuh"
#include "ops/tensor_view.h"

struct cublasContext;  // cublas_v2.h's handle type: only dense.cu needs cuBLAS's headers

namespace nemotron::cuda {

// Up to this many rows the GEMV: its lanes re-read x from L1 for every weight row, and past two tokens
// that traffic, not the weights', bounds it (on an H100 a whole 9B-shape decode step reached 67 % of the
// read bandwidth at batch 1 but 28 % at batch 8, all dense layers on the GEMV). Not yet measured: where
// exactly cuBLAS overtakes it.
constexpr int64_t kGemvMaxTokens = 2;

enum class ActivationPrecision { BF16, F32 };

struct DeviceMatrix {
  const void* data = nullptr;  // [rows, cols] row-major, device memory
  DType dtype = DType::BF16;
  int64_t rows = 0, cols = 0;
};

class DenseRunner {
 public:
  // Throws Error(NT_INTERNAL / NT_UNSUPPORTED) when cuBLAS fails.
  DenseRunner(cudaStream_t stream, ActivationPrecision precision);
  ~DenseRunner();
  DenseRunner(const DenseRunner&) = delete;
  DenseRunner& operator=(const DenseRunner&) = delete;

  // scratch: at least scratch_elements(n, cols) bfloat16 (used for bfloat16 W with n > kGemvMaxTokens).
  // bias may be null.
  void run(const float* x, int64_t n, const DeviceMatrix& w, const float* bias, float* y, uint16_t* scratch) const;
  int64_t scratch_elements(int64_t n, int64_t cols) const {
    return (precision_ == ActivationPrecision::F32 ? 2 : 1) * n * cols;
  }

 private:
  cudaStream_t stream_;
  ActivationPrecision precision_;
  cublasContext* handle_ = nullptr;
  // cuBLAS's workspace, given to it up front: a call then never allocates, so the calls can be captured
  // into a CUDA graph.
  DeviceBuffer workspace_;
};

}  // namespace nemotron::cuda
