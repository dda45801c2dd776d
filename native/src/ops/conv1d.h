// Contract: causal depthwise conv1d + SiLU over the Mamba2 xBC channels, continuing a per-sequence
// conv state (the previous kernel−1 inputs), like mamba's causal_conv1d_fn / causal_conv1d_update.
//   x          [n_tokens, conv_dim]     float32, row stride x_stride (a view into the in_proj output)
//   weight     [conv_dim, kernel]       float32 (checkpoint conv1d.weight [conv_dim, 1, kernel] squeezed)
//   bias       [conv_dim] or nullptr    float32
//   conv_state [conv_dim, kernel − 1]   float32, oldest input first; read, then replaced by the last
//                                       kernel − 1 inputs (zeros at a sequence's start)
//   out        [n_tokens, conv_dim]     float32 contiguous = silu(sum_k weight[c,k] · window[k] + bias[c])
// conv1d_update is the one-token case with its own (decode) kernel; prefill of a+b equals prefill of a
// then b equals a sequence of updates.
#pragma once
#include <cstdint>

namespace nemotron {
struct ConvShape {
  int64_t n_tokens, conv_dim, kernel;
  int64_t x_stride;
};
namespace ref {
void conv1d_prefill(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state, float* out);
void conv1d_update(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state, float* out);
}  // namespace ref
namespace cpu {
void conv1d_prefill(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state, float* out);
void conv1d_update(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state, float* out);
}  // namespace cpu
}  // namespace nemotron
