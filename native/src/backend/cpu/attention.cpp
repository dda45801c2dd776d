// CPU causal GQA attention over a sequence's cached K/V (no RoPE in Nemotron-H): one (token, head) pair
// per OpenMP iteration, query heads of one KV head adjacent so they share the K/V rows in cache.
// Online softmax in float32: keys go by blocks; each block's scores are computed, the running max is
// raised once per block and the accumulator rescaled once, then the block's values are added.
#include "ops/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nemotron::cpu {
namespace {

constexpr int64_t kKeyBlock = 64;  // scores of one block live in L1; one rescale per block

struct Query {
  const float* q;   // [head_dim]
  const float* k;   // k_cache + this KV head's offset; row j at k + j * kv_row
  const float* v;
  int64_t kv_row, head_dim, n_keys;
};

void attend_one(const Query& qr, float scale, float* acc, float* out) {
  float scores[kKeyBlock];
  float running_max = -INFINITY, running_sum = 0.0f;
  std::fill(acc, acc + qr.head_dim, 0.0f);
  for (int64_t j0 = 0; j0 < qr.n_keys; j0 += kKeyBlock) {
    const int64_t nb = std::min(kKeyBlock, qr.n_keys - j0);
    float block_max = -INFINITY;
    for (int64_t j = 0; j < nb; ++j) {
      const float* kj = qr.k + (j0 + j) * qr.kv_row;
      float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
      for (int64_t d = 0; d < qr.head_dim; ++d) dot += qr.q[d] * kj[d];
      scores[j] = dot * scale;
      block_max = std::max(block_max, scores[j]);
    }
    const float new_max = std::max(running_max, block_max);
    const float rescale = std::exp(running_max - new_max);  // exp(−inf) = 0 on the first block
    running_sum *= rescale;
#pragma omp simd
    for (int64_t d = 0; d < qr.head_dim; ++d) acc[d] *= rescale;
    for (int64_t j = 0; j < nb; ++j) {
      const float p = std::exp(scores[j] - new_max);
      running_sum += p;
      const float* vj = qr.v + (j0 + j) * qr.kv_row;
#pragma omp simd
      for (int64_t d = 0; d < qr.head_dim; ++d) acc[d] += p * vj[d];
    }
    running_max = new_max;
  }
  const float inv_sum = 1.0f / running_sum;
  for (int64_t d = 0; d < qr.head_dim; ++d) out[d] = acc[d] * inv_sum;
}

}  // namespace

void attention_causal(const AttentionShape& s, const float* q, const float* k_cache, const float* v_cache,
                      float scale, float* out) {
  const int64_t heads_per_kv = s.n_heads / s.n_kv_heads;
  const int64_t kv_row = s.n_kv_heads * s.head_dim;
#pragma omp parallel
  {
    std::vector<float> acc(s.head_dim);
    // Dynamic: causal rows grow with t. Chunks of heads_per_kv keep a KV head's query heads together.
#pragma omp for collapse(2) schedule(dynamic, heads_per_kv)
    for (int64_t t = 0; t < s.n_tokens; ++t) {
      for (int64_t h = 0; h < s.n_heads; ++h) {
        const int64_t kv_off = (h / heads_per_kv) * s.head_dim;
        const Query qr{q + t * s.q_stride + h * s.head_dim, k_cache + kv_off, v_cache + kv_off, kv_row, s.head_dim,
                       s.n_past + t + 1};
        attend_one(qr, scale, acc.data(), out + (t * s.n_heads + h) * s.head_dim);
      }
    }
  }
}

}  // namespace nemotron::cpu
