// The two pools of one model, sized from one memory budget: state slots first (a sequence cannot run
// without one), the rest of the budget in KV blocks.
#pragma once
#include <cstdint>

#include "cache/kv_block_pool.h"
#include "cache/state_slot_pool.h"

namespace nemotron {

struct CacheSizing {
  int64_t cache_bytes;    // 0: default (1 GiB)
  int64_t state_slots;    // 0: as many as half the budget holds, at most kMaxDefaultSlots
  int64_t block_tokens;   // 0: 16

  static constexpr int64_t kDefaultBytes = int64_t{1} << 30;
  static constexpr int64_t kMaxDefaultSlots = 256;
  static constexpr int64_t kDefaultBlockTokens = 16;
};

// How many slots and blocks a sizing gives for a model; throws Error(NT_INVALID_ARGUMENT) saying what to
// change when the budget cannot hold one state slot and one KV block.
struct CachePlan {
  int64_t slots, blocks, block_tokens;
  static CachePlan from(const HParams& hp, DType ssm_dtype, const CacheSizing& sizing);
};

struct CachePools {
  // `memory` holds the pools' bytes and must outlive them.
  CachePools(const HParams& hp, DType ssm_dtype, const CachePlan& plan, CacheMemory& memory)
      : states(hp, ssm_dtype, plan.slots, memory), kv(hp, plan.blocks, plan.block_tokens, memory) {}

  StateSlotPool states;
  KvBlockPool kv;
};

}  // namespace nemotron
