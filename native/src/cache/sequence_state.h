// One sequence's place in the cache: a Mamba state slot, a block table into the paged KV pool, and the
// token ids fed so far (sampling penalties and prefix matching read them). Created empty (a zeroed
// slot) or as a fork of another sequence: the fork copies the slot and shares the KV blocks, copying a
// shared, partly filled last block only when it first writes to it. Frees everything it holds when
// destroyed. Not thread-safe by itself: one sequence is fed by one thread at a time.
#pragma once
#include <cstdint>
#include <vector>

#include "cache/cache_pools.h"

namespace nemotron {

class SequenceState {
 public:
  // Both throw Error(NT_CACHE_FULL) when no state slot is free.
  explicit SequenceState(CachePools& pools);
  SequenceState(const SequenceState& source);  // a fork
  SequenceState& operator=(const SequenceState&) = delete;
  ~SequenceState();

  int64_t length() const { return length_; }
  // KV blocks that reserve_tokens(n_more) would take from the pool (including a copy-on-write block).
  int64_t blocks_needed(int64_t n_more) const;
  // Makes room for n more tokens up front, so a forward pass cannot fail half-way through: throws
  // Error(NT_CACHE_FULL) or Error(NT_OUT_OF_MEMORY) and changes nothing when it cannot.
  void reserve_tokens(int64_t n_more);
  // Records n tokens as processed (after their forward pass wrote their K/V and state).
  void append(const int32_t* tokens, int64_t n);
  const std::vector<int32_t>& token_ids() const { return token_ids_; }

  MambaStateView mamba(int64_t mamba_layer) const { return pools_.states.layer(slot_, mamba_layer); }
  int32_t slot() const { return slot_; }
  DType ssm_dtype() const { return pools_.states.ssm_dtype(); }
  const KvBlockPool& kv_pool() const { return pools_.kv; }
  const int32_t* block_table() const { return blocks_.data(); }
  // Where position `position` of attention layer `layer` keeps its K (or V) row; its block is reserved.
  float* k_row(int64_t layer, int64_t position) const { return row(pools_.kv.k_pool(layer), position); }
  float* v_row(int64_t layer, int64_t position) const { return row(pools_.kv.v_pool(layer), position); }

 private:
  float* row(float* pool, int64_t position) const {
    const int64_t bt = pools_.kv.block_tokens();
    return pool + (blocks_[position / bt] * bt + position % bt) * pools_.kv.row_floats();
  }
  bool last_block_shared() const;

  CachePools& pools_;
  int32_t slot_;
  int64_t length_ = 0;
  std::vector<int32_t> blocks_;  // covers positions [0, blocks_.size() × block_tokens)
  std::vector<int32_t> token_ids_;
};

}  // namespace nemotron
