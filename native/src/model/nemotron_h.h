// The Nemotron-H model: weights bound from the checkpoint and the forward pass
// embed → per layer (RMSNorm → block → residual add) → norm_f → lm_head.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "cache/sequence_state.h"
#include "model/attention_block.h"
#include "model/block_context.h"
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

// One sequence's part of a forward(): its new tokens, and where the logits of its last n_logit_rows
// tokens go ([n_logit_rows, vocab]; n_logit_rows is 0, 1 or n_tokens). Ids must already be valid and the
// state's KV blocks reserved (SequenceState::reserve_tokens).
struct FeedItem {
  SequenceState* state;
  const int32_t* tokens;
  int64_t n_tokens;
  float* logits;
  int64_t n_logit_rows;
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

  // Runs each item's new tokens through the model in one batched pass (several passes when an item has
  // more than kMaxTokensPerPass tokens: each item is split the same way alone or in a batch). A trace
  // is recorded only for a batch of one item.
  void forward(const std::vector<FeedItem>& items, const HiddenTrace* trace = nullptr) const;
  static constexpr int64_t kMaxTokensPerPass = 512;

  const HParams& hparams() const { return hp_; }
  const WeightStore& weights() const { return *store_; }

  // The bound weights, for a device backend to upload (backend/device_model.h: inline on purpose).
  const std::vector<Layer>& layers() const { return layers_; }
  const std::vector<Mamba2Weights>& mamba_weights() const { return mamba_; }
  const std::vector<AttentionWeights>& attention_weights() const { return attention_; }
  const std::vector<MlpWeights>& mlp_weights() const { return mlp_; }
  const WeightView& embedding() const { return embedding_; }
  const WeightView& lm_head() const { return lm_head_; }
  const std::vector<float>& norm_f() const { return norm_f_; }

 private:
  void forward_pass(const std::vector<FeedItem>& items, const HiddenTrace* trace, int64_t trace_row) const;
  void logits_of(const std::vector<FeedItem>& items, const std::vector<BatchSlice>& slices, const float* x) const;
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
