// The Mamba state pool: fixed-size slots, each holding the conv state [conv_dim, conv_kernel − 1]
// (float32) and the SSM state [n_heads, head_dim, d_state] (float32, or bfloat16 like vLLM's
// --mamba_ssm_cache_dtype) of every Mamba layer. One slot per live sequence or snapshot: unlike KV,
// Mamba state cannot be shared, only copied. Thread-safe.
#pragma once
#include <cstdint>
#include <mutex>
#include <vector>

#include "cache/cache_memory.h"
#include "model/hparams.h"
#include "ops/tensor_view.h"

namespace nemotron {

// One Mamba layer's state inside a slot. Exactly one of ssm / ssm_bf16 is set.
struct MambaStateView {
  float* conv;
  float* ssm;
  uint16_t* ssm_bf16;
  int64_t ssm_elements;
};

class StateSlotPool {
 public:
  StateSlotPool(const HParams& hp, DType ssm_dtype, int64_t n_slots, CacheMemory& memory);

  int64_t n_slots() const { return n_slots_; }
  int64_t n_free() const;
  DType ssm_dtype() const { return ssm_dtype_; }
  static int64_t bytes_per_slot(const HParams& hp, DType ssm_dtype);

  // A zeroed slot (the state of an empty sequence), or −1 when none is free.
  int32_t acquire();
  void release(int32_t slot);
  void copy(int32_t from, int32_t to);
  MambaStateView layer(int32_t slot, int64_t mamba_layer) const;
  // The whole pool (for a device backend that maps it once).
  unsigned char* storage() const { return storage_; }
  int64_t slot_bytes() const { return slot_bytes_; }

 private:
  int64_t n_layers_, conv_floats_, ssm_elements_, slot_bytes_, n_slots_;
  DType ssm_dtype_;
  CacheMemory& memory_;
  unsigned char* storage_;  // n_slots × slot_bytes, owned by memory_
  mutable std::mutex mutex_;
  std::vector<int32_t> free_;
};

}  // namespace nemotron
