// The block kinds of a Nemotron-H layer pattern. The table in layer_kind.cpp is the only place a new
// kind (MoE 'E' next) must be registered.
#pragma once

namespace nemotron {

enum class LayerKind { Mamba, Attention, Mlp, Moe };

struct LayerKindInfo {
  char symbol;        // hybrid_override_pattern character
  LayerKind kind;
  const char* name;   // layers_block_type spelling
  bool supported;
};

// nullptr when `symbol` is not a known kind.
const LayerKindInfo* layer_kind_info(char symbol);
const LayerKindInfo& layer_kind_info(LayerKind kind);

}  // namespace nemotron
