// CUDA dense layer for decode: y [n_tokens, rows] = x [n_tokens, cols] · Wᵀ + bias with W bfloat16
// [rows, cols] used as stored (every pointer in device memory), for the few tokens of a decode step
// (n_tokens ≤ 8), where reading W once at full bandwidth is the whole job (cuBLAS reaches only 1.92 of
// 2.97 TB/s at the 9B in_proj shape, DESIGN.md). Accumulation in float32. Prefill GEMMs go to cuBLAS.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

namespace nemotron::cuda {

constexpr int64_t kMaxDecodeTokens = 8;

void linear_bf16_decode(const float* x, int64_t n_tokens, const uint16_t* w, int64_t rows, int64_t cols,
                        const float* bias, float* y, cudaStream_t stream);

}  // namespace nemotron::cuda
