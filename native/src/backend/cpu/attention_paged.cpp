// CPU causal GQA attention over a paged KV pool (vLLM-style blocks; ops/attention.h has the layout).
// The key range is cut at fixed positions into partitions of kPartition keys; each (query row, partition)
// yields a softmax partial (max, Σ exp, Σ exp·v), and a row's partials are merged in position order.
// Partitions are the unit of the math, not of the threading:
//   split (n_tokens ≤ kSplitMaxTokens: decode): task = (token block, KV head, partition), partials go to a
//     buffer and a second pass merges each row's partials: long decodes spread over all threads;
//   fold (prefill chunks): task = (token block, KV head), walking its partitions and merging each partial
//     as it completes: no partial buffer, and plenty of tasks already.
// A task's rows are (token, query head) pairs of one KV head, so each key block gathered from the pool
// serves all of them; rows go through the inner loops in pairs to share each K and V load.
// Determinism: a row's arithmetic depends on its position only: both modes run the same functions in the
// same order per row, key blocks sit at fixed positions, and neither the partner row nor key padding
// changes a score or an accumulator. So the bits are the same for any thread count, token split, batch
// or block table (tests compare them with memcmp). Precision: float32, q pre-scaled, online softmax per
// kKeyBlock keys inside a partition.
#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu/simd.h"
#include "backend/cpu/vexp.h"
#include "ops/attention.h"

namespace nemotron::cpu {
namespace {
using namespace simd;

constexpr int64_t kPartition = 256;     // keys per partition; a constant so results never depend on threads
constexpr int64_t kKeyBlock = 32;       // keys per softmax step: their K and V rows (32 KiB at head_dim 128) stay in L1
constexpr int64_t kRowsPerTask = 16;    // ~ tokens × query heads sharing one key block
constexpr int64_t kSplitMaxTokens = 4;  // up to this many tokens, partitions are tasks of their own
static_assert(kPartition % kKeyBlock == 0, "key blocks must not straddle partitions");

// Keeps a loaded vector in a register: otherwise GCC folds the load into each row's FMA as a memory
// operand and reads the same K or V vector once per row.
template <class V>
NEMOTRON_INLINE void in_register(V& v) {
#if defined(__x86_64__)
  asm("" : "+v"(v));
#endif
}

// A softmax partial of one row, head_dim + 2 floats: [max score, Σ exp(score − max), Σ exp(score − max)·v].
constexpr int64_t kMax = 0, kSum = 1, kAcc = 2;

// One task's rows: token t0 + i / heads_per_kv, query head kv · heads_per_kv + i % heads_per_kv.
struct Rows {
  int64_t t0, n_tok, kv, heads_per_kv;
  int64_t count() const { return n_tok * heads_per_kv; }
  int64_t token(int64_t i) const { return t0 + i / heads_per_kv; }
  int64_t head(int64_t i) const { return kv * heads_per_kv + i % heads_per_kv; }
};

// Lane n of the result = Σ lanes of v[n], for W vectors: log2 W levels of "add the even lanes of a pair
// to its odd lanes" (the hadd pattern), so every lane gets the same addition tree.
template <int W>
NEMOTRON_INLINE void transpose_sum(typename Vec<W>::f32 (&v)[W], typename Vec<W>::f32& out) {
  using I = typename Vec<W>::i32;
  I even, odd;
  for (int i = 0; i < W; ++i) even[i] = 2 * i, odd[i] = 2 * i + 1;
  for (int n = W; n > 1; n /= 2)
    for (int i = 0; i < n / 2; ++i)
      v[i] = __builtin_shuffle(v[2 * i], v[2 * i + 1], even) + __builtin_shuffle(v[2 * i], v[2 * i + 1], odd);
  out = v[0];
}

// Scores of two rows against G = W/2 keys: score_r[n] = q_r · k[n], as W independent FMA chains (each K
// load feeds both rows), transpose_sum, then the head_dim % W tail. Every score of every row is computed
// by exactly this sequence of operations: callers pad the keys to whole groups and an unpaired row
// is paired with itself, so neither the partner row nor the group decides a score's bits.
template <int W>
NEMOTRON_INLINE void dot_keys(const float* q0, const float* q1, const float* const* k, int64_t head_dim, float* score0,
                              float* score1) {
  using F = typename Vec<W>::f32;
  constexpr int G = W / 2;
  F acc[W];  // acc[n]: row 0 with key n; acc[G + n]: row 1 with key n
  for (int n = 0; n < W; ++n) acc[n] = F{};
  int64_t d = 0;
  for (; d + W <= head_dim; d += W) {
    F qv0, qv1;
    load<W>(q0 + d, qv0);
    load<W>(q1 + d, qv1);
    for (int n = 0; n < G; ++n) {
      F kv;
      load<W>(k[n] + d, kv);
      in_register(kv);
      acc[n] += qv0 * kv;
      acc[G + n] += qv1 * kv;
    }
  }
  F sums;
  transpose_sum<W>(acc, sums);
  for (int n = 0; n < G; ++n) {
    for (int64_t e = d; e < head_dim; ++e) sums[n] += q0[e] * k[n][e];
    for (int64_t e = d; e < head_dim; ++e) sums[G + n] += q1[e] * k[n][e];
    score0[n] = sums[n];
    score1[n] = sums[G + n];
  }
}

// acc_r[d] += Σ_j p_r[j] · v[j][d] for R rows (1 or 2), j in order, NV vectors of each acc in registers.
template <int W, int R, int NV>
NEMOTRON_INLINE void accumulate_chunk(const float* const (&p)[R], const float* const* v, int64_t n, int64_t d,
                                      float* const (&acc)[R]) {
  using F = typename Vec<W>::f32;
  F a[R][NV];
  for (int r = 0; r < R; ++r)
    for (int u = 0; u < NV; ++u) load<W>(acc[r] + d + u * W, a[r][u]);
  for (int64_t j = 0; j < n; ++j) {
    F pj[R];
    for (int r = 0; r < R; ++r) pj[r] = F{} + p[r][j];
    for (int u = 0; u < NV; ++u) {
      F x;
      load<W>(v[j] + d + u * W, x);
      if (R > 1) in_register(x);
      for (int r = 0; r < R; ++r) a[r][u] += pj[r] * x;
    }
  }
  for (int r = 0; r < R; ++r)
    for (int u = 0; u < NV; ++u) store<W>(acc[r] + d + u * W, a[r][u]);
}

// The same per-element arithmetic for any R and any chunking: one FMA per key, keys in order.
template <int W, int R>
NEMOTRON_INLINE void accumulate_values(const float* const (&p)[R], const float* const* v, int64_t n, int64_t head_dim,
                                       float* const (&acc)[R]) {
  constexpr int NV = 8 / R;  // 8 FMA chains
  int64_t d = 0;
  for (; d + NV * W <= head_dim; d += NV * W) accumulate_chunk<W, R, NV>(p, v, n, d, acc);
  for (; d + W <= head_dim; d += W) accumulate_chunk<W, R, 1>(p, v, n, d, acc);
  for (; d < head_dim; ++d)
    for (int r = 0; r < R; ++r) {
      float a = acc[r][d];
      for (int64_t j = 0; j < n; ++j) a += p[r][j] * v[j][d];
      acc[r][d] = a;
    }
}

// Online-softmax step of one row over its n valid scores: raises the running max, rescales sum and
// accumulator (skipped when the max stays: ×1 is exact), turns the scores into exp(score − max).
template <int W>
NEMOTRON_INLINE void softmax_step(float* score, int64_t n, float* rec, int64_t head_dim) {
  using F = typename Vec<W>::f32;
  float block_max = -INFINITY;
  for (int64_t j = 0; j < n; ++j) block_max = std::max(block_max, score[j]);
  const float new_max = std::max(rec[kMax], block_max);
  const float rescale = std::exp(rec[kMax] - new_max);  // exp(−inf) = 0 on the partition's first step
  for (int64_t j = 0; j < n; ++j) score[j] -= new_max;
  exp_in_place(score, n);
  F lanes = F{};  // Σ in W lanes, then the lanes in order, then the tail
  int64_t j = 0;
  for (; j + W <= n; j += W) {
    F x;
    load<W>(score + j, x);
    lanes += x;
  }
  float sum = horizontal_sum<W>(lanes);
  for (; j < n; ++j) sum += score[j];
  rec[kSum] = rec[kSum] * rescale + sum;
  rec[kMax] = new_max;
  if (rescale != 1.0f)
    for (int64_t d = 0; d < head_dim; ++d) rec[kAcc + d] *= rescale;
}

// The partials of rows r over partition `part` (row i's at recs + i · (head_dim + 2)). A row with no key
// in the partition keeps the empty partial (−inf, 0, 0); callers never merge those.
template <int W>
NEMOTRON_INLINE void attend_partition_w(const AttentionShape& s, const Rows& r, int64_t part, const float* q_scaled,
                                        const PagedKv& kv, float* recs) {
  const int64_t D = s.head_dim, stride = D + 2, kv_row = s.n_kv_heads * D, m = r.count();
  for (int64_t i = 0; i < m; ++i) {
    float* rec = recs + i * stride;
    rec[kMax] = -INFINITY;
    rec[kSum] = 0.0f;
    std::fill(rec + kAcc, rec + stride, 0.0f);
  }
  const int64_t k0 = part * kPartition, k1 = std::min(k0 + kPartition, s.n_past + r.t0 + r.n_tok);
  constexpr int G = W / 2;              // keys per dot_keys group
  const float* k_rows[kKeyBlock + G];  // padded to whole groups with repeats of key 0
  const float* v_rows[kKeyBlock];
  float score[2][kKeyBlock + G];
  for (int64_t j0 = k0; j0 < k1; j0 += kKeyBlock) {  // blocks at fixed positions: j0 ≡ 0 mod kKeyBlock
    const int64_t kb = std::min(kKeyBlock, k1 - j0);
    for (int64_t j = 0; j < kb; ++j) {
      const int64_t pos = j0 + j;
      const int64_t pool_row = int64_t{kv.block_table[pos / kv.block_tokens]} * kv.block_tokens + pos % kv.block_tokens;
      k_rows[j] = kv.k_pool + pool_row * kv_row + r.kv * D;
      v_rows[j] = kv.v_pool + pool_row * kv_row + r.kv * D;
    }
    std::fill(k_rows + kb, k_rows + kKeyBlock + G, k_rows[0]);
    // Rows in pairs (i0, i1); the last of an odd count pairs with itself and is then treated once.
    for (int64_t i0 = 0; i0 < m; i0 += 2) {
      const int64_t i1 = std::min(i0 + 1, m - 1);
      const int64_t valid0 = std::min(kb, s.n_past + r.token(i0) + 1 - j0);  // causal mask
      const int64_t valid1 = i1 == i0 ? 0 : std::min(kb, s.n_past + r.token(i1) + 1 - j0);
      if (valid0 <= 0 && valid1 <= 0) continue;
      float* const rec0 = recs + i0 * stride;
      float* const rec1 = recs + i1 * stride;
      for (int64_t j = 0; j < std::max(valid0, valid1); j += G)
        dot_keys<W>(q_scaled + i0 * D, q_scaled + i1 * D, k_rows + j, D, score[0] + j, score[1] + j);
      if (valid0 > 0) softmax_step<W>(score[0], valid0, rec0, D);
      if (valid1 > 0) softmax_step<W>(score[1], valid1, rec1, D);
      // Keys both rows see, together; then the rest of the longer row alone, continuing in key order.
      const int64_t both = std::max<int64_t>(0, std::min(valid0, valid1));
      if (both > 0) accumulate_values<W, 2>({score[0], score[1]}, v_rows, both, D, {rec0 + kAcc, rec1 + kAcc});
      const int longer = valid1 > valid0 ? 1 : 0;
      const int64_t rest = std::max(valid0, valid1) - both;
      if (rest > 0)
        accumulate_values<W, 1>({score[longer] + both}, v_rows + both, rest, D, {(longer ? rec1 : rec0) + kAcc});
    }
  }
}

#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target("default"))) void attend_partition(const AttentionShape& s, const Rows& r, int64_t part,
                                                         const float* q_scaled, const PagedKv& kv, float* recs) {
  attend_partition_w<TileSse2::W>(s, r, part, q_scaled, kv, recs);
}
__attribute__((target("avx2,fma"))) void attend_partition(const AttentionShape& s, const Rows& r, int64_t part,
                                                          const float* q_scaled, const PagedKv& kv, float* recs) {
  attend_partition_w<TileAvx2::W>(s, r, part, q_scaled, kv, recs);
}
__attribute__((target("avx512f,fma"))) void attend_partition(const AttentionShape& s, const Rows& r, int64_t part,
                                                             const float* q_scaled, const PagedKv& kv, float* recs) {
  attend_partition_w<TileAvx512::W>(s, r, part, q_scaled, kv, recs);
}
#else
void attend_partition(const AttentionShape& s, const Rows& r, int64_t part, const float* q_scaled, const PagedKv& kv,
                      float* recs) {
  attend_partition_w<TilePortable::W>(s, r, part, q_scaled, kv, recs);
}
#endif

// state ← state ⊕ partial: both rescaled to their common max. One out-of-line copy serves both modes.
__attribute__((noinline)) void merge_partial(float* state, const float* partial, int64_t head_dim) {
  const float new_max = std::max(state[kMax], partial[kMax]);
  const float a = std::exp(state[kMax] - new_max), b = std::exp(partial[kMax] - new_max);
  state[kMax] = new_max;
  state[kSum] = state[kSum] * a + partial[kSum] * b;
  for (int64_t d = 0; d < head_dim; ++d) state[kAcc + d] = state[kAcc + d] * a + partial[kAcc + d] * b;
}

void write_row(const float* state, int64_t head_dim, float* out) {
  const float inv_sum = 1.0f / state[kSum];
  for (int64_t d = 0; d < head_dim; ++d) out[d] = state[kAcc + d] * inv_sum;
}

int64_t n_partitions(int64_t n_keys) { return (n_keys + kPartition - 1) / kPartition; }

// Token blocks × KV heads; group g = block · n_kv_heads + kv.
struct Grid {
  const AttentionShape& s;
  int64_t heads_per_kv, tokens_per_task, n_token_blocks, max_rows;
  explicit Grid(const AttentionShape& shape)
      : s(shape),
        heads_per_kv(shape.n_heads / shape.n_kv_heads),
        tokens_per_task(std::min(shape.n_tokens, std::max<int64_t>(1, kRowsPerTask / heads_per_kv))),
        n_token_blocks((shape.n_tokens + tokens_per_task - 1) / tokens_per_task),
        max_rows(tokens_per_task * heads_per_kv) {}
  int64_t n_groups() const { return n_token_blocks * s.n_kv_heads; }
  Rows rows(int64_t g) const {
    const int64_t t0 = (g / s.n_kv_heads) * tokens_per_task;
    return {t0, std::min(tokens_per_task, s.n_tokens - t0), g % s.n_kv_heads, heads_per_kv};
  }
  int64_t row_keys(const Rows& r, int64_t i) const { return s.n_past + r.token(i) + 1; }
  float* out_row(float* out, const Rows& r, int64_t i) const { return out + (r.token(i) * s.n_heads + r.head(i)) * s.head_dim; }
};

void scale_queries(const AttentionShape& s, const Rows& r, const float* q, float scale, float* q_scaled) {
  const int64_t D = s.head_dim;
  for (int64_t i = 0; i < r.count(); ++i)
    for (int64_t d = 0; d < D; ++d) q_scaled[i * D + d] = scale * q[r.token(i) * s.q_stride + r.head(i) * D + d];
}

void attend_split(const Grid& g, const float* q, const PagedKv& kv, float scale, float* out) {
  const AttentionShape& s = g.s;
  const int64_t D = s.head_dim, stride = D + 2, n_parts = n_partitions(s.n_past + s.n_tokens);
  // Partials [group, partition, row, stride]; reused across calls from the same caller thread.
  thread_local std::vector<float> partial_buffer;
  partial_buffer.resize(g.n_groups() * n_parts * g.max_rows * stride);
  float* const partials = partial_buffer.data();
  auto record = [&](int64_t group, int64_t part, int64_t i) {
    return partials + ((group * n_parts + part) * g.max_rows + i) * stride;
  };
#pragma omp parallel
  {
    std::vector<float> q_scaled(g.max_rows * D);
#pragma omp for schedule(dynamic)
    for (int64_t task = 0; task < g.n_groups() * n_parts; ++task) {
      const int64_t group = task / n_parts, part = task % n_parts;
      const Rows r = g.rows(group);
      if (part * kPartition >= s.n_past + r.t0 + r.n_tok) continue;  // past this group's last key
      scale_queries(s, r, q, scale, q_scaled.data());
      attend_partition(s, r, part, q_scaled.data(), kv, record(group, part, 0));
    }
#pragma omp for schedule(static)
    for (int64_t row = 0; row < g.n_groups() * g.max_rows; ++row) {
      const int64_t group = row / g.max_rows, i = row % g.max_rows;
      const Rows r = g.rows(group);
      if (i >= r.count()) continue;
      float* state = record(group, 0, i);
      for (int64_t part = 1; part < n_partitions(g.row_keys(r, i)); ++part) merge_partial(state, record(group, part, i), D);
      write_row(state, D, g.out_row(out, r, i));
    }
  }
}

void attend_fold(const Grid& g, const float* q, const PagedKv& kv, float scale, float* out) {
  const AttentionShape& s = g.s;
  const int64_t D = s.head_dim, stride = D + 2;
#pragma omp parallel
  {
    std::vector<float> q_scaled(g.max_rows * D), state(g.max_rows * stride), partial(g.max_rows * stride);
    // Later token blocks see more keys: hand them out first so the long tasks do not finish last.
#pragma omp for schedule(dynamic)
    for (int64_t group = g.n_groups() - 1; group >= 0; --group) {
      const Rows r = g.rows(group);
      scale_queries(s, r, q, scale, q_scaled.data());
      attend_partition(s, r, 0, q_scaled.data(), kv, state.data());
      for (int64_t part = 1; part < n_partitions(s.n_past + r.t0 + r.n_tok); ++part) {
        attend_partition(s, r, part, q_scaled.data(), kv, partial.data());
        for (int64_t i = 0; i < r.count(); ++i)
          if (part < n_partitions(g.row_keys(r, i))) merge_partial(&state[i * stride], &partial[i * stride], D);
      }
      for (int64_t i = 0; i < r.count(); ++i) write_row(&state[i * stride], D, g.out_row(out, r, i));
    }
  }
}

}  // namespace

void attention_paged(const AttentionShape& s, const float* q, const PagedKv& kv, float scale, float* out) {
  if (s.n_tokens <= 0) return;
  const Grid g(s);
  if (s.n_tokens <= kSplitMaxTokens) {
    attend_split(g, q, kv, scale, out);
  } else {
    attend_fold(g, q, kv, scale, out);
  }
}

}  // namespace nemotron::cpu
