// CPU RMSNorm: one token per loop iteration, tokens spread over threads; float32 with SIMD partial
// sums (dim is at most a few thousand, so float accumulation stays well inside the tests' tolerance).
#include "ops/rmsnorm.h"

#include <cmath>

namespace nemotron::cpu {
namespace {
// Below this many elements a parallel region costs more than the work (decode: one token).
constexpr int64_t kMinParallelElements = 1 << 16;
}  // namespace

void rmsnorm(const float* x, int64_t n_tokens, int64_t dim, const float* weight, float eps, float* y) {
#pragma omp parallel for schedule(static) if (n_tokens * dim >= kMinParallelElements)
  for (int64_t t = 0; t < n_tokens; ++t) {
    const float* xt = x + t * dim;
    float* yt = y + t * dim;
    float sum_sq = 0.0f;
#pragma omp simd reduction(+ : sum_sq)
    for (int64_t i = 0; i < dim; ++i) sum_sq += xt[i] * xt[i];
    const float inv_rms = 1.0f / std::sqrt(sum_sq / static_cast<float>(dim) + eps);
#pragma omp simd
    for (int64_t i = 0; i < dim; ++i) yt[i] = xt[i] * inv_rms * weight[i];  // y may alias x: same index
  }
}

}  // namespace nemotron::cpu
