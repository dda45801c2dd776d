// CPU chunked SSD scan (Mamba2 prefill), mamba's stages per chunk: bmm_chunk (C·Bᵀ, once per group and
// shared by its heads), then per head chunk_cumsum → chunk_scan → state_passing + chunk_state. Chunks go
// in order; within a chunk groups, then heads, are spread over the threads. The products are cpu::gemm
// calls on operands laid out so the micro-kernel reads them in place (hence Cᵀ, the transposed decay
// matrix Gᵀ and the state kept transposed as [d_state, head_dim] during the call).
// Work is O(n_tokens · chunk_size · (d_state + head_dim)) per head: quadratic only inside a chunk.
// Precision: float32; every decay is exp of a segment sum accumulated directly over the tokens it spans
// (the within-chunk decay matrix included), never a difference of two cumsums.
#include "ops/ssd_chunk_scan.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include "backend/cpu/gemm.h"
#include "backend/cpu/vexp.h"

namespace nemotron::cpu {
namespace {

// One chunk of one head: token l of the chunk is token c0 + l of the call.
struct ChunkView {
  const float* x;   // x[l · stride + p]
  const float* B;   // B[l · stride + n]
  const float* dt;  // dt[l · n_heads]
  float* y;         // y[l · y_stride + p]
  int64_t len, stride, y_stride;
};

// A group's products for the current chunk, shared by the group's heads.
struct GroupChunk {
  const float* BCt;  // [len, len]      BCt[s, l] = B[s] · C[l]
  const float* Ct;   // [d_state, len]  Cᵀ
};

// Per-thread scratch, sized for one chunk.
struct HeadWork {
  std::vector<float> dt;          // [chunk]           dt[l]
  std::vector<float> dtA;         // [chunk]           dt[l] · A
  std::vector<float> from_start;  // [chunk]           exp(Σ_{k ≤ l} dtA[k]): carried state → token l
  std::vector<float> to_end;      // [chunk]           exp(Σ_{k > s} dtA[k]): token s → end of chunk
  float whole = 1.0f;             //                   exp(Σ over the chunk)
  std::vector<float> Gt;          // [chunk, chunk]    Gᵀ[s, l] = (C[l]·B[s]) · exp(Σ_{s<k≤l} dtA[k]) · dt[s]
  std::vector<float> B_weighted;  // [chunk, d_state]  to_end[s] · dt[s] · B[s]
  HeadWork(int64_t chunk, int64_t d_state)
      : dt(chunk), dtA(chunk), from_start(chunk), to_end(chunk), Gt(chunk * chunk), B_weighted(chunk * d_state) {}
};

// bmm_chunk: BCt = B · Cᵀ [len, len] and Ct = Cᵀ [d_state, len] for one group and chunk.
void bmm_chunk(const float* B, const float* C, int64_t stride, int64_t len, int64_t d_state, float* BCt, float* Ct) {
  gemm(len, len, d_state, {B, stride, 1}, {C, 1, stride}, BCt, len, false);
  for (int64_t l = 0; l < len; ++l)
    for (int64_t n = 0; n < d_state; ++n) Ct[n * len + l] = C[l * stride + n];
}

// chunk_cumsum: dt·A and the decays that cross the chunk, each a running sum from one end of the chunk.
void chunk_cumsum(const ChunkView& c, int64_t n_heads, float A, HeadWork& w) {
  for (int64_t l = 0; l < c.len; ++l) {
    w.dt[l] = c.dt[l * n_heads];
    w.dtA[l] = w.dt[l] * A;
  }
  float run = 0.0f;
  for (int64_t l = 0; l < c.len; ++l) w.from_start[l] = run += w.dtA[l];
  run = 0.0f;
  for (int64_t s = c.len - 1; s >= 0; --s) {
    w.to_end[s] = run;
    run += w.dtA[s];
  }
  w.whole = std::exp(run);
  exp_in_place(w.from_start.data(), c.len);
  exp_in_place(w.to_end.data(), c.len);
}

// chunk_scan: y[l] = from_start[l] · (C[l] · state)                                   (y_off)
//                  + Σ_{s ≤ l} (C[l]·B[s]) · exp(Σ_{s<k≤l} dtA[k]) · dt[s] · x[s]     (y_diag)
//                  + D · x[l]
// state_t is the carried state transposed, [d_state, head_dim].
void chunk_scan(const ChunkView& c, const GroupChunk& g, int64_t head_dim, int64_t d_state, float D,
                const float* state_t, HeadWork& w) {
  const int64_t L = c.len, P = head_dim;
  gemm(L, P, d_state, {g.Ct, 1, L}, {state_t, P, 1}, c.y, c.y_stride, false);
  for (int64_t l = 0; l < L; ++l)
    for (int64_t p = 0; p < P; ++p)
      c.y[l * c.y_stride + p] = w.from_start[l] * c.y[l * c.y_stride + p] + D * c.x[l * c.stride + p];

  for (int64_t s = 0; s < L; ++s) {
    float* row = &w.Gt[s * L];  // Gᵀ[s, ·]: token s as seen from every later token l
    float segment = 0.0f;       // Σ_{s<k≤l} dtA[k], grown one token at a time as l walks forward
    for (int64_t l = s; l < L; ++l) {
      if (l > s) segment += w.dtA[l];
      row[l] = segment;
    }
    exp_in_place(row + s, L - s);
    for (int64_t l = s; l < L; ++l) row[l] *= g.BCt[s * L + l] * w.dt[s];
    std::fill(row, row + s, 0.0f);  // causal: token s reaches no l < s
  }
  gemm(L, P, L, {w.Gt.data(), 1, L}, {c.x, c.stride, 1}, c.y, c.y_stride, true);
}

// state_passing then chunk_state, on the transposed state [d_state, head_dim]:
// stateᵀ = whole · stateᵀ_prev + Σ_s (to_end[s] · dt[s] · B[s]) ⊗ x[s].
void state_passing_and_chunk_state(const ChunkView& c, int64_t head_dim, int64_t d_state, HeadWork& w,
                                   float* state_t) {
  const int64_t L = c.len;
  for (int64_t i = 0; i < d_state * head_dim; ++i) state_t[i] *= w.whole;
  for (int64_t s = 0; s < L; ++s) {
    const float weight = w.to_end[s] * w.dt[s];
    for (int64_t n = 0; n < d_state; ++n) w.B_weighted[s * d_state + n] = weight * c.B[s * c.stride + n];
  }
  gemm(d_state, head_dim, L, {w.B_weighted.data(), 1, d_state}, {c.x, c.stride, 1}, state_t, head_dim, true);
}

// [rows, cols] → [cols, rows]
void transpose(const float* src, int64_t rows, int64_t cols, float* dst) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k) dst[k * rows + r] = src[r * cols + k];
}

}  // namespace

void ssd_chunk_scan(const SsdShape& s, const SsdInputs& in, float* state, float* y) {
  assert(s.chunk_size > 0 && s.n_heads % s.n_groups == 0);
  const int64_t heads_per_group = s.n_heads / s.n_groups;
  const int64_t chunk = std::min(s.chunk_size, in.n_tokens);
  const int64_t P = s.head_dim, N = s.d_state, state_size = P * N;
  std::vector<float> state_t(s.n_heads * state_size);  // per head [d_state, head_dim]
  std::vector<float> BCt(s.n_groups * chunk * chunk), Ct(s.n_groups * N * chunk);
#pragma omp parallel
  {
    HeadWork work(chunk, N);
#pragma omp for schedule(static)
    for (int64_t h = 0; h < s.n_heads; ++h) transpose(state + h * state_size, P, N, &state_t[h * state_size]);

    for (int64_t c0 = 0; c0 < in.n_tokens; c0 += chunk) {  // every thread walks the chunks in step
      const int64_t len = std::min(chunk, in.n_tokens - c0);
      const int64_t row0 = c0 * in.stride;
#pragma omp for schedule(static)
      for (int64_t g = 0; g < s.n_groups; ++g)
        bmm_chunk(in.B + row0 + g * N, in.C + row0 + g * N, in.stride, len, N, &BCt[g * chunk * chunk],
                  &Ct[g * N * chunk]);
#pragma omp for schedule(static)
      for (int64_t h = 0; h < s.n_heads; ++h) {
        const int64_t g = h / heads_per_group;
        const ChunkView c{in.x + row0 + h * P, in.B + row0 + g * N, in.dt + c0 * s.n_heads + h,
                          y + (c0 * s.n_heads + h) * P, len, in.stride, s.n_heads * P};
        const GroupChunk gc{&BCt[g * chunk * chunk], &Ct[g * N * chunk]};
        float* head_state_t = &state_t[h * state_size];
        chunk_cumsum(c, s.n_heads, in.A[h], work);
        chunk_scan(c, gc, P, N, in.D[h], head_state_t, work);
        state_passing_and_chunk_state(c, P, N, work, head_state_t);
      }
    }

#pragma omp for schedule(static)
    for (int64_t h = 0; h < s.n_heads; ++h) transpose(&state_t[h * state_size], N, P, state + h * state_size);
  }
}

}  // namespace nemotron::cpu
