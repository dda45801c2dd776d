// CUDA batched Mamba2 decode step. Grid: one block per (head, sequence); each warp of the block takes
// rows p of the head's [head_dim, d_state] state, its lanes stride over d_state (coalesced), update the
// state in place and reduce state · C with warp shuffles; lane 0 writes y = Σ + D · x. The step is
// bound by reading and writing the state (float32 throughout, like the CPU kernel), so the math stays
// simple: decay = exp(dt · A) once per block.
#include "backend/cuda/ssd_state_update.cuh"

namespace nemotron::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kWarp = 32;

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
    if (lane == 0) y[(seq * s.n_heads + head) * s.head_dim + p] = acc + in.D[head] * x[p];
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
