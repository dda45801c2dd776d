// The paged KV cache of the attention layers (vLLM's block manager, one pool per model): K and V of
// every attention layer in fixed-size blocks of block_tokens positions. Sequences hold block tables;
// blocks are ref-counted so that forks and prefix snapshots share the blocks they have in common, and a
// block goes back to the free list when its last holder releases it. Allocation is all-or-nothing.
// Thread-safe: sequences of one model come and go on many threads.
#pragma once
#include <cstdint>
#include <mutex>
#include <vector>

#include "cache/cache_memory.h"
#include "model/hparams.h"

namespace nemotron {

class KvBlockPool {
 public:
  KvBlockPool(const HParams& hp, int64_t n_blocks, int64_t block_tokens, CacheMemory& memory);

  bool enabled() const { return n_layers_ > 0; }  // a model without attention layers needs no blocks
  int64_t block_tokens() const { return block_tokens_; }
  int64_t n_blocks() const { return n_blocks_; }
  int64_t n_free() const;
  static int64_t bytes_per_block(const HParams& hp, int64_t block_tokens);

  // Appends n fresh blocks (ref count 1) to `out`, or returns false and changes nothing.
  bool allocate(int64_t n, std::vector<int32_t>& out);
  void retain(int32_t block);
  void release(int32_t block);
  int32_t ref_count(int32_t block) const;

  // Layer `layer`'s K (or V) pool [n_blocks, block_tokens, row] and one position's row in it.
  float* k_pool(int64_t layer) const { return k_[layer]; }
  float* v_pool(int64_t layer) const { return v_[layer]; }
  int64_t row_floats() const { return row_; }
  // Copies the first n_rows positions of block `from` to block `to`, in every layer (copy on write).
  void copy_rows(int32_t from, int32_t to, int64_t n_rows);

 private:
  int64_t n_layers_, row_, block_tokens_, n_blocks_;
  CacheMemory& memory_;
  std::vector<float*> k_, v_;  // per layer, owned by memory_
  mutable std::mutex mutex_;
  std::vector<int32_t> free_;
  std::vector<int32_t> refs_;
};

}  // namespace nemotron
