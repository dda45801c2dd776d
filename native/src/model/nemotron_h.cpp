// Nemotron-H forward. Long inputs run in passes of at most kMaxTokensPerPass tokens so scratch memory
// stays bounded; the state carries across passes exactly as it does across separate feeds.
#include "model/nemotron_h.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/status.h"
#include "ops/linear.h"
#include "ops/rmsnorm.h"

namespace nemotron {
NemotronH::NemotronH(const HParams& hp, std::unique_ptr<WeightStore> store) : hp_(hp), store_(std::move(store)) {
  WeightStore& s = *store_;
  const int64_t V = hp.vocab_size, H = hp.hidden_size;
  embedding_ = s.matrix("backbone.embeddings.weight", {V, H});
  for (size_t i = 0; i < hp.layers.size(); ++i) {
    const std::string prefix = "backbone.layers." + std::to_string(i) + ".";
    const LayerKind kind = hp.layers[i];
    Layer layer{kind, 0, s.floats(prefix + "norm.weight", {H})};
    const std::string mixer = prefix + "mixer.";
    switch (kind) {
      case LayerKind::Mamba:
        layer.ordinal = static_cast<int64_t>(mamba_.size());
        mamba_.push_back(Mamba2Weights::bind(s, hp, mixer));
        break;
      case LayerKind::Attention:
        layer.ordinal = static_cast<int64_t>(attention_.size());
        attention_.push_back(AttentionWeights::bind(s, hp, mixer));
        break;
      case LayerKind::Mlp:
        layer.ordinal = static_cast<int64_t>(mlp_.size());
        mlp_.push_back(MlpWeights::bind(s, hp, mixer));
        break;
      case LayerKind::Moe:
        fail(NT_UNSUPPORTED, "MoE layers are not supported yet");
    }
    layers_.push_back(std::move(layer));
  }
  norm_f_ = s.floats("backbone.norm_f.weight", {H});
  lm_head_ = hp.tie_word_embeddings ? embedding_ : s.matrix("lm_head.weight", {V, H});
  s.finish_binding();
}

void NemotronH::embed(const int32_t* tokens, int64_t n_tokens, float* x) const {
  const int64_t H = hp_.hidden_size;
  for (int64_t t = 0; t < n_tokens; ++t)
    for (int64_t c = 0; c < H; ++c) x[t * H + c] = weight_at(embedding_, tokens[t], c);
}

void NemotronH::forward(const std::vector<FeedItem>& items, const HiddenTrace* trace) const {
  require(trace == nullptr || items.size() == 1, NT_INTERNAL, "a hidden-state trace needs a batch of one");
  const int64_t V = hp_.vocab_size;
  int64_t longest = 0;
  for (const FeedItem& item : items) longest = std::max(longest, item.n_tokens);
  for (int64_t start = 0; start < longest; start += kMaxTokensPerPass) {
    std::vector<FeedItem> pass;
    for (const FeedItem& item : items) {
      if (item.n_tokens <= start) continue;
      const int64_t n = std::min(kMaxTokensPerPass, item.n_tokens - start);
      // Which of this pass's tokens have their logits asked for (the last n_logit_rows of the item).
      const int64_t first_wanted = item.n_tokens - item.n_logit_rows;
      const int64_t rows = std::max<int64_t>(0, start + n - std::max(first_wanted, start));
      float* out = rows > 0 ? item.logits + (start + n - rows - first_wanted) * V : nullptr;
      pass.push_back({item.state, item.tokens + start, n, out, rows});
    }
    forward_pass(pass, trace, start);
  }
}

void NemotronH::forward_pass(const std::vector<FeedItem>& items, const HiddenTrace* trace, int64_t trace_row) const {
  const int64_t H = hp_.hidden_size;
  // One-token slices first (see block_context.h).
  std::vector<BatchSlice> slices;
  std::vector<FeedItem> ordered;
  int64_t n_rows = 0, n_decode_rows = 0;
  for (int pass = 0; pass < 2; ++pass)
    for (const FeedItem& item : items) {
      if ((item.n_tokens == 1) != (pass == 0)) continue;
      slices.push_back({item.state, n_rows, item.n_tokens});
      ordered.push_back(item);
      n_rows += item.n_tokens;
      if (pass == 0) n_decode_rows = n_rows;
    }
  const int64_t T = n_rows;
  std::vector<float> x(static_cast<size_t>(T * H)), h(x.size()), delta(x.size());
  // Copies [T, H] into entry `entry` of the trace, at this pass's rows.
  auto record = [&](int64_t entry, const float* rows) {
    if (trace) std::copy(rows, rows + T * H, trace->data + (entry * trace->n_tokens + trace_row) * H);
  };
  for (size_t i = 0; i < ordered.size(); ++i) embed(ordered[i].tokens, ordered[i].n_tokens, x.data() + slices[i].first_row * H);
  record(0, x.data());
  int64_t entry = 0;

  for (const Layer& layer : layers_) {
    cpu::rmsnorm(x.data(), T, H, layer.norm.data(), hp_.norm_eps, h.data());
    const BlockInput in{hp_, slices, T, n_decode_rows, h.data(), delta.data()};
    switch (layer.kind) {
      case LayerKind::Mamba:
        mamba2_forward(in, mamba_[layer.ordinal], layer.ordinal);
        break;
      case LayerKind::Attention:
        attention_forward(in, attention_[layer.ordinal], layer.ordinal);
        break;
      case LayerKind::Mlp:
        mlp_forward(in, mlp_[layer.ordinal]);
        break;
      case LayerKind::Moe:
        break;  // refused at load
    }
    for (size_t i = 0; i < x.size(); ++i) x[i] += delta[i];
    record(++entry, x.data());
  }
  for (const FeedItem& item : ordered) item.state->append(item.tokens, item.n_tokens);
  if (trace) {
    cpu::rmsnorm(x.data(), T, H, norm_f_.data(), hp_.norm_eps, h.data());
    record(entry, h.data());
  }
  logits_of(ordered, slices, x.data());
}

// norm_f → lm_head for the rows whose logits are wanted, always with the decode kernel: a row's logits
// are then the same whichever batch (and whichever kind of slice) it came in.
void NemotronH::logits_of(const std::vector<FeedItem>& items, const std::vector<BatchSlice>& slices,
                          const float* x) const {
  const int64_t H = hp_.hidden_size;
  int64_t n_wanted = 0;
  for (const FeedItem& item : items) n_wanted += item.n_logit_rows;
  if (n_wanted == 0) return;
  std::vector<float> rows(static_cast<size_t>(n_wanted * H)), normed(rows.size());
  int64_t r = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const FeedItem& item = items[i];
    const int64_t first = slices[i].first_row + item.n_tokens - item.n_logit_rows;
    std::copy(x + first * H, x + (first + item.n_logit_rows) * H, rows.data() + r * H);
    r += item.n_logit_rows;
  }
  cpu::rmsnorm(rows.data(), n_wanted, H, norm_f_.data(), hp_.norm_eps, normed.data());
  const int64_t V = hp_.vocab_size;
  std::vector<float> logits(static_cast<size_t>(n_wanted * V));
  cpu::linear_decode(normed.data(), n_wanted, lm_head_, nullptr, logits.data());
  r = 0;
  for (const FeedItem& item : items) {
    std::copy(logits.data() + r * V, logits.data() + (r + item.n_logit_rows) * V, item.logits);
    r += item.n_logit_rows;
  }
}

}  // namespace nemotron
