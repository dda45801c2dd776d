// What every block's forward needs besides its weights: the hyper-parameters and the tokens' count.
// Blocks read the normed residual h [n_tokens, hidden] and write their output [n_tokens, hidden].
#pragma once
#include <cstdint>

#include "model/hparams.h"

namespace nemotron {

struct BlockInput {
  const HParams& hp;
  int64_t n_tokens;
  const float* h;  // [n_tokens, hidden_size], after the block's RMSNorm
  float* out;      // [n_tokens, hidden_size]
};

}  // namespace nemotron
