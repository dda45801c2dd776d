// Contract: rmsnorm over the last dimension, y = x / sqrt(mean(x²) + eps) · weight.
//   x, y   [n_tokens, dim]  float32 contiguous; y may alias x
//   weight [dim]            float32
#pragma once
#include <cstdint>

namespace nemotron {
namespace ref { void rmsnorm(const float* x, int64_t n_tokens, int64_t dim, const float* weight, float eps, float* y); }
namespace cpu { void rmsnorm(const float* x, int64_t n_tokens, int64_t dim, const float* weight, float eps, float* y); }
}  // namespace nemotron
