// CPU causal GQA attention over a sequence's cached K/V (no RoPE in Nemotron-H). One task is a block of
// query tokens for one KV head: its rows are (token, query head) pairs of that KV head, so each K/V block
// read serves all of them. Tasks are spread over threads (dynamic: causal rows grow with the token).
// Per key block: scores = Q·Kᵀ (cpu::gemm), an online-softmax update per row (running max, one rescale
// of the row's accumulator per block), then O += P·V (cpu::gemm). Float32 throughout.
#include "ops/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu/gemm.h"
#include "backend/cpu/vexp.h"

namespace nemotron::cpu {
namespace {

constexpr int64_t kKeyBlock = 128;    // scores of one block: [rows, kKeyBlock] floats, cache-resident
constexpr int64_t kRowsPerTask = 48;  // ~ tokens × query heads per task: a few micro-kernel tiles tall

// One task's rows: token t0 + i / heads_per_kv, query head kv · heads_per_kv + i % heads_per_kv.
struct Task {
  int64_t t0, n_tok, kv, heads_per_kv;
  int64_t rows() const { return n_tok * heads_per_kv; }
};

struct Work {  // per-thread scratch
  std::vector<float> q_t;     // [head_dim, rows]  scaled queries, transposed (the micro-kernel's A layout)
  std::vector<float> scores;  // [rows, kKeyBlock]
  std::vector<float> acc;     // [rows, head_dim]  unnormalised output
  std::vector<float> row_max, row_sum;
  Work(int64_t max_rows, int64_t head_dim)
      : q_t(head_dim * max_rows), scores(max_rows * kKeyBlock), acc(max_rows * head_dim), row_max(max_rows),
        row_sum(max_rows) {}
};

// Online softmax for one row's block of scores (valid of them; the rest are masked out): raises the
// running max, rescales the row's sum and accumulator once, turns the scores into probabilities.
void softmax_block(float* score, int64_t valid, int64_t block, float* acc_row, int64_t head_dim, float& running_max,
                   float& running_sum) {
  float block_max = -INFINITY;
  for (int64_t j = 0; j < valid; ++j) block_max = std::max(block_max, score[j]);
  const float new_max = std::max(running_max, block_max);
  const float rescale = std::exp(running_max - new_max);  // exp(−inf) = 0 on the row's first block
  for (int64_t j = 0; j < valid; ++j) score[j] -= new_max;
  exp_in_place(score, valid);
  std::fill(score + valid, score + block, 0.0f);  // causal mask
  float sum = 0.0f;
  for (int64_t j = 0; j < valid; ++j) sum += score[j];
  running_sum = running_sum * rescale + sum;
  running_max = new_max;
  for (int64_t d = 0; d < head_dim; ++d) acc_row[d] *= rescale;
}

void attend_task(const AttentionShape& s, const Task& task, const float* q, const float* k_cache,
                 const float* v_cache, float scale, float* out, Work& w) {
  const int64_t D = s.head_dim, m = task.rows(), kv_row = s.n_kv_heads * D;
  for (int64_t i = 0; i < m; ++i) {
    const int64_t t = task.t0 + i / task.heads_per_kv, h = task.kv * task.heads_per_kv + i % task.heads_per_kv;
    for (int64_t d = 0; d < D; ++d) w.q_t[d * m + i] = scale * q[t * s.q_stride + h * D + d];
  }
  std::fill(w.acc.begin(), w.acc.begin() + m * D, 0.0f);
  std::fill(w.row_max.begin(), w.row_max.begin() + m, -INFINITY);
  std::fill(w.row_sum.begin(), w.row_sum.begin() + m, 0.0f);

  const float* k = k_cache + task.kv * D;
  const float* v = v_cache + task.kv * D;
  const int64_t n_keys = s.n_past + task.t0 + task.n_tok;  // the last token's keys; earlier rows mask
  for (int64_t j0 = 0; j0 < n_keys; j0 += kKeyBlock) {
    const int64_t kb = std::min(kKeyBlock, n_keys - j0);
    gemm(m, kb, D, {w.q_t.data(), 1, m}, {k + j0 * kv_row, 1, kv_row}, w.scores.data(), kKeyBlock, false);
    for (int64_t i = 0; i < m; ++i) {
      const int64_t row_keys = s.n_past + task.t0 + i / task.heads_per_kv + 1;
      const int64_t valid = std::clamp<int64_t>(row_keys - j0, 0, kb);
      softmax_block(&w.scores[i * kKeyBlock], valid, kb, &w.acc[i * D], D, w.row_max[i], w.row_sum[i]);
    }
    gemm(m, D, kb, {w.scores.data(), kKeyBlock, 1}, {v + j0 * kv_row, kv_row, 1}, w.acc.data(), D, true);
  }

  for (int64_t i = 0; i < m; ++i) {
    const int64_t t = task.t0 + i / task.heads_per_kv, h = task.kv * task.heads_per_kv + i % task.heads_per_kv;
    const float inv_sum = 1.0f / w.row_sum[i];
    for (int64_t d = 0; d < D; ++d) out[(t * s.n_heads + h) * D + d] = w.acc[i * D + d] * inv_sum;
  }
}

}  // namespace

void attention_causal(const AttentionShape& s, const float* q, const float* k_cache, const float* v_cache,
                      float scale, float* out) {
  const int64_t heads_per_kv = s.n_heads / s.n_kv_heads;
  const int64_t tokens_per_task = std::max<int64_t>(1, kRowsPerTask / heads_per_kv);
  const int64_t n_token_blocks = (s.n_tokens + tokens_per_task - 1) / tokens_per_task;
#pragma omp parallel
  {
    Work work(tokens_per_task * heads_per_kv, s.head_dim);
    // Later token blocks see more keys: hand them out first so the long tasks do not finish last.
#pragma omp for collapse(2) schedule(dynamic)
    for (int64_t b = n_token_blocks - 1; b >= 0; --b)
      for (int64_t kv = 0; kv < s.n_kv_heads; ++kv) {
        const int64_t t0 = b * tokens_per_task;
        const Task task{t0, std::min(tokens_per_task, s.n_tokens - t0), kv, heads_per_kv};
        attend_task(s, task, q, k_cache, v_cache, scale, out, work);
      }
  }
}

}  // namespace nemotron::cpu
