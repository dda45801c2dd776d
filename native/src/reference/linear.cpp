// Reference linear: y = x · Wᵀ + b in double, one weight element at a time through weight_at().
// Checkable by eye; the tests compare cpu::linear (and later cuda::) against it on the same weights.
#include "ops/linear.h"

namespace nemotron::ref {

void linear(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y) {
  const int64_t in = w.cols, out = w.rows;
  for (int64_t t = 0; t < n_tokens; ++t) {
    for (int64_t o = 0; o < out; ++o) {
      double acc = bias ? bias[o] : 0.0;
      for (int64_t i = 0; i < in; ++i) acc += static_cast<double>(x[t * in + i]) * weight_at(w, o, i);
      y[t * out + o] = static_cast<float>(acc);
    }
  }
}

}  // namespace nemotron::ref
