// SequenceState: allocation and up-front growth of a sequence's state.
#include "cache/sequence_state.h"

#include <algorithm>
#include <new>

#include "engine/status.h"

namespace nemotron {

SequenceState::SequenceState(const HParams& hp, DType ssm_dtype)
    : kv_row_(hp.count(LayerKind::Attention) ? hp.n_kv_heads * hp.attn_head_dim : 0), ssm_dtype_(ssm_dtype) {
  const size_t conv = static_cast<size_t>(hp.conv_dim() * (hp.conv_kernel - 1));
  const size_t ssm = static_cast<size_t>(hp.n_mamba_heads * hp.mamba_head_dim * hp.d_state);
  mamba_.resize(static_cast<size_t>(hp.count(LayerKind::Mamba)));
  for (MambaLayerState& layer : mamba_) {
    layer.conv.assign(conv, 0.0f);
    if (ssm_dtype == DType::BF16) {
      layer.ssm_bf16.assign(ssm, 0);
    } else {
      layer.ssm.assign(ssm, 0.0f);
    }
  }
  kv_.resize(static_cast<size_t>(hp.count(LayerKind::Attention)));
}

void SequenceState::reserve_tokens(int64_t n_more) {
  const size_t needed = static_cast<size_t>((length_ + n_more) * kv_row_);
  try {
    if (token_ids_.capacity() < static_cast<size_t>(length_ + n_more))
      token_ids_.reserve(std::max(static_cast<size_t>(length_ + n_more), 2 * token_ids_.capacity()));
    for (KvLayerCache& layer : kv_) {
      if (layer.k.capacity() < needed) {
        const size_t grown = std::max(needed, 2 * layer.k.capacity());  // amortised growth
        layer.k.reserve(grown);
        layer.v.reserve(grown);
      }
    }
  } catch (const std::bad_alloc&) {
    fail(NT_OUT_OF_MEMORY, "out of memory growing the KV cache to " + std::to_string(length_ + n_more) + " tokens");
  }
}

int64_t SequenceState::state_bytes(const HParams& hp, DType ssm_dtype) {
  const int64_t conv = hp.conv_dim() * (hp.conv_kernel - 1) * 4;
  const int64_t ssm = hp.n_mamba_heads * hp.mamba_head_dim * hp.d_state * dtype_size(ssm_dtype);
  return hp.count(LayerKind::Mamba) * (conv + ssm);
}

int64_t SequenceState::kv_bytes_per_token(const HParams& hp) {
  if (hp.count(LayerKind::Attention) == 0) return 0;
  return hp.count(LayerKind::Attention) * 2 * hp.n_kv_heads * hp.attn_head_dim * 4;
}

}  // namespace nemotron
