// StateSlotPool: one buffer of n_slots × (every Mamba layer's conv + SSM state).
#include "cache/state_slot_pool.h"

#include <cstring>

namespace nemotron {

StateSlotPool::StateSlotPool(const HParams& hp, DType ssm_dtype, int64_t n_slots, CacheMemory& memory)
    : n_layers_(hp.count(LayerKind::Mamba)),
      conv_floats_(hp.conv_dim() * (hp.conv_kernel - 1)),
      ssm_elements_(hp.n_mamba_heads * hp.mamba_head_dim * hp.d_state),
      slot_bytes_(bytes_per_slot(hp, ssm_dtype)),
      n_slots_(n_slots),
      ssm_dtype_(ssm_dtype),
      memory_(memory),
      storage_(nullptr) {
  require(n_slots > 0 && n_slots < (int64_t{1} << 31), NT_INVALID_ARGUMENT, "state_slots must be positive");
  storage_ = static_cast<unsigned char*>(memory_.allocate(slot_bytes_ * n_slots, "Mamba state slots"));
  for (int64_t s = n_slots - 1; s >= 0; --s) free_.push_back(static_cast<int32_t>(s));
}

int64_t StateSlotPool::bytes_per_slot(const HParams& hp, DType ssm_dtype) {
  const int64_t conv = hp.conv_dim() * (hp.conv_kernel - 1) * static_cast<int64_t>(sizeof(float));
  // Each layer's SSM state starts 4-byte aligned, so the float32 views stay aligned.
  const int64_t ssm = (hp.n_mamba_heads * hp.mamba_head_dim * hp.d_state * dtype_size(ssm_dtype) + 3) / 4 * 4;
  return hp.count(LayerKind::Mamba) * (conv + ssm);
}

int64_t StateSlotPool::n_free() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(free_.size());
}

int32_t StateSlotPool::acquire() {
  int32_t slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return -1;
    slot = free_.back();
    free_.pop_back();
  }
  if (slot_bytes_ > 0) memory_.zero(storage_ + slot * slot_bytes_, slot_bytes_);
  return slot;
}

void StateSlotPool::release(int32_t slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(slot);
}

void StateSlotPool::copy(int32_t from, int32_t to) {
  if (slot_bytes_ == 0) return;
  memory_.copy(storage_ + to * slot_bytes_, storage_ + from * slot_bytes_, slot_bytes_);
}

MambaStateView StateSlotPool::layer(int32_t slot, int64_t mamba_layer) const {
  const int64_t layer_bytes = slot_bytes_ / (n_layers_ > 0 ? n_layers_ : 1);
  unsigned char* p = storage_ + slot * slot_bytes_ + mamba_layer * layer_bytes;
  float* conv = reinterpret_cast<float*>(p);
  void* ssm = p + conv_floats_ * static_cast<int64_t>(sizeof(float));
  const bool bf16 = ssm_dtype_ == DType::BF16;
  return {conv, bf16 ? nullptr : static_cast<float*>(ssm), bf16 ? static_cast<uint16_t*>(ssm) : nullptr,
          ssm_elements_};
}

}  // namespace nemotron
