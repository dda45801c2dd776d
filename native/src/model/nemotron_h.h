// The Nemotron-H model: weights bound from the checkpoint and the forward pass
// embed → per layer (RMSNorm → block → residual add) → norm_f → lm_head.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "cache/sequence_state.h"
#include "model/attention_block.h"
#include "model/hparams.h"
#include "model/mamba2_block.h"
#include "model/mlp_block.h"
#include "weights/weight_store.h"

namespace nemotron {

struct Layer {
  LayerKind kind;
  int64_t ordinal;          // index among the layers of its kind (weights and state vectors)
  std::vector<float> norm;  // the block's pre-norm weight [hidden]
};

// Where forward() records the residual stream, when asked: [n_layers + 1, n_tokens, hidden] with the
// embedding first and the norm_f output last (replacing the last block's residual).
struct HiddenTrace {
  float* data;
  int64_t n_tokens;  // all tokens of the forward() call (passes write their own rows)
};

class NemotronH {
 public:
  // Binds every tensor the config implies; throws Error(NT_BAD_CHECKPOINT) naming a missing,
  // mis-shaped or unexpected tensor.
  NemotronH(const HParams& hp, std::unique_ptr<WeightStore> store);

  // Runs n_tokens new tokens of `state` through the model. logits: nullptr, or [n_logit_rows, vocab]
  // for the last n_logit_rows tokens (1 or n_tokens). Token ids must already be valid.
  void forward(SequenceState& state, const int32_t* tokens, int64_t n_tokens, float* logits,
               int64_t n_logit_rows, const HiddenTrace* trace = nullptr) const;

  const HParams& hparams() const { return hp_; }
  const WeightStore& weights() const { return *store_; }

 private:
  void forward_pass(SequenceState& state, const int32_t* tokens, int64_t n_tokens, float* logits,
                    int64_t n_logit_rows, const HiddenTrace* trace, int64_t trace_row) const;
  void embed(const int32_t* tokens, int64_t n_tokens, float* x) const;

  HParams hp_;
  std::unique_ptr<WeightStore> store_;
  WeightView embedding_;  // [vocab, hidden]
  WeightView lm_head_;    // [vocab, hidden] (the embedding when tied)
  std::vector<float> norm_f_;
  std::vector<Layer> layers_;
  std::vector<Mamba2Weights> mamba_;
  std::vector<AttentionWeights> attention_;
  std::vector<MlpWeights> mlp_;
};

}  // namespace nemotron
