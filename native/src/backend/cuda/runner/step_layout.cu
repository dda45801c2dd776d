// StepLayout: two walks over the feeds, one to place every array, one to fill them.
#include "backend/cuda/runner/step_layout.cuh"

#include <algorithm>
#include <cstring>

namespace nemotron::cuda {
namespace {
int64_t blocks_for(int64_t positions, int64_t block_tokens) { return (positions + block_tokens - 1) / block_tokens; }
}  // namespace

int64_t StepLayout::place(int64_t bytes) {
  const int64_t at = (static_cast<int64_t>(arena_.size()) + 15) / 16 * 16;
  arena_.resize(static_cast<size_t>(at + bytes));
  return at;
}

StepLayout::StepLayout(const std::vector<PassFeed>& feeds, int64_t n_decode, int64_t n_mamba_layers,
                       int64_t block_tokens, bool has_attention, bool bucket_decode_tables) {
  const int64_t n_feeds = static_cast<int64_t>(feeds.size());
  for (const PassFeed& f : feeds) {
    n_rows += f.n_tokens;
    n_logit_rows += f.n_logit_rows;
  }
  for (int64_t i = 0; i < n_decode; ++i)
    max_decode_blocks = std::max(max_decode_blocks, blocks_for(feeds[i].n_past + 1, block_tokens));
  if (bucket_decode_tables) {
    int64_t stride = 1;
    while (stride < max_decode_blocks) stride *= 2;
    max_decode_blocks = stride;
  }

  tokens = place(n_rows * 4);
  pool_rows = place(has_attention ? n_rows * 8 : 0);
  conv_states = place(n_mamba_layers * n_decode * 8);
  ssm_states = place(n_mamba_layers * n_decode * 8);
  decode_tables = place(has_attention ? n_decode * max_decode_blocks * 4 : 0);
  context_lens = place(n_decode * 4);
  logit_rows = place(n_logit_rows * 4);
  logit_slots = place(n_logit_rows * 4);
  for (int64_t i = n_decode; i < n_feeds; ++i)
    prefill_tables.push_back(
        place(has_attention ? blocks_for(feeds[i].n_past + feeds[i].n_tokens, block_tokens) * 4 : 0));

  unsigned char* base = arena_.data();
  auto* token_out = reinterpret_cast<int32_t*>(base + tokens);
  auto* pool_row_out = reinterpret_cast<int64_t*>(base + pool_rows);
  auto* logit_row_out = reinterpret_cast<int32_t*>(base + logit_rows);
  auto* logit_slot_out = reinterpret_cast<int32_t*>(base + logit_slots);
  int64_t wanted = 0;
  for (int64_t i = 0; i < n_feeds; ++i) {
    const PassFeed& f = feeds[i];
    std::memcpy(token_out + f.first_row, f.tokens, static_cast<size_t>(f.n_tokens) * 4);
    if (has_attention)
      for (int64_t t = 0; t < f.n_tokens; ++t) {
        const int64_t position = f.n_past + t;
        pool_row_out[f.first_row + t] =
            int64_t{f.feed->block_table[position / block_tokens]} * block_tokens + position % block_tokens;
      }
    for (int64_t r = f.n_tokens - f.n_logit_rows; r < f.n_tokens; ++r) {
      logit_slot_out[wanted] = r == f.n_tokens - 1 ? f.feed->slot : -1;
      logit_row_out[wanted++] = static_cast<int32_t>(f.first_row + r);
    }
  }

  auto* conv_out = reinterpret_cast<float**>(base + conv_states);
  auto* ssm_out = reinterpret_cast<float**>(base + ssm_states);
  auto* table_out = reinterpret_cast<int32_t*>(base + decode_tables);
  auto* len_out = reinterpret_cast<int32_t*>(base + context_lens);
  for (int64_t i = 0; i < n_decode; ++i) {
    const PassFeed& f = feeds[i];
    for (int64_t l = 0; l < n_mamba_layers; ++l) {
      conv_out[l * n_decode + i] = f.feed->mamba[l].conv;
      ssm_out[l * n_decode + i] = f.feed->mamba[l].ssm;
    }
    len_out[i] = static_cast<int32_t>(f.n_past + 1);
    if (has_attention) {
      const int64_t n_blocks = blocks_for(f.n_past + 1, block_tokens);
      std::memcpy(table_out + i * max_decode_blocks, f.feed->block_table, static_cast<size_t>(n_blocks) * 4);
    }
  }
  if (has_attention)
    for (int64_t i = n_decode; i < n_feeds; ++i) {
      const PassFeed& f = feeds[i];
      const int64_t n_blocks = blocks_for(f.n_past + f.n_tokens, block_tokens);
      std::memcpy(base + prefill_tables[static_cast<size_t>(i - n_decode)], f.feed->block_table,
                  static_cast<size_t>(n_blocks) * 4);
    }
}

}  // namespace nemotron::cuda
