// Reference for one decode step of the Mamba2 recurrence (ops/ssd.h), in double.
#include "ops/ssd_state_update.h"

#include <cassert>
#include <cmath>

namespace nemotron::ref {

void ssd_state_update(const SsdShape& s, const SsdInputs& in, float* state, float* y) {
  assert(in.n_tokens == 1);
  const int64_t heads_per_group = s.n_heads / s.n_groups;
  for (int64_t head = 0; head < s.n_heads; ++head) {
    const int64_t g = head / heads_per_group;
    const float* x = in.x + head * s.head_dim;
    const float* B = in.B + g * s.d_state;
    const float* C = in.C + g * s.d_state;
    const double dt = in.dt[head];
    const double decay = std::exp(dt * in.A[head]);
    for (int64_t p = 0; p < s.head_dim; ++p) {
      float* hp = state + (head * s.head_dim + p) * s.d_state;
      double acc = 0.0;
      for (int64_t n = 0; n < s.d_state; ++n) {
        const double hpn = decay * hp[n] + dt * x[p] * B[n];
        hp[n] = static_cast<float>(hpn);
        acc += hpn * C[n];
      }
      y[head * s.head_dim + p] = static_cast<float>(acc + in.D[head] * x[p]);
    }
  }
}

}  // namespace nemotron::ref
