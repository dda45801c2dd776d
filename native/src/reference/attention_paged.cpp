// Reference paged attention: the definition of the block layout and nothing else. Gathers the sequence's
// K/V from the pool into contiguous caches (position p = row p % block_tokens of block
// block_table[p / block_tokens]) and runs the double-precision ref::attention_causal on them.
#include <algorithm>
#include <vector>

#include "ops/attention.h"

namespace nemotron::ref {

void attention_paged(const AttentionShape& s, const float* q, const PagedKv& kv, float scale, float* out) {
  const int64_t n_keys = s.n_past + s.n_tokens, kv_row = s.n_kv_heads * s.head_dim;
  std::vector<float> k_cache(n_keys * kv_row), v_cache(n_keys * kv_row);
  for (int64_t p = 0; p < n_keys; ++p) {
    const int64_t pool_row = int64_t{kv.block_table[p / kv.block_tokens]} * kv.block_tokens + p % kv.block_tokens;
    std::copy_n(kv.k_pool + pool_row * kv_row, kv_row, k_cache.data() + p * kv_row);
    std::copy_n(kv.v_pool + pool_row * kv_row, kv_row, v_cache.data() + p * kv_row);
  }
  attention_causal(s, q, k_cache.data(), v_cache.data(), scale, out);
}

}  // namespace nemotron::ref
