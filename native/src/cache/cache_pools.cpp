// CachePools: turns one memory budget into a number of state slots and KV blocks, with errors that say
// what to change when the budget cannot hold even one sequence.
#include "cache/cache_pools.h"

#include <algorithm>
#include <string>

namespace nemotron {
CachePlan CachePlan::from(const HParams& hp, DType ssm_dtype, const CacheSizing& sizing) {
  require(sizing.cache_bytes >= 0 && sizing.state_slots >= 0 && sizing.block_tokens >= 0, NT_INVALID_ARGUMENT,
          "cache sizes must not be negative");
  const int64_t budget = sizing.cache_bytes > 0 ? sizing.cache_bytes : CacheSizing::kDefaultBytes;
  const int64_t block_tokens = sizing.block_tokens > 0 ? sizing.block_tokens : CacheSizing::kDefaultBlockTokens;
  const int64_t slot_bytes = StateSlotPool::bytes_per_slot(hp, ssm_dtype);
  const int64_t block_bytes = KvBlockPool::bytes_per_block(hp, block_tokens);
  int64_t slots = sizing.state_slots;
  if (slots == 0) {
    slots = slot_bytes > 0 ? std::clamp<int64_t>(budget / 2 / slot_bytes, 1, CacheSizing::kMaxDefaultSlots)
                           : CacheSizing::kMaxDefaultSlots;
  }
  require(slots * slot_bytes <= budget, NT_INVALID_ARGUMENT,
          "the cache budget of " + std::to_string(budget >> 20) + " MiB holds at most " +
              std::to_string(budget / std::max<int64_t>(slot_bytes, 1)) + " Mamba state slots of " +
              std::to_string(slot_bytes >> 10) + " KiB, not " + std::to_string(slots) +
              ": give the cache more memory or ask for fewer slots");
  int64_t blocks = 0;
  if (block_bytes > 0) {
    blocks = (budget - slots * slot_bytes) / block_bytes;
    require(blocks > 0, NT_INVALID_ARGUMENT,
            "the cache budget of " + std::to_string(budget >> 20) + " MiB leaves no room for a KV block of " +
                std::to_string(block_bytes >> 10) + " KiB after " + std::to_string(slots) +
                " state slots: give the cache more memory or ask for fewer slots");
  }
  return {slots, blocks, block_tokens};
}

}  // namespace nemotron
