// Nemotron-H hyper-parameters as typed fields (Hugging Face config keys beside them), built from the
// nt_config Java parsed, re-checked here because wrong sizes would become out-of-bounds reads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/layer_kind.h"
#include "nemotron/nemotron.h"

namespace nemotron {

struct HParams {
  int64_t vocab_size;         // vocab_size
  int64_t hidden_size;        // hidden_size
  std::vector<LayerKind> layers;  // hybrid_override_pattern / layers_block_type
  // attention ('*')
  int64_t n_heads;            // num_attention_heads
  int64_t n_kv_heads;         // num_key_value_heads
  int64_t attn_head_dim;      // head_dim
  // MLP ('-')
  int64_t intermediate_size;  // intermediate_size
  // Mamba2 ('M')
  int64_t n_mamba_heads;      // mamba_num_heads
  int64_t mamba_head_dim;     // mamba_head_dim
  int64_t n_groups;           // n_groups
  int64_t d_state;            // ssm_state_size
  int64_t conv_kernel;        // conv_kernel
  int64_t chunk_size;         // chunk_size
  bool use_conv_bias;         // use_conv_bias
  bool mamba_proj_bias;       // use_bias
  bool attention_bias;        // attention_bias
  bool mlp_bias;              // mlp_bias
  bool tie_word_embeddings;   // tie_word_embeddings
  float norm_eps;             // layer_norm_epsilon
  float dt_min, dt_max;       // time_step_limit

  int64_t d_inner() const { return n_mamba_heads * mamba_head_dim; }  // not expand × hidden
  int64_t conv_dim() const { return d_inner() + 2 * n_groups * d_state; }
  int64_t d_in_proj() const { return 2 * d_inner() + 2 * n_groups * d_state + n_mamba_heads; }
  int64_t count(LayerKind kind) const;

  static HParams from(const nt_config& config);  // throws Error(NT_BAD_CHECKPOINT / NT_UNSUPPORTED)
};

}  // namespace nemotron
