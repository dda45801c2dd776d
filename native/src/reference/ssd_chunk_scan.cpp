// Reference for the chunked SSD scan: the sequential Mamba2 recurrence of ops/ssd.h in double, token by
// token, with no chunks at all. The chunked CPU/CUDA kernels must reproduce it to float32 accuracy.
#include "ops/ssd_chunk_scan.h"

#include <cmath>
#include <vector>

namespace nemotron::ref {

void ssd_chunk_scan(const SsdShape& s, const SsdInputs& in, float* state, float* y) {
  const int64_t heads_per_group = s.n_heads / s.n_groups;
  const int64_t state_size = s.head_dim * s.d_state;  // one head's [head_dim, d_state]
  std::vector<double> h(state, state + s.n_heads * state_size);
  for (int64_t t = 0; t < in.n_tokens; ++t) {
    for (int64_t head = 0; head < s.n_heads; ++head) {
      const int64_t g = head / heads_per_group;
      const float* x = in.x + t * in.stride + head * s.head_dim;
      const float* B = in.B + t * in.stride + g * s.d_state;
      const float* C = in.C + t * in.stride + g * s.d_state;
      const double dt = in.dt[t * s.n_heads + head];
      const double decay = std::exp(dt * in.A[head]);
      double* hh = h.data() + head * state_size;
      for (int64_t p = 0; p < s.head_dim; ++p) {
        double acc = 0.0;
        for (int64_t n = 0; n < s.d_state; ++n) {
          double& hpn = hh[p * s.d_state + n];
          hpn = decay * hpn + dt * x[p] * B[n];
          acc += hpn * C[n];
        }
        y[(t * s.n_heads + head) * s.head_dim + p] = static_cast<float>(acc + in.D[head] * x[p]);
      }
    }
  }
  for (int64_t i = 0; i < s.n_heads * state_size; ++i) state[i] = static_cast<float>(h[i]);
}

}  // namespace nemotron::ref
