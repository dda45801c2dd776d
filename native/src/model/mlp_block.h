// The MLP block ('-'): down(relu(up(x))²), no gate.
#pragma once
#include <string>
#include <vector>

#include "model/block_context.h"
#include "weights/weight_store.h"

namespace nemotron {

struct MlpWeights {
  WeightView up_proj;    // [intermediate_size, hidden]
  WeightView down_proj;  // [hidden, intermediate_size]
  std::vector<float> up_bias, down_bias;  // empty unless mlp_bias

  static MlpWeights bind(WeightStore& store, const HParams& hp, const std::string& prefix);
};

void mlp_forward(const BlockInput& in, const MlpWeights& w);

}  // namespace nemotron
