// One sequence's recurrent state: per Mamba layer the conv state [conv_dim, conv_kernel − 1] and the
// SSM state [n_heads, head_dim, d_state] (float32, or bfloat16 storage like vLLM's
// --mamba_ssm_cache_dtype), per attention layer its K and V rows [n_tokens, n_kv_heads, head_dim].
// Contiguous per-sequence K/V for now; the paged block pool of the engine issue replaces kv_layers.
#pragma once
#include <cstdint>
#include <vector>

#include "model/hparams.h"
#include "ops/tensor_view.h"

namespace nemotron {

struct MambaLayerState {
  std::vector<float> conv;         // [conv_dim, conv_kernel − 1], oldest input first
  std::vector<float> ssm;          // [n_heads, head_dim, d_state] when the state dtype is F32
  std::vector<uint16_t> ssm_bf16;  // same shape when it is BF16
};

struct KvLayerCache {
  std::vector<float> k;  // [length, n_kv_heads, head_dim]
  std::vector<float> v;
};

class SequenceState {
 public:
  SequenceState(const HParams& hp, DType ssm_dtype);

  int64_t length() const { return length_; }
  // Makes room for n more tokens up front, so a forward pass cannot fail half-way through
  // (throws Error(NT_OUT_OF_MEMORY) and changes nothing when it cannot).
  void reserve_tokens(int64_t n_more);
  // Records n tokens as processed (their ids are kept: sampling penalties and prefix matching read them).
  void append(const int32_t* tokens, int64_t n) {
    token_ids_.insert(token_ids_.end(), tokens, tokens + n);  // capacity was reserved: cannot throw
    length_ += n;
  }
  const std::vector<int32_t>& token_ids() const { return token_ids_; }

  std::vector<MambaLayerState>& mamba_layers() { return mamba_; }
  std::vector<KvLayerCache>& kv_layers() { return kv_; }
  DType ssm_dtype() const { return ssm_dtype_; }

  static int64_t state_bytes(const HParams& hp, DType ssm_dtype);
  static int64_t kv_bytes_per_token(const HParams& hp);

 private:
  int64_t kv_row_;  // n_kv_heads × head_dim
  int64_t length_ = 0;
  DType ssm_dtype_;
  std::vector<int32_t> token_ids_;
  std::vector<MambaLayerState> mamba_;
  std::vector<KvLayerCache> kv_;
};

}  // namespace nemotron
