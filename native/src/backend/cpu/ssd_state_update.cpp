// CPU decode step of the Mamba2 recurrence (mamba's selective_state_update): heads in parallel when the
// state is large enough to pay for the threads; per (head, p) one fused sweep over d_state updates the
// state row and dots it with C. Float32 throughout (one step adds no long accumulation).
#include "ops/ssd_state_update.h"

#include <cassert>
#include <cmath>

namespace nemotron::cpu {
namespace {
// A parallel region costs a few µs; a small model's whole state update is cheaper than that.
constexpr int64_t kMinParallelStateElements = 1 << 16;
}  // namespace

void ssd_state_update(const SsdShape& s, const SsdInputs& in, float* state, float* y) {
  assert(in.n_tokens == 1);
  const int64_t heads_per_group = s.n_heads / s.n_groups;
  const int64_t state_elements = s.n_heads * s.head_dim * s.d_state;
#pragma omp parallel for schedule(static) if (state_elements >= kMinParallelStateElements)
  for (int64_t head = 0; head < s.n_heads; ++head) {
    const int64_t g = head / heads_per_group;
    const float* x = in.x + head * s.head_dim;
    const float* B = in.B + g * s.d_state;
    const float* C = in.C + g * s.d_state;
    const float dt = in.dt[head];
    const float decay = std::exp(dt * in.A[head]);
    for (int64_t p = 0; p < s.head_dim; ++p) {
      float* hp = state + (head * s.head_dim + p) * s.d_state;
      const float dt_x = dt * x[p];
      float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
      for (int64_t n = 0; n < s.d_state; ++n) {
        hp[n] = decay * hp[n] + dt_x * B[n];
        acc += hp[n] * C[n];
      }
      y[head * s.head_dim + p] = acc + in.D[head] * x[p];
    }
  }
}

}  // namespace nemotron::cpu
