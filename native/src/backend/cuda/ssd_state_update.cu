// CUDA batched Mamba2 decode step. Grid: one block per (head, sequence); each warp of the block takes
// rows p of the head's [head_dim, d_state] state, its lanes stride over d_state (coalesced), update the
// state in place and reduce state · C with warp shuffles; lane 0 writes y = Σ + D · x. The step is
// bound by reading and writing the state (float32 throughout, like the CPU kernel), so the math stays
// simple: decay = exp(dt · A) once per block, and the work is keeping enough loads in flight: where the
// state, B and C are 16-byte aligned and d_state a multiple of 4 (every real config), lanes move float4s
// and a warp updates kRowsPerWarp rows at once (the first version moved one float per lane and one row
// at a time: few loads in flight per warp); elsewhere, one float at a time.
#include "backend/cuda/ssd_state_update.cuh"

namespace nemotron::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kWarp = 32;
constexpr int kRowsPerWarp = 4;

// Rows p, p + kWarps, … of one head: the scalar path for any size and alignment.
__device__ void update_rows_scalar(const SsdShape& s, float* state, const float* x, const float* B, const float* C,
                                   float dt, float decay, float D, float* y, int lane, int warp) {
  for (int64_t p = warp; p < s.head_dim; p += kWarps) {
    const float dt_x = dt * x[p];
    float* hp = state + p * s.d_state;
    float acc = 0.0f;
    for (int64_t n = lane; n < s.d_state; n += kWarp) {
      const float h = decay * hp[n] + dt_x * B[n];
      hp[n] = h;
      acc += h * C[n];
    }
#pragma unroll
    for (int offset = kWarp / 2; offset > 0; offset /= 2) acc += __shfl_xor_sync(0xffffffffu, acc, offset);
    if (lane == 0) y[p] = acc + D * x[p];
  }
}

// The same update on float4s, kRowsPerWarp rows per warp iteration (their loads issued together).
__device__ void update_rows_vector(const SsdShape& s, float* state, const float* x, const float* B, const float* C,
                                   float dt, float decay, float D, float* y, int lane, int warp) {
  const int64_t quads = s.d_state / 4;
  const float4* B4 = reinterpret_cast<const float4*>(B);
  const float4* C4 = reinterpret_cast<const float4*>(C);
  for (int64_t p0 = static_cast<int64_t>(warp) * kRowsPerWarp; p0 < s.head_dim; p0 += kWarps * kRowsPerWarp) {
    float acc[kRowsPerWarp];
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) acc[r] = 0.0f;
    for (int64_t q = lane; q < quads; q += kWarp) {
      const float4 b = B4[q], c = C4[q];
      float4 h[kRowsPerWarp];
#pragma unroll
      for (int r = 0; r < kRowsPerWarp; ++r)
        if (p0 + r < s.head_dim) h[r] = reinterpret_cast<const float4*>(state + (p0 + r) * s.d_state)[q];
#pragma unroll
      for (int r = 0; r < kRowsPerWarp; ++r) {
        if (p0 + r >= s.head_dim) continue;
        const float dt_x = dt * x[p0 + r];
        float4 v = h[r];
        v.x = decay * v.x + dt_x * b.x;
        v.y = decay * v.y + dt_x * b.y;
        v.z = decay * v.z + dt_x * b.z;
        v.w = decay * v.w + dt_x * b.w;
        reinterpret_cast<float4*>(state + (p0 + r) * s.d_state)[q] = v;
        acc[r] += v.x * c.x + v.y * c.y + v.z * c.z + v.w * c.w;
      }
    }
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) {
#pragma unroll
      for (int offset = kWarp / 2; offset > 0; offset /= 2) acc[r] += __shfl_xor_sync(0xffffffffu, acc[r], offset);
      if (lane == 0 && p0 + r < s.head_dim) y[p0 + r] = acc[r] + D * x[p0 + r];
    }
  }
}

__global__ void __launch_bounds__(kWarps* kWarp) ssd_state_update_kernel(SsdShape s, SsdInputs in,
                                                                         float* const* states, float* y) {
  const int64_t head = blockIdx.x, seq = blockIdx.y;
  const int64_t g = head / (s.n_heads / s.n_groups);
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  const float* x = in.x + seq * in.stride + head * s.head_dim;
  const float* B = in.B + seq * in.stride + g * s.d_state;
  const float* C = in.C + seq * in.stride + g * s.d_state;
  const float dt = in.dt[seq * s.n_heads + head];
  const float decay = expf(dt * in.A[head]);
  float* state = states[seq] + head * s.head_dim * s.d_state;
  float* y_head = y + (seq * s.n_heads + head) * s.head_dim;
  // Uniform per block: every thread takes the same path.
  const bool aligned = s.d_state % 4 == 0 &&
                       ((reinterpret_cast<uintptr_t>(state) | reinterpret_cast<uintptr_t>(B) |
                         reinterpret_cast<uintptr_t>(C)) & 15) == 0;
  if (aligned) {
    update_rows_vector(s, state, x, B, C, dt, decay, in.D[head], y_head, lane, warp);
  } else {
    update_rows_scalar(s, state, x, B, C, dt, decay, in.D[head], y_head, lane, warp);
  }
}

}  // namespace

void ssd_state_update_batched(const SsdShape& s, const SsdInputs& in, float* const* states, float* y,
                              cudaStream_t stream) {
  if (in.n_tokens == 0 || s.n_heads == 0) return;
  const dim3 grid(static_cast<unsigned>(s.n_heads), static_cast<unsigned>(in.n_tokens));
  ssd_state_update_kernel<<<grid, kWarps * kWarp, 0, stream>>>(s, in, states, y);
}

}  // namespace nemotron::cuda
