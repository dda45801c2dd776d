// The Mamba2 mixer ('M'): in_proj → causal conv1d + SiLU → SSD scan → gated RMSNorm → out_proj.
#pragma once
#include <string>
#include <vector>

#include "cache/sequence_state.h"
#include "model/block_context.h"
#include "weights/weight_store.h"

namespace nemotron {

struct Mamba2Weights {
  WeightView in_proj;               // [d_in_proj, hidden]
  WeightView out_proj;              // [hidden, d_inner]
  std::vector<float> in_proj_bias;  // [d_in_proj] or empty (use_bias)
  std::vector<float> out_proj_bias; // [hidden] or empty
  std::vector<float> conv_weight;   // [conv_dim, conv_kernel]  (checkpoint [conv_dim, 1, conv_kernel])
  std::vector<float> conv_bias;     // [conv_dim] or empty
  std::vector<float> A;             // [n_heads] = −exp(A_log), fixed once at load
  std::vector<float> D;             // [n_heads]
  std::vector<float> dt_bias;       // [n_heads]
  std::vector<float> norm;          // [d_inner] gated RMSNorm weight

  static Mamba2Weights bind(WeightStore& store, const HParams& hp, const std::string& prefix);
};

// Runs the slices of `in` through Mamba layer `mamba_layer` (its index among the Mamba layers), each
// continuing its sequence's state.
void mamba2_forward(const BlockInput& in, const Mamba2Weights& w, int64_t mamba_layer);

}  // namespace nemotron
