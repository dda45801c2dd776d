// CPU grouped gated RMSNorm (Mamba2): tokens spread over threads; per group the gated values
// g = y · silu(z) are written to out first, then scaled in place (out may alias y: same index).
#include "ops/rmsnorm_gated.h"

#include <cmath>

namespace nemotron::cpu {
namespace {
constexpr int64_t kMinParallelElements = 1 << 16;  // decode (one token) stays on the calling thread
}  // namespace

void rmsnorm_gated(const GatedNormShape& s, const float* y, const float* z, const float* weight, float eps,
                   float* out) {
  const int64_t group_size = s.d_inner / s.n_groups;
#pragma omp parallel for schedule(static) if (s.n_tokens * s.d_inner >= kMinParallelElements)
  for (int64_t t = 0; t < s.n_tokens; ++t) {
    for (int64_t c0 = 0; c0 < s.d_inner; c0 += group_size) {
      const float* yg = y + t * s.y_stride + c0;
      const float* zg = z + t * s.z_stride + c0;
      float* og = out + t * s.d_inner + c0;
      float sum_sq = 0.0f;
      for (int64_t i = 0; i < group_size; ++i) {
        const float g = yg[i] * (zg[i] / (1.0f + std::exp(-zg[i])));
        og[i] = g;
        sum_sq += g * g;
      }
      const float inv_rms = 1.0f / std::sqrt(sum_sq / static_cast<float>(group_size) + eps);
#pragma omp simd
      for (int64_t i = 0; i < group_size; ++i) og[i] *= inv_rms * weight[c0 + i];
    }
  }
}

}  // namespace nemotron::cpu
