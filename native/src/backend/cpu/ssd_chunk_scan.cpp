// CPU chunked SSD scan (Mamba2 prefill): mamba's stages chunk_cumsum → chunk_scan → state_passing →
// chunk_state, one head per OpenMP iteration (heads are independent given their group), chunks in order.
// Work per head is O(n_tokens · chunk_size · (d_state + head_dim)): quadratic only inside a chunk.
// Precision: float32; every decay is exp of a segment sum accumulated directly over the tokens it spans
// (the within-chunk decay matrix included), never a difference of two cumsums.
#include "ops/ssd_chunk_scan.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace nemotron::cpu {
namespace {

// One head's view of one chunk: token l of the chunk is token c0 + l of the call.
struct ChunkView {
  const float* x;   // x[l * stride + p]
  const float* B;   // B[l * stride + n]
  const float* C;   // C[l * stride + n]
  const float* dt;  // dt[l * n_heads]
  float* y;         // y[l * n_heads * head_dim + p]
  int64_t len;
};

// Per-thread scratch, sized for one chunk.
struct ChunkDecays {
  std::vector<float> dtA;         // dt[l] · A
  std::vector<float> from_start;  // exp(Σ_{k ≤ l} dtA[k]): carried state → token l
  std::vector<float> to_end;      // exp(Σ_{k > s} dtA[k]): token s → end of chunk
  float whole = 1.0f;             // exp(Σ over the chunk)
  explicit ChunkDecays(int64_t chunk_size) : dtA(chunk_size), from_start(chunk_size), to_end(chunk_size) {}
};

inline float dot(const float* a, const float* b, int64_t n) {
  float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
  for (int64_t i = 0; i < n; ++i) acc += a[i] * b[i];
  return acc;
}

inline void axpy(float alpha, const float* x, float* y, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// chunk_cumsum: dt·A and the decays that cross the chunk, each a running sum from the chunk's ends.
void chunk_cumsum(const ChunkView& c, int64_t n_heads, float A, ChunkDecays& d) {
  for (int64_t l = 0; l < c.len; ++l) d.dtA[l] = c.dt[l * n_heads] * A;
  float run = 0.0f;
  for (int64_t l = 0; l < c.len; ++l) d.from_start[l] = std::exp(run += d.dtA[l]);
  run = 0.0f;
  for (int64_t s = c.len - 1; s >= 0; --s) {
    d.to_end[s] = std::exp(run);
    run += d.dtA[s];
  }
  d.whole = std::exp(run);
}

// chunk_scan: y[l] = from_start[l] · (state_prev · C[l])                       (inter-chunk, y_off)
//                  + Σ_{s ≤ l} (C[l]·B[s]) · exp(Σ_{s<k≤l} dtA[k]) · dt[s] · x[s]  (intra-chunk, y_diag)
//                  + D · x[l]
void chunk_scan(const SsdShape& sh, const ChunkView& c, const ChunkDecays& d, int64_t stride, float D,
                const float* state, float* y_tmp) {
  for (int64_t l = 0; l < c.len; ++l) {
    const float* C_l = c.C + l * stride;
    const float* x_l = c.x + l * stride;
    for (int64_t p = 0; p < sh.head_dim; ++p)
      y_tmp[p] = d.from_start[l] * dot(state + p * sh.d_state, C_l, sh.d_state) + D * x_l[p];
    float segment = 0.0f;  // Σ_{s<k≤l} dtA[k], grown one token at a time as s walks back from l
    for (int64_t s = l; s >= 0; --s) {
      const float cb = dot(C_l, c.B + s * stride, sh.d_state);
      axpy(cb * std::exp(segment) * c.dt[s * sh.n_heads], c.x + s * stride, y_tmp, sh.head_dim);
      segment += d.dtA[s];
    }
    std::copy(y_tmp, y_tmp + sh.head_dim, c.y + l * sh.n_heads * sh.head_dim);
  }
}

// state_passing then chunk_state: state = whole · state_prev + Σ_s to_end[s] · dt[s] · x[s] ⊗ B[s].
void state_passing_and_chunk_state(const SsdShape& sh, const ChunkView& c, const ChunkDecays& d, int64_t stride,
                                   float* state) {
  const int64_t state_size = sh.head_dim * sh.d_state;
#pragma omp simd
  for (int64_t i = 0; i < state_size; ++i) state[i] *= d.whole;
  for (int64_t s = 0; s < c.len; ++s) {
    const float weight = d.to_end[s] * c.dt[s * sh.n_heads];
    const float* x_s = c.x + s * stride;
    const float* B_s = c.B + s * stride;
    for (int64_t p = 0; p < sh.head_dim; ++p) axpy(weight * x_s[p], B_s, state + p * sh.d_state, sh.d_state);
  }
}

}  // namespace

void ssd_chunk_scan(const SsdShape& s, const SsdInputs& in, float* state, float* y) {
  assert(s.chunk_size > 0 && s.n_heads % s.n_groups == 0);
  const int64_t heads_per_group = s.n_heads / s.n_groups;
  const int64_t chunk = std::min(s.chunk_size, in.n_tokens);
#pragma omp parallel
  {
    ChunkDecays decays(chunk);
    std::vector<float> y_tmp(s.head_dim);
#pragma omp for schedule(static)
    for (int64_t h = 0; h < s.n_heads; ++h) {
      const int64_t g = h / heads_per_group;
      float* head_state = state + h * s.head_dim * s.d_state;
      for (int64_t c0 = 0; c0 < in.n_tokens; c0 += chunk) {
        const ChunkView c{in.x + c0 * in.stride + h * s.head_dim,
                          in.B + c0 * in.stride + g * s.d_state,
                          in.C + c0 * in.stride + g * s.d_state,
                          in.dt + c0 * s.n_heads + h,
                          y + (c0 * s.n_heads + h) * s.head_dim,
                          std::min(chunk, in.n_tokens - c0)};
        chunk_cumsum(c, s.n_heads, in.A[h], decays);
        chunk_scan(s, c, decays, in.stride, in.D[h], head_state, y_tmp.data());
        state_passing_and_chunk_state(s, c, decays, in.stride, head_state);
      }
    }
  }
}

}  // namespace nemotron::cpu
