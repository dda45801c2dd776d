// Pattern character ↔ layer kind table.
#include "model/layer_kind.h"

namespace nemotron {
namespace {
constexpr LayerKindInfo kKinds[] = {
    {'M', LayerKind::Mamba, "mamba", true},
    {'*', LayerKind::Attention, "attention", true},
    {'-', LayerKind::Mlp, "mlp", true},
    {'E', LayerKind::Moe, "moe", false},  // Nemotron 3 MoE: not implemented yet
};
}  // namespace

const LayerKindInfo* layer_kind_info(char symbol) {
  for (const LayerKindInfo& info : kKinds)
    if (info.symbol == symbol) return &info;
  return nullptr;
}

const LayerKindInfo& layer_kind_info(LayerKind kind) {
  for (const LayerKindInfo& info : kKinds)
    if (info.kind == kind) return info;
  return kKinds[0];
}

}  // namespace nemotron
