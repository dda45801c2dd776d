// Reference RMSNorm over the last dimension, in double: y = x / sqrt(mean(x²) + eps) · weight.
#include "ops/rmsnorm.h"

#include <cmath>

namespace nemotron::ref {

void rmsnorm(const float* x, int64_t n_tokens, int64_t dim, const float* weight, float eps, float* y) {
  for (int64_t t = 0; t < n_tokens; ++t) {
    const float* xt = x + t * dim;
    double sum_sq = 0.0;
    for (int64_t i = 0; i < dim; ++i) sum_sq += static_cast<double>(xt[i]) * xt[i];
    const double inv_rms = 1.0 / std::sqrt(sum_sq / dim + eps);
    // Every x is read above before any y is written, so y may alias x.
    for (int64_t i = 0; i < dim; ++i) y[t * dim + i] = static_cast<float>(xt[i] * inv_rms * weight[i]);
  }
}

}  // namespace nemotron::ref
