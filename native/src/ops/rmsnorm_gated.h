// Contract: grouped gated RMSNorm of the Mamba2 mixer (norm_before_gate = false):
//   g = y · silu(z);  out = g / sqrt(mean_over_group(g²) + eps) · weight
// where each token's d_inner channels are split into n_groups contiguous groups of d_inner / n_groups.
//   y      [n_tokens, d_inner]  float32, row stride y_stride
//   z      [n_tokens, d_inner]  float32, row stride z_stride (a view into the in_proj output)
//   weight [d_inner]            float32
//   out    [n_tokens, d_inner]  float32 contiguous; may alias y when y_stride == d_inner
#pragma once
#include <cstdint>

namespace nemotron {
struct GatedNormShape {
  int64_t n_tokens, d_inner, n_groups;
  int64_t y_stride, z_stride;
};
namespace ref { void rmsnorm_gated(const GatedNormShape& s, const float* y, const float* z, const float* weight, float eps, float* out); }
namespace cpu { void rmsnorm_gated(const GatedNormShape& s, const float* y, const float* z, const float* weight, float eps, float* out); }
}  // namespace nemotron
