// CUDA dense layers (dense.cuh): the decode GEMV for few bfloat16 rows, cuBLAS for the rest. The only
// file that includes cuBLAS.
// Layout: cuBLAS is column-major, so the row-major y [n, rows] = x [n, cols] · Wᵀ is computed as the
// column-major Yᵀ [rows, n] = op_T(W_cm) · X_cm, where W_cm is W read column-major: [cols, rows] with
// lda = cols; X_cm [cols, n] with ldb = cols; Yᵀ with ldc = rows. So: transa = T, transb = N,
// m = rows, n = n, k = cols.
// Precision: CUBLAS_DEFAULT_MATH with CUBLAS_COMPUTE_32F: bfloat16 products accumulated in float32; float32
// GEMMs in plain float32 (TF32 needs CUBLAS_TF32_TENSOR_OP_MATH or a _FAST_ compute type, neither used).
#include "backend/cuda/dense.cuh"

#include <cublas_v2.h>

#include <climits>
#include <string>

#include "backend/cuda/elementwise.cuh"
#include "backend/cuda/linear.cuh"
#include "engine/status.h"

namespace nemotron::cuda {
namespace {

std::string status_text(cublasStatus_t status) {
  return std::string(cublasGetStatusName(status)) + " (" + cublasGetStatusString(status) + ")";
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) fail(NT_INTERNAL, std::string(what) + " failed: " + status_text(status));
}

std::string shape_text(int64_t n, const DeviceMatrix& w) {
  return "[" + std::to_string(n) + ", " + std::to_string(w.cols) + "] · [" + std::to_string(w.rows) + ", " +
         std::to_string(w.cols) + "]ᵀ";
}

// y [n, rows] = x [n, cols] (bfloat16) · Wᵀ + beta · y, float32 accumulation and output.
cublasStatus_t gemm_bf16(cublasHandle_t handle, const uint16_t* x, int64_t n, const DeviceMatrix& w, float beta,
                         float* y) {
  const float alpha = 1.0f;
  const int m_rows = static_cast<int>(w.rows), n_tokens = static_cast<int>(n), k_cols = static_cast<int>(w.cols);
  return cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, m_rows, n_tokens, k_cols, &alpha, w.data, CUDA_R_16BF, k_cols,
                      x, CUDA_R_16BF, k_cols, &beta, y, CUDA_R_32F, m_rows, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
}

// NVIDIA's recommendation for Hopper (cuBLAS docs, cublasSetWorkspace): 32 MiB.
constexpr int64_t kWorkspaceBytes = int64_t{32} << 20;

}  // namespace

DenseRunner::DenseRunner(cudaStream_t stream, ActivationPrecision precision) : stream_(stream), precision_(precision) {
  check(cublasCreate(&handle_), "cublasCreate");
  // The destructor does not run when the constructor throws: release the handle here.
  const cublasStatus_t s1 = cublasSetStream(handle_, stream_);
  const cublasStatus_t s2 = s1 == CUBLAS_STATUS_SUCCESS ? cublasSetMathMode(handle_, CUBLAS_DEFAULT_MATH) : s1;
  if (s2 != CUBLAS_STATUS_SUCCESS) {
    cublasDestroy(handle_);
    handle_ = nullptr;
    check(s2, s1 != CUBLAS_STATUS_SUCCESS ? "cublasSetStream" : "cublasSetMathMode");
  }
  try {
    workspace_ = DeviceBuffer(kWorkspaceBytes, "cuBLAS's workspace");
  } catch (...) {
    cublasDestroy(handle_);
    handle_ = nullptr;
    throw;
  }
  const cublasStatus_t s3 = cublasSetWorkspace(handle_, workspace_.as(), static_cast<size_t>(kWorkspaceBytes));
  if (s3 != CUBLAS_STATUS_SUCCESS) {
    cublasDestroy(handle_);
    handle_ = nullptr;
    check(s3, "cublasSetWorkspace");
  }
}

DenseRunner::~DenseRunner() {
  if (handle_) cublasDestroy(handle_);
}

void DenseRunner::run(const float* x, int64_t n, const DeviceMatrix& w, const float* bias, float* y,
                      uint16_t* scratch) const {
  if (n == 0 || w.rows == 0) return;
  require(w.cols > 0 && n <= INT_MAX && w.rows <= INT_MAX && w.cols <= INT_MAX, NT_INTERNAL,
          "dense: shape out of cuBLAS's int range: " + shape_text(n, w));
  if (w.dtype == DType::BF16 && n <= kGemvMaxTokens) {
    linear_bf16_decode(x, n, static_cast<const uint16_t*>(w.data), w.rows, w.cols, bias, y, stream_);
    return;
  }
  const int m_rows = static_cast<int>(w.rows), n_tokens = static_cast<int>(n), k_cols = static_cast<int>(w.cols);
  const float alpha = 1.0f, beta = 0.0f;  // beta = 0: y is written, never read (it may hold anything)
  cublasStatus_t status;
  switch (w.dtype) {
    case DType::BF16:
      require(scratch != nullptr, NT_INTERNAL, "dense: bfloat16 GEMM without scratch: " + shape_text(n, w));
      if (precision_ == ActivationPrecision::BF16) {
        round_to_bf16(x, n * w.cols, scratch, stream_);
        status = gemm_bf16(handle_, scratch, n, w, beta, y);
      } else {  // y = W·hi, then y += W·lo
        uint16_t* lo = scratch + n * w.cols;
        split_bf16(x, n * w.cols, scratch, lo, stream_);
        status = gemm_bf16(handle_, scratch, n, w, beta, y);
        if (status == CUBLAS_STATUS_SUCCESS) status = gemm_bf16(handle_, lo, n, w, 1.0f, y);
      }
      break;
    case DType::F32:
      status = cublasSgemm(handle_, CUBLAS_OP_T, CUBLAS_OP_N, m_rows, n_tokens, k_cols, &alpha,
                           static_cast<const float*>(w.data), k_cols, x, k_cols, &beta, y, m_rows);
      break;
    default:
      fail(NT_UNSUPPORTED, "dense: float16 weights are not supported on CUDA: " + shape_text(n, w));
  }
  if (status != CUBLAS_STATUS_SUCCESS)
    fail(NT_INTERNAL, "dense: cuBLAS GEMM " + shape_text(n, w) + " failed: " + status_text(status));
  if (bias) add_bias(y, n, w.rows, bias, stream_);
}

}  // namespace nemotron::cuda
