// SequenceState: slot and block bookkeeping; the forward pass writes through k_row / v_row / mamba.
#include "cache/sequence_state.h"

#include <algorithm>
#include <new>
#include <string>

#include "engine/status.h"

namespace nemotron {
namespace {

int32_t acquire_slot(CachePools& pools) {
  const int32_t slot = pools.states.acquire();
  require(slot >= 0, NT_CACHE_FULL,
          "all " + std::to_string(pools.states.n_slots()) +
              " Mamba state slots are in use: close sequences or give the cache more slots");
  return slot;
}

}  // namespace

SequenceState::SequenceState(CachePools& pools) : pools_(pools), slot_(acquire_slot(pools)) {}

SequenceState::SequenceState(const SequenceState& source)
    : pools_(source.pools_), slot_(acquire_slot(source.pools_)), length_(source.length_) {
  try {
    const int64_t bt = pools_.kv.block_tokens();
    const size_t used = pools_.kv.enabled() ? static_cast<size_t>((length_ + bt - 1) / bt) : 0;
    blocks_.assign(source.blocks_.begin(), source.blocks_.begin() + static_cast<std::ptrdiff_t>(used));
    token_ids_ = source.token_ids_;
  } catch (...) {
    pools_.states.release(slot_);
    throw;
  }
  pools_.states.copy(source.slot_, slot_);
  for (int32_t b : blocks_) pools_.kv.retain(b);
}

SequenceState::~SequenceState() {
  for (int32_t b : blocks_) pools_.kv.release(b);
  pools_.states.release(slot_);
}

bool SequenceState::last_block_shared() const {
  const int64_t bt = pools_.kv.block_tokens();
  return pools_.kv.enabled() && length_ % bt != 0 && pools_.kv.ref_count(blocks_[length_ / bt]) > 1;
}

int64_t SequenceState::blocks_needed(int64_t n_more) const {
  if (!pools_.kv.enabled()) return 0;
  const int64_t bt = pools_.kv.block_tokens();
  const int64_t needed = (length_ + n_more + bt - 1) / bt - static_cast<int64_t>(blocks_.size());
  return std::max<int64_t>(needed, 0) + (n_more > 0 && last_block_shared() ? 1 : 0);
}

void SequenceState::reserve_tokens(int64_t n_more) {
  const int64_t bt = pools_.kv.block_tokens();
  const int64_t fresh = pools_.kv.enabled()
      ? std::max<int64_t>((length_ + n_more + bt - 1) / bt - static_cast<int64_t>(blocks_.size()), 0) : 0;
  try {
    token_ids_.reserve(static_cast<size_t>(length_ + n_more));
    blocks_.reserve(blocks_.size() + static_cast<size_t>(fresh));
  } catch (const std::bad_alloc&) {
    fail(NT_OUT_OF_MEMORY, "out of memory growing a sequence to " + std::to_string(length_ + n_more) + " tokens");
  }
  if (!pools_.kv.enabled() || n_more <= 0) return;
  const bool copy_last = last_block_shared();
  std::vector<int32_t> taken;
  require(pools_.kv.allocate(fresh + (copy_last ? 1 : 0), taken), NT_CACHE_FULL,
          "the KV cache has " + std::to_string(pools_.kv.n_free()) + " free blocks of " + std::to_string(bt) +
              " tokens; " + std::to_string(fresh + (copy_last ? 1 : 0)) +
              " are needed: wait for other sequences to finish, or give the cache more memory");
  if (copy_last) {  // the shared block stays with its other holders; this sequence writes to a copy
    const int32_t copy = taken.back();
    taken.pop_back();
    int32_t& last = blocks_[length_ / bt];
    pools_.kv.copy_rows(last, copy, length_ % bt);
    pools_.kv.release(last);
    last = copy;
  }
  blocks_.insert(blocks_.end(), taken.begin(), taken.end());  // capacity reserved above: cannot throw
}

void SequenceState::append(const int32_t* tokens, int64_t n) {
  token_ids_.insert(token_ids_.end(), tokens, tokens + n);  // capacity was reserved: cannot throw
  length_ += n;
}

}  // namespace nemotron
