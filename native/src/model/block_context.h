// What every block's forward needs besides its weights: the batch. A batched step stacks the tokens of
// several sequences into one matrix of rows; each sequence owns a contiguous slice of rows. Slices of
// one token (decode) come first, so the dense layers can run the decode kernel over rows
// [0, n_decode_rows) and the prefill kernel over the rest: a sequence's result then depends only on its
// own slice, never on what else is in the batch (batch invariance).
// Blocks read the normed residual h [n_rows, hidden] and write their output [n_rows, hidden].
#pragma once
#include <cstdint>
#include <vector>

#include "cache/sequence_state.h"
#include "model/hparams.h"

namespace nemotron {

struct BatchSlice {
  SequenceState* state;
  int64_t first_row;  // the slice is rows [first_row, first_row + n_tokens) of the batch
  int64_t n_tokens;
};

struct BlockInput {
  const HParams& hp;
  const std::vector<BatchSlice>& slices;
  int64_t n_rows;
  int64_t n_decode_rows;  // rows [0, n_decode_rows) are the one-token slices
  const float* h;         // [n_rows, hidden_size], after the block's RMSNorm
  float* out;             // [n_rows, hidden_size]
};

}  // namespace nemotron
