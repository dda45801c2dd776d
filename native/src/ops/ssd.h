// Shapes and inputs shared by the Mamba2 SSD ops (ssd_chunk_scan for prefill, ssd_state_update for
// decode). Per head h (group g = h / (n_heads / n_groups)), for each token t in order:
//   state[h] = exp(dt[t,h]·A[h]) · state[h] + dt[t,h] · x[t,h,:] ⊗ B[t,g,:]      [head_dim, d_state]
//   y[t,h,:] = state[h] · C[t,g,:] + D[h] · x[t,h,:]
// dt arrives after softplus(dt + dt_bias) and the time_step_limit clamp; A = −exp(A_log) (fixed at load).
#pragma once
#include <cstdint>

namespace nemotron {
struct SsdShape {
  int64_t n_heads, head_dim, n_groups, d_state;
  int64_t chunk_size;  // config chunk_size; used by ssd_chunk_scan only
};

struct SsdInputs {
  int64_t n_tokens;
  const float* x;   // [n_tokens, n_heads, head_dim]  row stride `stride` (the conv output)
  const float* B;   // [n_tokens, n_groups, d_state]  row stride `stride`
  const float* C;   // [n_tokens, n_groups, d_state]  row stride `stride`
  int64_t stride;
  const float* dt;  // [n_tokens, n_heads] contiguous
  const float* A;   // [n_heads]
  const float* D;   // [n_heads]
};
}  // namespace nemotron
