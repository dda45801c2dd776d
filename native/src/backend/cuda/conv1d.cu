// CUDA batched conv1d decode step. One thread per (sequence, channel): it reads the channel's kernel − 1
// old inputs and the new one, writes silu(bias + Σ weight · window), and shifts the new input into the
// state. Channels are contiguous in x, out and the weights' first dimension, so warps read and write
// coalesced rows; the state's [conv_dim, kernel − 1] rows are short and per thread.
#include "backend/cuda/conv1d.cuh"

#include <stdexcept>

namespace nemotron::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kMaxKernel = 8;  // Nemotron-H uses 4; the window lives in registers

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

void conv1d_update_batched(const ConvShape& s, const float* x, const float* weight, const float* bias,
                           float* const* conv_states, float* out, cudaStream_t stream) {
  if (s.kernel < 1 || s.kernel > kMaxKernel) throw std::invalid_argument("conv1d_update_batched: conv_kernel must be in [1, 8]");
  if (s.n_tokens == 0 || s.conv_dim == 0) return;
  const dim3 grid(static_cast<unsigned>((s.conv_dim + kThreads - 1) / kThreads), static_cast<unsigned>(s.n_tokens));
  conv1d_update_kernel<<<grid, kThreads, 0, stream>>>(s, x, weight, bias, conv_states, out);
}

}  // namespace nemotron::cuda
