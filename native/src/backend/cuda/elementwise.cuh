// The small CUDA kernels around the big ones: embedding rows, RMSNorm (alone and fused with the
// residual add), relu², Mamba's dt, bfloat16 rounding of activations for the GEMMs, K/V rows into the
// paged cache, and row gathers. Every pointer in device memory; launches are asynchronous on `stream`.
// The float math is the CPU backend's (ops/*.h contracts), in float32.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "ops/tensor_view.h"

namespace nemotron::cuda {

// x [n, hidden] = table[tokens[i]] widened to float32 (table [vocab, hidden], float32 or bfloat16).
void embed_rows(const int32_t* tokens, int64_t n, const void* table, DType table_dtype, int64_t hidden, float* x,
                cudaStream_t stream);

// h [n, width] = x / sqrt(mean(x²) + eps) · weight (ops/rmsnorm.h).
void rmsnorm(const float* x, int64_t n, int64_t width, const float* weight, float eps, float* h, cudaStream_t stream);

// The residual add and the next block's pre-norm in one pass: x += delta, then h = rmsnorm(x) · weight.
void add_rmsnorm(float* x, const float* delta, int64_t n, int64_t width, const float* weight, float eps, float* h,
                 cudaStream_t stream);

// x [n] += delta [n]
void add_in_place(float* x, const float* delta, int64_t n, cudaStream_t stream);

// x = max(x, 0)² in place, n elements (the MLP's relu²).
void relu_squared(float* x, int64_t n, cudaStream_t stream);

// y [n, width] += bias [width]
void add_bias(float* y, int64_t n, int64_t width, const float* bias, cudaStream_t stream);

// out [n] = x [n] rounded to bfloat16 (round to nearest even, as torch's .to(bfloat16)).
void round_to_bf16(const float* x, int64_t n, uint16_t* out, cudaStream_t stream);

// x as the sum of two bfloat16 halves: hi [n] = bf16(x), lo [n] = bf16(x − hi). hi + lo keeps 16 of x's
// 24 significand bits, so two bf16 GEMMs (W·hi + W·lo) give float32-accurate products (dense.cuh).
void split_bf16(const float* x, int64_t n, uint16_t* hi, uint16_t* lo, cudaStream_t stream);

// Mamba's dt: dt [n, n_heads] = clamp(softplus(raw[t · raw_stride + h] + dt_bias[h]), dt_min, dt_max),
// softplus as torch (x > 20: x, else log1p(exp(x))).
void mamba_dt(const float* raw, int64_t n, int64_t n_heads, int64_t raw_stride, const float* dt_bias, float dt_min,
              float dt_max, float* dt, cudaStream_t stream);

// K/V of n new tokens into one attention layer's paged pools: row r of k and v (row_floats floats at
// row stride src_stride) goes to pool row pool_rows[r] (= block · block_tokens + position % block_tokens)
// of k_pool / v_pool [.., row_floats].
void kv_scatter(const float* k, const float* v, int64_t n, int64_t row_floats, int64_t src_stride,
                const int64_t* pool_rows, float* k_pool, float* v_pool, cudaStream_t stream);

// out [n, width] = rows rows[i] of x [.., width].
void gather_rows(const float* x, const int32_t* rows, int64_t n, int64_t width, float* out, cudaStream_t stream);

// Row rows[i] of out [.., width] = row i of x [n, width], for every i with rows[i] >= 0 (rows distinct).
void scatter_rows(const float* x, const int32_t* rows, int64_t n, int64_t width, float* out, cudaStream_t stream);

}  // namespace nemotron::cuda
