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
namespace {
constexpr int64_t kMaxTokensPerPass = 512;
}  // namespace

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

void NemotronH::forward(SequenceState& state, const int32_t* tokens, int64_t n_tokens, float* logits,
                        int64_t n_logit_rows, const HiddenTrace* trace) const {
  const int64_t V = hp_.vocab_size;
  for (int64_t start = 0; start < n_tokens; start += kMaxTokensPerPass) {
    const int64_t n = std::min(kMaxTokensPerPass, n_tokens - start);
    // Which of this pass's tokens have their logits asked for (the last n_logit_rows of all tokens).
    const int64_t first_wanted = n_tokens - n_logit_rows;
    const int64_t rows = std::max<int64_t>(0, start + n - std::max(first_wanted, start));
    float* out = rows > 0 ? logits + (start + n - rows - first_wanted) * V : nullptr;
    forward_pass(state, tokens + start, n, out, rows, trace, start);
  }
}

void NemotronH::forward_pass(SequenceState& state, const int32_t* tokens, int64_t T, float* logits,
                             int64_t n_logit_rows, const HiddenTrace* trace, int64_t trace_row) const {
  const int64_t H = hp_.hidden_size;
  const int64_t n_past = state.length();
  std::vector<float> x(static_cast<size_t>(T * H)), h(x.size()), delta(x.size());
  // Copies [T, H] into entry `entry` of the trace, at this pass's rows.
  auto record = [&](int64_t entry, const float* rows) {
    if (trace) std::copy(rows, rows + T * H, trace->data + (entry * trace->n_tokens + trace_row) * H);
  };
  embed(tokens, T, x.data());
  record(0, x.data());
  int64_t entry = 0;

  for (const Layer& layer : layers_) {
    cpu::rmsnorm(x.data(), T, H, layer.norm.data(), hp_.norm_eps, h.data());
    const BlockInput in{hp_, T, h.data(), delta.data()};
    switch (layer.kind) {
      case LayerKind::Mamba:
        mamba2_forward(in, mamba_[layer.ordinal], state.mamba_layers()[layer.ordinal], state.ssm_dtype());
        break;
      case LayerKind::Attention:
        attention_forward(in, attention_[layer.ordinal], state.kv_layers()[layer.ordinal], n_past);
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
  state.append(tokens, T);
  if (trace) {
    cpu::rmsnorm(x.data(), T, H, norm_f_.data(), hp_.norm_eps, h.data());
    record(entry, h.data());
  }

  if (n_logit_rows > 0) {
    const float* last = x.data() + (T - n_logit_rows) * H;
    cpu::rmsnorm(last, n_logit_rows, H, norm_f_.data(), hp_.norm_eps, h.data());
    cpu::linear(h.data(), n_logit_rows, lm_head_, nullptr, logits);
  }
}

}  // namespace nemotron
