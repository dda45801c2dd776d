// CUDA causal depthwise conv1d + SiLU: the prefill of one sequence and the batched decode step.
// Prefill: one thread per (channel, tile of kPrefillTokens tokens) slides the kernel-wide window along
// its tokens in registers; the thread of the first tile also replaces the channel's state. Decode: one
// thread per (sequence, channel) reads the channel's kernel − 1 old inputs and the new one, writes
// silu(bias + Σ weight · window), and shifts the new input into the state. Channels are contiguous in
// x, out and the weights' first dimension, so warps read and write coalesced rows; the state's
// [conv_dim, kernel − 1] rows are short and per thread.
#include "backend/cuda/conv1d.cuh"

#include <algorithm>
#include <stdexcept>

namespace nemotron::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kMaxKernel = 8;  // Nemotron-H uses 4; the window lives in registers
// Tokens per prefill thread. A tile at least kMaxKernel − 1 long means only the first tile's window
// reaches back into the conv state, so the first tile's thread is its channel's only reader of the state
// and can replace it without racing anyone.
constexpr int kPrefillTokens = 16;
static_assert(kPrefillTokens >= kMaxKernel - 1, "later tiles must not read the conv state");
constexpr int64_t kMaxGridY = 65535;

__device__ __forceinline__ float silu(float v) { return v / (1.0f + expf(-v)); }

// Grid (channel blocks, token tiles, grid-strided in y). The window is right-aligned in a
// kMaxKernel-wide register array: at token t, window[kMaxKernel − 1 − j] holds input t − j (input i < 0
// is the state's entry kernel − 1 + i) and window[off + k] pairs with weight[c, k], off = kMaxKernel −
// kernel; the entries left of off are never used (predicated off, so even an inf input shifted past
// the window's end does not make a NaN). Every index into window is a compile-time constant.
__global__ void __launch_bounds__(kThreads) conv1d_prefill_kernel(ConvShape s, const float* __restrict__ x,
                                                                   const float* __restrict__ weight,
                                                                   const float* __restrict__ bias,
                                                                   float* __restrict__ conv_state,
                                                                   float* __restrict__ out) {
  const int64_t c = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (c >= s.conv_dim) return;
  const int hist = static_cast<int>(s.kernel) - 1, off = kMaxKernel - static_cast<int>(s.kernel);
  float* state = conv_state + c * hist;
  float w[kMaxKernel];
#pragma unroll
  for (int j = 0; j < kMaxKernel; ++j) w[j] = j >= off ? weight[c * s.kernel + (j - off)] : 0.0f;
  const float b = bias ? bias[c] : 0.0f;

  for (int64_t t0 = static_cast<int64_t>(blockIdx.y) * kPrefillTokens; t0 < s.n_tokens;
       t0 += static_cast<int64_t>(gridDim.y) * kPrefillTokens) {
    float window[kMaxKernel];
#pragma unroll
    for (int j = 0; j < kMaxKernel; ++j) window[j] = 0.0f;
#pragma unroll
    for (int j = 0; j < kMaxKernel - 1; ++j) {  // the hist inputs before t0, newest last
      if (j < hist) {
        const int64_t i = t0 - 1 - j;
        window[kMaxKernel - 1 - j] = i >= 0 ? x[i * s.x_stride + c] : state[hist + i];
      }
    }
#pragma unroll
    for (int u = 0; u < kPrefillTokens; ++u) {
      const int64_t t = t0 + u;
      if (t < s.n_tokens) {
#pragma unroll
        for (int j = 0; j + 1 < kMaxKernel; ++j) window[j] = window[j + 1];
        window[kMaxKernel - 1] = x[t * s.x_stride + c];
        float acc = b;
#pragma unroll
        for (int j = 0; j < kMaxKernel; ++j)
          if (j >= off) acc += w[j] * window[j];
        out[t * s.conv_dim + c] = silu(acc);
      }
    }
  }

  // The new state: entries n_tokens .. n_tokens + hist − 1 of (old state, x). The first tile's thread
  // (blockIdx.y 0, t0 = 0 above) is the only one that read this channel's state; it reads all it needs
  // into registers before writing any of it.
  if (blockIdx.y == 0) {
    float next[kMaxKernel - 1];
#pragma unroll
    for (int i = 0; i < kMaxKernel - 1; ++i) {
      if (i < hist) {
        const int64_t src = s.n_tokens + i;  // index into (old state, x)
        next[i] = src < hist ? state[src] : x[(src - hist) * s.x_stride + c];
      }
    }
#pragma unroll
    for (int i = 0; i < kMaxKernel - 1; ++i)
      if (i < hist) state[i] = next[i];
  }
}

__global__ void __launch_bounds__(kThreads) conv1d_update_kernel(ConvShape s, const float* __restrict__ x,
                                                                  const float* __restrict__ weight,
                                                                  const float* __restrict__ bias,
                                                                  float* const* conv_states, float* out) {
  const int64_t c = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  const int64_t seq = blockIdx.y;
  if (c >= s.conv_dim) return;
  const int64_t hist = s.kernel - 1;
  float* state = conv_states[seq] + c * hist;
  float window[kMaxKernel];
  for (int64_t k = 0; k < hist; ++k) window[k] = state[k];
  window[hist] = x[seq * s.x_stride + c];
  float acc = bias ? bias[c] : 0.0f;
  for (int64_t k = 0; k < s.kernel; ++k) acc += weight[c * s.kernel + k] * window[k];
  for (int64_t k = 0; k < hist; ++k) state[k] = window[k + 1];
  out[seq * s.conv_dim + c] = acc / (1.0f + expf(-acc));
}

}  // namespace

void conv1d_prefill(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state,
                    float* out, cudaStream_t stream) {
  if (s.kernel < 1 || s.kernel > kMaxKernel) throw std::invalid_argument("conv1d_prefill: conv_kernel must be in [1, 8]");
  if (s.n_tokens == 0 || s.conv_dim == 0) return;
  const int64_t tiles = (s.n_tokens + kPrefillTokens - 1) / kPrefillTokens;
  const dim3 grid(static_cast<unsigned>((s.conv_dim + kThreads - 1) / kThreads),
                  static_cast<unsigned>(std::min(tiles, kMaxGridY)));
  conv1d_prefill_kernel<<<grid, kThreads, 0, stream>>>(s, x, weight, bias, conv_state, out);
}

void conv1d_update_batched(const ConvShape& s, const float* x, const float* weight, const float* bias,
                           float* const* conv_states, float* out, cudaStream_t stream) {
  if (s.kernel < 1 || s.kernel > kMaxKernel) throw std::invalid_argument("conv1d_update_batched: conv_kernel must be in [1, 8]");
  if (s.n_tokens == 0 || s.conv_dim == 0) return;
  const dim3 grid(static_cast<unsigned>((s.conv_dim + kThreads - 1) / kThreads), static_cast<unsigned>(s.n_tokens));
  conv1d_update_kernel<<<grid, kThreads, 0, stream>>>(s, x, weight, bias, conv_states, out);
}

}  // namespace nemotron::cuda
