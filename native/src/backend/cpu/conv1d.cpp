// CPU causal depthwise conv1d + SiLU over the Mamba2 xBC channels (prefill and one-token update).
// Prefill runs token rows in parallel with the weights transposed to [kernel, conv_dim] so the inner
// loop is a contiguous SIMD sweep over channels; the conv state is read once into token-major rows
// before being replaced. Float32 throughout (kernel ≤ 4 terms: nothing to lose).
#include "ops/conv1d.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace nemotron::cpu {
namespace {

constexpr int64_t kChannelBlock = 512;               // accumulators stay in L1 across the kernel taps
constexpr int64_t kMinParallelElements = 1 << 15;  // below this a parallel region costs more than it saves

inline float silu(float v) { return v / (1.0f + std::exp(-v)); }

// Token-major view of a channel's input history: position τ ≥ 0 is x row τ, τ < 0 a conv-state row.
struct History {
  const float* x;
  int64_t x_stride;
  const float* state_rows;  // [kernel − 1, conv_dim]: the old conv state transposed, oldest first
  int64_t n_hist, conv_dim;
  const float* row(int64_t tau) const {
    return tau >= 0 ? x + tau * x_stride : state_rows + (n_hist + tau) * conv_dim;
  }
};

void conv_token(const ConvShape& s, const History& hist, const float* weight_t, const float* bias, int64_t t,
                float* out_row) {
  float acc[kChannelBlock];
  for (int64_t c0 = 0; c0 < s.conv_dim; c0 += kChannelBlock) {
    const int64_t nc = std::min(kChannelBlock, s.conv_dim - c0);
    for (int64_t c = 0; c < nc; ++c) acc[c] = bias ? bias[c0 + c] : 0.0f;
    for (int64_t k = 0; k < s.kernel; ++k) {
      const float* in = hist.row(t - (s.kernel - 1) + k) + c0;
      const float* w = weight_t + k * s.conv_dim + c0;
#pragma omp simd
      for (int64_t c = 0; c < nc; ++c) acc[c] += w[c] * in[c];
    }
    for (int64_t c = 0; c < nc; ++c) out_row[c0 + c] = silu(acc[c]);
  }
}

}  // namespace

void conv1d_prefill(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state,
                    float* out) {
  const int64_t n_hist = s.kernel - 1;
  std::vector<float> weight_t(s.kernel * s.conv_dim);  // [kernel, conv_dim]
  std::vector<float> state_rows(n_hist * s.conv_dim);  // [kernel − 1, conv_dim]
  for (int64_t c = 0; c < s.conv_dim; ++c) {
    for (int64_t k = 0; k < s.kernel; ++k) weight_t[k * s.conv_dim + c] = weight[c * s.kernel + k];
    for (int64_t i = 0; i < n_hist; ++i) state_rows[i * s.conv_dim + c] = conv_state[c * n_hist + i];
  }
  const History hist{x, s.x_stride, state_rows.data(), n_hist, s.conv_dim};

#pragma omp parallel for schedule(static) if (s.n_tokens * s.conv_dim >= kMinParallelElements)
  for (int64_t t = 0; t < s.n_tokens; ++t) conv_token(s, hist, weight_t.data(), bias, t, out + t * s.conv_dim);

  // The new state is the last kernel − 1 inputs, some of which may still be old state rows.
  for (int64_t i = 0; i < n_hist; ++i) {
    const float* src = hist.row(s.n_tokens - n_hist + i);
    for (int64_t c = 0; c < s.conv_dim; ++c) conv_state[c * n_hist + i] = src[c];
  }
}

void conv1d_update(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state,
                   float* out) {
  assert(s.n_tokens == 1);
  const int64_t n_hist = s.kernel - 1;
  for (int64_t c = 0; c < s.conv_dim; ++c) {
    float* state = conv_state + c * n_hist;
    const float* w = weight + c * s.kernel;
    float acc = bias ? bias[c] : 0.0f;
    for (int64_t k = 0; k < n_hist; ++k) acc += w[k] * state[k];
    acc += w[n_hist] * x[c];
    for (int64_t k = 0; k + 1 < n_hist; ++k) state[k] = state[k + 1];
    if (n_hist > 0) state[n_hist - 1] = x[c];
    out[c] = silu(acc);
  }
}

}  // namespace nemotron::cpu
