// Reference causal depthwise conv1d + SiLU, in double. Each channel's input history is the conv state
// (the previous kernel − 1 inputs, oldest first) followed by the new tokens; output t sees the kernel
// inputs ending at token t. conv1d_update is written as the shift register it is in decode.
#include "ops/conv1d.h"

#include <cassert>
#include <cmath>
#include <vector>

namespace nemotron::ref {
namespace {
double silu(double v) { return v / (1.0 + std::exp(-v)); }
}  // namespace

void conv1d_prefill(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state,
                    float* out) {
  const int64_t n_hist = s.kernel - 1;
  std::vector<double> history(n_hist + s.n_tokens);  // one channel: state, then the new inputs
  for (int64_t c = 0; c < s.conv_dim; ++c) {
    for (int64_t i = 0; i < n_hist; ++i) history[i] = conv_state[c * n_hist + i];
    for (int64_t t = 0; t < s.n_tokens; ++t) history[n_hist + t] = x[t * s.x_stride + c];
    for (int64_t t = 0; t < s.n_tokens; ++t) {
      double acc = bias ? bias[c] : 0.0;
      for (int64_t k = 0; k < s.kernel; ++k) acc += weight[c * s.kernel + k] * history[t + k];
      out[t * s.conv_dim + c] = static_cast<float>(silu(acc));
    }
    for (int64_t i = 0; i < n_hist; ++i) conv_state[c * n_hist + i] = static_cast<float>(history[s.n_tokens + i]);
  }
}

void conv1d_update(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state,
                   float* out) {
  assert(s.n_tokens == 1);
  const int64_t n_hist = s.kernel - 1;
  for (int64_t c = 0; c < s.conv_dim; ++c) {
    float* state = conv_state + c * n_hist;
    const float* w = weight + c * s.kernel;
    double acc = bias ? bias[c] : 0.0;
    for (int64_t k = 0; k < n_hist; ++k) acc += static_cast<double>(w[k]) * state[k];
    acc += static_cast<double>(w[n_hist]) * x[c];
    for (int64_t k = 0; k + 1 < n_hist; ++k) state[k] = state[k + 1];  // shift out the oldest input
    if (n_hist > 0) state[n_hist - 1] = x[c];
    out[c] = static_cast<float>(silu(acc));
  }
}

}  // namespace nemotron::ref
