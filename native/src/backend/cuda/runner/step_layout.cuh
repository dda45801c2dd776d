// What one pass of a device step needs on the device besides the activations, laid out in one arena
// so that a single copy moves it: the tokens, each new token's row in the KV pools, the decode rows'
// state pointers, block tables and context lengths, each prefill row range's block table, and the rows
// whose logits are wanted. Built on the host (pinned), copied, then addressed on the device through the
// same offsets.
#pragma once
#include <cstdint>
#include <vector>

#include "backend/device_model.h"

namespace nemotron::cuda {

// One feed's part of one pass: tokens [offset, offset + n_tokens) of the feed.
struct PassFeed {
  const DeviceFeed* feed;
  const int32_t* tokens;
  int64_t n_tokens;
  int64_t n_past;        // the feed's n_past + offset
  int64_t first_row;     // rows [first_row, first_row + n_tokens) of the pass
  float* logits;         // host rows for this pass's wanted rows, or null
  int64_t n_logit_rows;  // the last n_logit_rows of this part
};

class StepLayout {
 public:
  // feeds: the one-token feeds first (n_decode of them), then the rest.
  // bucket_decode_tables: the decode block tables' row stride rounded up to a power of two, so that a
  // CUDA graph captured for one stride serves the steps until the longest context doubles.
  StepLayout(const std::vector<PassFeed>& feeds, int64_t n_decode, int64_t n_mamba_layers, int64_t block_tokens,
             bool has_attention, bool bucket_decode_tables);

  int64_t bytes() const { return static_cast<int64_t>(arena_.size()); }
  const unsigned char* host() const { return arena_.data(); }

  // Offsets into the arena (the device copy is addressed with the same offsets).
  int64_t tokens = 0;         // int32 [n_rows]
  int64_t pool_rows = 0;      // int64 [n_rows]
  int64_t conv_states = 0;    // float* [n_mamba_layers][n_decode]
  int64_t ssm_states = 0;     // float* [n_mamba_layers][n_decode]
  int64_t decode_tables = 0;  // int32 [n_decode][max_decode_blocks]
  int64_t context_lens = 0;   // int32 [n_decode]
  int64_t logit_rows = 0;     // int32 [n_logit_rows]
  int64_t logit_slots = 0;    // int32 [n_logit_rows]: the feed's state slot on its last wanted row, else −1
  std::vector<int64_t> prefill_tables;  // per feed from n_decode on: int32 [its blocks]
  int64_t max_decode_blocks = 0;  // the decode tables' row stride
  int64_t n_rows = 0, n_logit_rows = 0;

 private:
  int64_t place(int64_t bytes);  // 16-byte aligned
  std::vector<unsigned char> arena_;
};

}  // namespace nemotron::cuda
