// KvBlockPool: storage, free list and reference counts.
#include "cache/kv_block_pool.h"

#include <algorithm>
#include <cstring>

namespace nemotron {

KvBlockPool::KvBlockPool(const HParams& hp, int64_t n_blocks, int64_t block_tokens, CacheMemory& memory)
    : n_layers_(hp.count(LayerKind::Attention)),
      row_(hp.n_kv_heads * hp.attn_head_dim),
      block_tokens_(block_tokens),
      n_blocks_(n_layers_ > 0 ? n_blocks : 0),
      memory_(memory) {
  require(block_tokens_ > 0, NT_INVALID_ARGUMENT, "kv_block_tokens must be positive");
  require(n_blocks_ < (int64_t{1} << 31), NT_INVALID_ARGUMENT, "too many KV blocks");
  const int64_t layer_bytes = n_blocks_ * block_tokens_ * row_ * static_cast<int64_t>(sizeof(float));
  for (int64_t l = 0; l < n_layers_; ++l) {
    k_.push_back(static_cast<float*>(memory_.allocate(layer_bytes, "KV cache")));
    v_.push_back(static_cast<float*>(memory_.allocate(layer_bytes, "KV cache")));
  }
  refs_.assign(static_cast<size_t>(n_blocks_), 0);
  free_.reserve(static_cast<size_t>(n_blocks_));
  // Popped from the back: low block ids first, so a lightly used cache touches few pages.
  for (int64_t b = n_blocks_ - 1; b >= 0; --b) free_.push_back(static_cast<int32_t>(b));
}

int64_t KvBlockPool::bytes_per_block(const HParams& hp, int64_t block_tokens) {
  return hp.count(LayerKind::Attention) * 2 * block_tokens * hp.n_kv_heads * hp.attn_head_dim *
         static_cast<int64_t>(sizeof(float));
}

int64_t KvBlockPool::n_free() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(free_.size());
}

bool KvBlockPool::allocate(int64_t n, std::vector<int32_t>& out) {
  if (n <= 0) return true;
  out.reserve(out.size() + static_cast<size_t>(n));  // may throw before anything is taken
  std::lock_guard<std::mutex> lock(mutex_);
  if (static_cast<int64_t>(free_.size()) < n) return false;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t b = free_.back();
    free_.pop_back();
    refs_[b] = 1;
    out.push_back(b);
  }
  return true;
}

void KvBlockPool::retain(int32_t block) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++refs_[block];
}

void KvBlockPool::release(int32_t block) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--refs_[block] == 0) free_.push_back(block);
}

int32_t KvBlockPool::ref_count(int32_t block) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return refs_[block];
}

void KvBlockPool::copy_rows(int32_t from, int32_t to, int64_t n_rows) {
  const int64_t block_floats = block_tokens_ * row_;
  const int64_t bytes = n_rows * row_ * static_cast<int64_t>(sizeof(float));
  for (int64_t l = 0; l < n_layers_; ++l) {
    memory_.copy(k_pool(l) + to * block_floats, k_pool(l) + from * block_floats, bytes);
    memory_.copy(v_pool(l) + to * block_floats, v_pool(l) + from * block_floats, bytes);
  }
}

}  // namespace nemotron
