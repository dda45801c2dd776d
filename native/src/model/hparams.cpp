// HParams::from: copy and re-check the config Java sent (sizes become buffer lengths and loop bounds).
#include "model/hparams.h"

#include <cstring>

#include "engine/status.h"

namespace nemotron {
namespace {
constexpr int64_t kMaxDimension = int64_t{1} << 24;  // far above any real width; keeps products in int64

void check_dim(int64_t value, const char* key) {
  require(value > 0 && value <= kMaxDimension, NT_BAD_CHECKPOINT,
          std::string("config ") + key + " = " + std::to_string(value) + " is out of range");
}
}  // namespace

int64_t HParams::count(LayerKind kind) const {
  int64_t n = 0;
  for (LayerKind k : layers) n += k == kind;
  return n;
}

HParams HParams::from(const nt_config& c) {
  HParams h{};
  require(std::memchr(c.layer_kinds, '\0', sizeof c.layer_kinds) != nullptr, NT_INVALID_ARGUMENT,
          "layer_kinds is not terminated");
  const size_t n_layers = std::strlen(c.layer_kinds);
  require(n_layers > 0 && static_cast<int64_t>(n_layers) == c.n_layers, NT_BAD_CHECKPOINT,
          "num_hidden_layers = " + std::to_string(c.n_layers) + " but the layer pattern has " +
              std::to_string(n_layers) + " layers");
  for (size_t i = 0; i < n_layers; ++i) {
    const LayerKindInfo* info = layer_kind_info(c.layer_kinds[i]);
    require(info != nullptr, NT_BAD_CHECKPOINT,
            std::string("layer ") + std::to_string(i) + " has unknown kind '" + c.layer_kinds[i] + "'");
    require(info->supported, NT_UNSUPPORTED,
            std::string("layer ") + std::to_string(i) + " is a '" + info->name + "' block, not supported yet");
    h.layers.push_back(info->kind);
  }
  h.vocab_size = c.vocab_size;
  h.hidden_size = c.hidden_size;
  check_dim(h.vocab_size, "vocab_size");
  check_dim(h.hidden_size, "hidden_size");
  h.tie_word_embeddings = c.tie_word_embeddings != 0;
  h.norm_eps = c.norm_eps;
  h.dt_min = c.dt_min;
  h.dt_max = c.dt_max;
  require(h.norm_eps > 0.0f, NT_BAD_CHECKPOINT, "config layer_norm_epsilon must be positive");
  require(!(h.dt_min > h.dt_max), NT_BAD_CHECKPOINT, "config time_step_limit is empty (min > max)");
  if (h.count(LayerKind::Attention) > 0) {
    h.n_heads = c.n_heads;
    h.n_kv_heads = c.n_kv_heads;
    h.attn_head_dim = c.attn_head_dim;
    h.attention_bias = c.attention_bias != 0;
    check_dim(h.n_heads, "num_attention_heads");
    check_dim(h.n_kv_heads, "num_key_value_heads");
    check_dim(h.attn_head_dim, "head_dim");
    require(h.n_heads % h.n_kv_heads == 0, NT_BAD_CHECKPOINT, "num_attention_heads must be a multiple of num_key_value_heads");
  }
  if (h.count(LayerKind::Mlp) > 0) {
    h.intermediate_size = c.intermediate_size;
    h.mlp_bias = c.mlp_bias != 0;
    check_dim(h.intermediate_size, "intermediate_size");
  }
  if (h.count(LayerKind::Mamba) > 0) {
    h.n_mamba_heads = c.mamba_n_heads;
    h.mamba_head_dim = c.mamba_head_dim;
    h.n_groups = c.n_groups;
    h.d_state = c.d_state;
    h.conv_kernel = c.conv_kernel;
    h.chunk_size = c.chunk_size;
    h.use_conv_bias = c.use_conv_bias != 0;
    h.mamba_proj_bias = c.mamba_proj_bias != 0;
    check_dim(h.n_mamba_heads, "mamba_num_heads");
    check_dim(h.mamba_head_dim, "mamba_head_dim");
    check_dim(h.n_groups, "n_groups");
    check_dim(h.d_state, "ssm_state_size");
    check_dim(h.conv_kernel, "conv_kernel");
    check_dim(h.chunk_size, "chunk_size");
    require(h.n_mamba_heads % h.n_groups == 0, NT_BAD_CHECKPOINT, "mamba_num_heads must be a multiple of n_groups");
  }
  return h;
}

}  // namespace nemotron
