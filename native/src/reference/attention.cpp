// Reference causal GQA attention in double with a two-pass softmax (max first, then exp-sum), no
// positional encoding. Token t sits at position n_past + t and sees keys 0 .. n_past + t.
#include "ops/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nemotron::ref {

void attention_causal(const AttentionShape& s, const float* q, const float* k_cache, const float* v_cache,
                      float scale, float* out) {
  const int64_t heads_per_kv = s.n_heads / s.n_kv_heads;
  const int64_t kv_row = s.n_kv_heads * s.head_dim;  // one position of k_cache / v_cache
  std::vector<double> score(s.n_past + s.n_tokens);
  for (int64_t t = 0; t < s.n_tokens; ++t) {
    const int64_t n_keys = s.n_past + t + 1;
    for (int64_t h = 0; h < s.n_heads; ++h) {
      const float* qh = q + t * s.q_stride + h * s.head_dim;
      const int64_t kv_off = (h / heads_per_kv) * s.head_dim;
      double max_score = -INFINITY;
      for (int64_t j = 0; j < n_keys; ++j) {
        double dot = 0.0;
        for (int64_t d = 0; d < s.head_dim; ++d) dot += static_cast<double>(qh[d]) * k_cache[j * kv_row + kv_off + d];
        score[j] = dot * scale;
        max_score = std::max(max_score, score[j]);
      }
      double sum = 0.0;
      for (int64_t j = 0; j < n_keys; ++j) sum += (score[j] = std::exp(score[j] - max_score));
      for (int64_t d = 0; d < s.head_dim; ++d) {
        double acc = 0.0;
        for (int64_t j = 0; j < n_keys; ++j) acc += score[j] * v_cache[j * kv_row + kv_off + d];
        out[(t * s.n_heads + h) * s.head_dim + d] = static_cast<float>(acc / sum);
      }
    }
  }
}

}  // namespace nemotron::ref
