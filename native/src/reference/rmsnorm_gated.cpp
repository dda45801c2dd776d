// Reference grouped gated RMSNorm (Mamba2, norm_before_gate = false), in double:
// g = y · silu(z), then each group of d_inner / n_groups channels is RMS-normalised and scaled.
#include "ops/rmsnorm_gated.h"

#include <cmath>
#include <vector>

namespace nemotron::ref {

void rmsnorm_gated(const GatedNormShape& s, const float* y, const float* z, const float* weight, float eps,
                   float* out) {
  const int64_t group_size = s.d_inner / s.n_groups;
  std::vector<double> g(group_size);  // held apart from out, which may alias y
  for (int64_t t = 0; t < s.n_tokens; ++t) {
    for (int64_t grp = 0; grp < s.n_groups; ++grp) {
      const int64_t c0 = grp * group_size;
      double sum_sq = 0.0;
      for (int64_t i = 0; i < group_size; ++i) {
        const double zi = z[t * s.z_stride + c0 + i];
        g[i] = y[t * s.y_stride + c0 + i] * (zi / (1.0 + std::exp(-zi)));
        sum_sq += g[i] * g[i];
      }
      const double inv_rms = 1.0 / std::sqrt(sum_sq / group_size + eps);
      for (int64_t i = 0; i < group_size; ++i)
        out[t * s.d_inner + c0 + i] = static_cast<float>(g[i] * inv_rms * weight[c0 + i]);
    }
  }
}

}  // namespace nemotron::ref
