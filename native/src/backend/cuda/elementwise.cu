// The small CUDA kernels of elementwise.cuh. All are memory-bound, so each is one coalesced pass:
//   row kernels (embed_rows, add_bias, mamba_dt, kv_scatter, gather_rows, scatter_rows): grid.x strides over rows,
//     grid.y × blockDim.x over the columns of a row (no division per element; any n, any width);
//   flat kernels (add_in_place, relu_squared, round_to_bf16): a grid-stride loop over the elements;
//   rmsnorm / add_rmsnorm: one block per row (blocks stride over rows), a block reduction of x².
// Precision plan: float32 throughout, the CPU backend's formulas; bfloat16 conversions bit-exact with
// ops/tensor_view.h (widening by shift, rounding to nearest even in integer arithmetic, NaN kept quiet).
#include "backend/cuda/elementwise.cuh"

#include <cuda_fp16.h>

#include <algorithm>
#include <string>

#include "engine/status.h"

namespace nemotron::cuda {
namespace {

constexpr int kWarp = 32;
constexpr int kMaxThreads = 256;          // row and flat kernels
constexpr int kMaxNormThreads = 1024;     // rmsnorm: a lone decode row still gets many loads in flight
constexpr int64_t kMaxGridX = 1 << 30;    // under the 2³¹ − 1 limit; rows beyond it are strided
constexpr int64_t kMaxGridY = 65535;      // CUDA's grid.y limit; columns beyond it are strided
constexpr int64_t kMaxFlatBlocks = 8192;  // ~8 waves of 256-thread blocks on an H100; the loop strides on

// ---- bfloat16, bit-exact with ops/tensor_view.h ------------------------------------------------------

__device__ __forceinline__ float bf16_bits_to_float(uint16_t h) { return __uint_as_float(static_cast<uint32_t>(h) << 16); }

__device__ __forceinline__ uint16_t float_to_bf16_bits(float f) {
  uint32_t u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);  // NaN, made quiet
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

// ---- launch shapes -------------------------------------------------------------------------------------

struct RowLaunch {
  dim3 grid;
  unsigned threads;
};

// Threads: the row's width rounded up to whole warps, at most kMaxThreads.
RowLaunch row_launch(int64_t n_rows, int64_t width) {
  const int64_t threads = std::min<int64_t>(kMaxThreads, (width + kWarp - 1) / kWarp * kWarp);
  const int64_t blocks_y = std::min(kMaxGridY, (width + threads - 1) / threads);
  const int64_t blocks_x = std::min(kMaxGridX, n_rows);
  return {dim3(static_cast<unsigned>(blocks_x), static_cast<unsigned>(blocks_y)), static_cast<unsigned>(threads)};
}

unsigned flat_blocks(int64_t n) { return static_cast<unsigned>(std::min(kMaxFlatBlocks, (n + kMaxThreads - 1) / kMaxThreads)); }

// Loop heads shared by the row kernels: `row` over [0, n_rows), `col` over [0, width).
#define FOR_EACH_ROW(row, n_rows) for (int64_t row = blockIdx.x; row < (n_rows); row += gridDim.x)
#define FOR_EACH_COL(col, width)                                                                         \
  for (int64_t col = static_cast<int64_t>(blockIdx.y) * blockDim.x + threadIdx.x; col < (width);          \
       col += static_cast<int64_t>(gridDim.y) * blockDim.x)
#define FOR_EACH_ELEMENT(i, n)                                                                           \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n);                  \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

// ---- embed_rows ----------------------------------------------------------------------------------------

__device__ __forceinline__ float widen(float v) { return v; }
__device__ __forceinline__ float widen(uint16_t v) { return bf16_bits_to_float(v); }
__device__ __forceinline__ float widen(__half v) { return __half2float(v); }  // exact, subnormals included

template <class T>
__global__ void embed_kernel(const int32_t* __restrict__ tokens, int64_t n, const T* __restrict__ table, int64_t hidden,
                             float* __restrict__ x) {
  FOR_EACH_ROW(t, n) {
    const T* src = table + static_cast<int64_t>(tokens[t]) * hidden;
    FOR_EACH_COL(c, hidden) x[t * hidden + c] = widen(src[c]);
  }
}

// ---- rmsnorm / add_rmsnorm -----------------------------------------------------------------------------

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// Sum of v over the block (blockDim.x a multiple of 32, at most 1024), returned to every thread. Safe to
// call once per loop iteration: warp 0 reads warp_sums before the second barrier, and every thread reads
// total before it can reach the next call's first barrier, after which alone total is rewritten.
__device__ float block_sum(float v) {
  __shared__ float warp_sums[kMaxNormThreads / kWarp];
  __shared__ float total;
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp, n_warps = blockDim.x / kWarp;
  v = warp_sum(v);
  if (lane == 0) warp_sums[warp] = v;
  __syncthreads();
  if (warp == 0) {
    float w = lane < n_warps ? warp_sums[lane] : 0.0f;
    w = warp_sum(w);
    if (lane == 0) total = w;
  }
  __syncthreads();
  return total;
}

// One block per row. With kAdd the first pass also does x += delta and stores it. Every element is read
// and written by the same thread in both passes, so h may alias x. x carries no __restrict__ (written
// with kAdd; aliasing h otherwise).
template <bool kAdd>
__global__ void __launch_bounds__(kMaxNormThreads) rmsnorm_kernel(float* x, const float* __restrict__ delta, int64_t n,
                                                                  int64_t width, const float* __restrict__ weight,
                                                                  float eps, float* h) {
  FOR_EACH_ROW(row, n) {
    float* xr = x + row * width;
    float* hr = h + row * width;
    float sum_sq = 0.0f;
    for (int64_t i = threadIdx.x; i < width; i += blockDim.x) {
      float v = xr[i];
      if constexpr (kAdd) {
        v += delta[row * width + i];
        xr[i] = v;
      }
      sum_sq += v * v;
    }
    const float inv_rms = 1.0f / sqrtf(block_sum(sum_sq) / static_cast<float>(width) + eps);  // as cpu::rmsnorm
    for (int64_t i = threadIdx.x; i < width; i += blockDim.x) hr[i] = xr[i] * inv_rms * weight[i];
  }
}

template <bool kAdd>
void launch_rmsnorm(float* x, const float* delta, int64_t n, int64_t width, const float* weight, float eps, float* h,
                    cudaStream_t stream) {
  if (n == 0 || width == 0) return;
  // About 4 elements per thread (4480 → 1024 threads), whole warps, 32 – 1024 threads.
  const int64_t threads = std::clamp<int64_t>(((width + 3) / 4 + kWarp - 1) / kWarp * kWarp, kWarp, kMaxNormThreads);
  const auto blocks = static_cast<unsigned>(std::min(kMaxGridX, n));
  rmsnorm_kernel<kAdd><<<blocks, static_cast<unsigned>(threads), 0, stream>>>(x, delta, n, width, weight, eps, h);
}

// ---- flat kernels --------------------------------------------------------------------------------------

__global__ void add_in_place_kernel(float* __restrict__ x, const float* __restrict__ delta, int64_t n) {
  FOR_EACH_ELEMENT(i, n) x[i] += delta[i];
}

__global__ void relu_squared_kernel(float* __restrict__ x, int64_t n) {
  FOR_EACH_ELEMENT(i, n) {
    const float u = x[i];
    x[i] = u > 0.0f ? u * u : 0.0f;  // as mlp_block.cpp (NaN → 0)
  }
}

__global__ void round_to_bf16_kernel(const float* __restrict__ x, int64_t n, uint16_t* __restrict__ out) {
  FOR_EACH_ELEMENT(i, n) out[i] = float_to_bf16_bits(x[i]);
}

__global__ void split_bf16_kernel(const float* __restrict__ x, int64_t n, uint16_t* __restrict__ hi,
                                  uint16_t* __restrict__ lo) {
  FOR_EACH_ELEMENT(i, n) {
    const uint16_t h = float_to_bf16_bits(x[i]);
    hi[i] = h;
    lo[i] = float_to_bf16_bits(x[i] - bf16_bits_to_float(h));  // the difference is exact in float32
  }
}

// ---- row kernels ---------------------------------------------------------------------------------------

__global__ void add_bias_kernel(float* __restrict__ y, int64_t n, int64_t width, const float* __restrict__ bias) {
  FOR_EACH_ROW(t, n) FOR_EACH_COL(c, width) y[t * width + c] += bias[c];
}

// softplus as torch computes it (threshold 20), then the time_step_limit clamp, as mamba2_block.cpp.
__global__ void mamba_dt_kernel(const float* __restrict__ raw, int64_t n, int64_t n_heads, int64_t raw_stride,
                                const float* __restrict__ dt_bias, float dt_min, float dt_max, float* __restrict__ dt) {
  FOR_EACH_ROW(t, n) FOR_EACH_COL(h, n_heads) {
    const float x = raw[t * raw_stride + h] + dt_bias[h];
    const float v = x > 20.0f ? x : log1pf(expf(x));
    dt[t * n_heads + h] = fminf(fmaxf(v, dt_min), dt_max);
  }
}

__global__ void kv_scatter_kernel(const float* __restrict__ k, const float* __restrict__ v, int64_t n,
                                  int64_t row_floats, int64_t src_stride, const int64_t* __restrict__ pool_rows,
                                  float* __restrict__ k_pool, float* __restrict__ v_pool) {
  FOR_EACH_ROW(r, n) {
    const int64_t dst = pool_rows[r] * row_floats;
    FOR_EACH_COL(c, row_floats) {
      k_pool[dst + c] = k[r * src_stride + c];
      v_pool[dst + c] = v[r * src_stride + c];
    }
  }
}

__global__ void gather_rows_kernel(const float* __restrict__ x, const int32_t* __restrict__ rows, int64_t n,
                                   int64_t width, float* __restrict__ out) {
  FOR_EACH_ROW(i, n) {
    const float* src = x + static_cast<int64_t>(rows[i]) * width;
    FOR_EACH_COL(c, width) out[i * width + c] = src[c];
  }
}

__global__ void scatter_rows_kernel(const float* __restrict__ x, const int32_t* __restrict__ rows, int64_t n,
                                    int64_t width, float* __restrict__ out) {
  FOR_EACH_ROW(i, n) {
    if (rows[i] < 0) continue;
    float* dst = out + static_cast<int64_t>(rows[i]) * width;
    FOR_EACH_COL(c, width) dst[c] = x[i * width + c];
  }
}

}  // namespace

void embed_rows(const int32_t* tokens, int64_t n, const void* table, DType table_dtype, int64_t hidden, float* x,
                cudaStream_t stream) {
  if (n == 0 || hidden == 0) return;
  const RowLaunch l = row_launch(n, hidden);
  switch (table_dtype) {
    case DType::F32:
      embed_kernel<<<l.grid, l.threads, 0, stream>>>(tokens, n, static_cast<const float*>(table), hidden, x);
      return;
    case DType::BF16:
      embed_kernel<<<l.grid, l.threads, 0, stream>>>(tokens, n, static_cast<const uint16_t*>(table), hidden, x);
      return;
    case DType::F16:
      embed_kernel<<<l.grid, l.threads, 0, stream>>>(tokens, n, static_cast<const __half*>(table), hidden, x);
      return;
  }
  fail(NT_INTERNAL, "embed_rows: unknown table dtype " + std::to_string(static_cast<int>(table_dtype)));
}

void rmsnorm(const float* x, int64_t n, int64_t width, const float* weight, float eps, float* h, cudaStream_t stream) {
  // Without kAdd the kernel only reads x.
  launch_rmsnorm<false>(const_cast<float*>(x), nullptr, n, width, weight, eps, h, stream);
}

void add_rmsnorm(float* x, const float* delta, int64_t n, int64_t width, const float* weight, float eps, float* h,
                 cudaStream_t stream) {
  launch_rmsnorm<true>(x, delta, n, width, weight, eps, h, stream);
}

void add_in_place(float* x, const float* delta, int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  add_in_place_kernel<<<flat_blocks(n), kMaxThreads, 0, stream>>>(x, delta, n);
}

void relu_squared(float* x, int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  relu_squared_kernel<<<flat_blocks(n), kMaxThreads, 0, stream>>>(x, n);
}

void add_bias(float* y, int64_t n, int64_t width, const float* bias, cudaStream_t stream) {
  if (n == 0 || width == 0) return;
  const RowLaunch l = row_launch(n, width);
  add_bias_kernel<<<l.grid, l.threads, 0, stream>>>(y, n, width, bias);
}

void round_to_bf16(const float* x, int64_t n, uint16_t* out, cudaStream_t stream) {
  if (n == 0) return;
  round_to_bf16_kernel<<<flat_blocks(n), kMaxThreads, 0, stream>>>(x, n, out);
}

void split_bf16(const float* x, int64_t n, uint16_t* hi, uint16_t* lo, cudaStream_t stream) {
  if (n == 0) return;
  split_bf16_kernel<<<flat_blocks(n), kMaxThreads, 0, stream>>>(x, n, hi, lo);
}

void mamba_dt(const float* raw, int64_t n, int64_t n_heads, int64_t raw_stride, const float* dt_bias, float dt_min,
              float dt_max, float* dt, cudaStream_t stream) {
  if (n == 0 || n_heads == 0) return;
  const RowLaunch l = row_launch(n, n_heads);
  mamba_dt_kernel<<<l.grid, l.threads, 0, stream>>>(raw, n, n_heads, raw_stride, dt_bias, dt_min, dt_max, dt);
}

void kv_scatter(const float* k, const float* v, int64_t n, int64_t row_floats, int64_t src_stride,
                const int64_t* pool_rows, float* k_pool, float* v_pool, cudaStream_t stream) {
  if (n == 0 || row_floats == 0) return;
  const RowLaunch l = row_launch(n, row_floats);
  kv_scatter_kernel<<<l.grid, l.threads, 0, stream>>>(k, v, n, row_floats, src_stride, pool_rows, k_pool, v_pool);
}

void gather_rows(const float* x, const int32_t* rows, int64_t n, int64_t width, float* out, cudaStream_t stream) {
  if (n == 0 || width == 0) return;
  const RowLaunch l = row_launch(n, width);
  gather_rows_kernel<<<l.grid, l.threads, 0, stream>>>(x, rows, n, width, out);
}

void scatter_rows(const float* x, const int32_t* rows, int64_t n, int64_t width, float* out, cudaStream_t stream) {
  if (n == 0 || width == 0) return;
  const RowLaunch l = row_launch(n, width);
  scatter_rows_kernel<<<l.grid, l.threads, 0, stream>>>(x, rows, n, width, out);
}

}  // namespace nemotron::cuda
