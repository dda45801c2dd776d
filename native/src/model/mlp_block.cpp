// MLP block forward: relu² between two dense layers.
#include "model/mlp_block.h"

#include "model/dense.h"

namespace nemotron {

MlpWeights MlpWeights::bind(WeightStore& store, const HParams& hp, const std::string& p) {
  MlpWeights w;
  const int64_t H = hp.hidden_size, I = hp.intermediate_size;
  w.up_proj = store.matrix(p + "up_proj.weight", {I, H});
  w.down_proj = store.matrix(p + "down_proj.weight", {H, I});
  if (hp.mlp_bias) {
    w.up_bias = store.floats(p + "up_proj.bias", {I});
    w.down_bias = store.floats(p + "down_proj.bias", {H});
  }
  return w;
}

void mlp_forward(const BlockInput& in, const MlpWeights& w) {
  const int64_t I = in.hp.intermediate_size;
  std::vector<float> up(static_cast<size_t>(in.n_rows * I));
  dense(in, in.h, w.up_proj, w.up_bias, up.data());
  for (float& u : up) u = u > 0.0f ? u * u : 0.0f;  // relu²
  dense(in, up.data(), w.down_proj, w.down_bias, in.out);
}

}  // namespace nemotron
