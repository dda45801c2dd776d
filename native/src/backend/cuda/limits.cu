// measure_device_limits: best of several timed repetitions of each, timed with CUDA events.
#include "backend/cuda/limits.cuh"

#include <cublas_v2.h>

#include <algorithm>
#include <cstdint>

#include "backend/cuda/runner/device_buffer.cuh"

namespace nemotron::cuda {
namespace {

// Each thread sums 16-byte loads strided over the grid; one atomic per block keeps the result live so
// the loads cannot be optimised away.
__global__ void read_all(const uint4* __restrict__ data, int64_t n, unsigned int* sink) {
  uint32_t acc = 0;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const uint4 v = data[i];
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  __shared__ uint32_t block_acc;
  if (threadIdx.x == 0) block_acc = 0;
  __syncthreads();
  atomicXor(&block_acc, acc);
  __syncthreads();
  if (threadIdx.x == 0) atomicXor(sink, block_acc);
}

template <class F>
double best_ms(cudaStream_t stream, int repeats, F&& launch) {
  cudaEvent_t start, stop;
  check_cuda(cudaEventCreate(&start), "cudaEventCreate");
  check_cuda(cudaEventCreate(&stop), "cudaEventCreate");
  float best = 1e30f;
  for (int r = 0; r < repeats; ++r) {
    check_cuda(cudaEventRecord(start, stream), "cudaEventRecord");
    launch();
    check_cuda(cudaEventRecord(stop, stream), "cudaEventRecord");
    check_cuda(cudaEventSynchronize(stop), "timing a limit");
    float ms = 0;
    check_cuda(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    best = std::min(best, ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return best;
}

void check_cublas(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    fail(NT_INTERNAL, std::string(what) + ": cuBLAS status " + std::to_string(static_cast<int>(status)));
}

}  // namespace

DeviceLimits measure_device_limits(int device) {
  check_cuda(cudaSetDevice(device), "cudaSetDevice");
  DeviceLimits limits{};
  cudaDeviceProp prop{};
  check_cuda(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  {
    const int64_t bytes = int64_t{2} << 30;  // 2 GiB: ≫ L2 (50 MB on an H100)
    DeviceBuffer buffer(bytes, "the bandwidth probe");
    DeviceBuffer sink(16, "the bandwidth probe");
    check_cuda(cudaMemset(buffer.as(), 1, static_cast<size_t>(bytes)), "cudaMemset");
    const int64_t n = bytes / 16;
    const int blocks = prop.multiProcessorCount * 8;
    const double ms = best_ms(nullptr, 10, [&] { read_all<<<blocks, 512>>>(buffer.as<uint4>(), n, sink.as<unsigned>()); });
    check_cuda(cudaGetLastError(), "the bandwidth probe");
    limits.read_gb_s = static_cast<double>(bytes) / (ms * 1e-3) / 1e9;
  }
  {
    const int64_t n = 8192;
    DeviceBuffer a(n * n * 2, "the GEMM probe"), b(n * n * 2, "the GEMM probe"), c(n * n * 4, "the GEMM probe");
    check_cuda(cudaMemset(a.as(), 0x3c, static_cast<size_t>(n * n * 2)), "cudaMemset");
    check_cuda(cudaMemset(b.as(), 0x3c, static_cast<size_t>(n * n * 2)), "cudaMemset");
    cublasHandle_t handle = nullptr;
    check_cublas(cublasCreate(&handle), "cublasCreate");
    const float alpha = 1.0f, beta = 0.0f;
    cublasStatus_t status = CUBLAS_STATUS_SUCCESS;
    const double ms = best_ms(nullptr, 10, [&] {
      status = cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(n),
                            static_cast<int>(n), &alpha, a.as(), CUDA_R_16BF, static_cast<int>(n), b.as(), CUDA_R_16BF,
                            static_cast<int>(n), &beta, c.as(), CUDA_R_32F, static_cast<int>(n), CUBLAS_COMPUTE_32F,
                            CUBLAS_GEMM_DEFAULT);
    });
    cublasDestroy(handle);
    check_cublas(status, "the GEMM probe");
    limits.bf16_gemm_tflop_s = 2.0 * n * n * n / (ms * 1e-3) / 1e12;
  }
  return limits;
}

}  // namespace nemotron::cuda
