// nt_model_feed_batch through the C API on a random model: each sequence's logits are bit-identical
// alone (nt_sequence_feed) and inside batches mixing decode tokens and prefill chunks of other
// sequences; forks share KV blocks and copy on write; the pools account for every slot and block;
// a batch that cannot get its blocks fails with NT_CACHE_FULL and changes nothing.
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "nemotron/nemotron.h"
#include "test_support.h"

namespace {

nt_config config() {
  nt_config cfg{};
  cfg.vocab_size = 300;
  cfg.hidden_size = 96;
  const char* pattern = "M*-M-*M";
  cfg.n_layers = static_cast<int32_t>(std::strlen(pattern));
  std::snprintf(cfg.layer_kinds, sizeof cfg.layer_kinds, "%s", pattern);
  cfg.n_heads = 6;
  cfg.n_kv_heads = 2;
  cfg.attn_head_dim = 20;
  cfg.intermediate_size = 136;
  cfg.mamba_n_heads = 6;
  cfg.mamba_head_dim = 16;
  cfg.n_groups = 2;
  cfg.d_state = 16;
  cfg.conv_kernel = 4;
  cfg.chunk_size = 8;
  cfg.use_conv_bias = 1;
  cfg.norm_eps = 1e-5f;
  cfg.dt_min = 0.0f;
  cfg.dt_max = INFINITY;
  return cfg;
}

struct Api {
  nt_model* model = nullptr;
  nt_error error{};
  explicit Api(int64_t cache_bytes, int32_t slots) {
    nt_config cfg = config();
    nt_model_options o{};
    o.cache_bytes = cache_bytes;
    o.state_slots = slots;
    o.kv_block_tokens = 5;  // odd, so positions straddle blocks
    CHECK(nt_model_create_random(&cfg, 42, &o, &model, &error) == NT_OK);
  }
  ~Api() { nt_model_free(model); }
  nt_sequence* sequence() {
    nt_sequence* s = nullptr;
    CHECK(nt_sequence_create(model, &s, &error) == NT_OK);
    return s;
  }
  nt_model_stats stats() {
    nt_model_stats st{};
    nt_model_stats_get(model, &st, &error);
    return st;
  }
};

std::vector<int32_t> tokens(std::mt19937& rng, int n) {
  std::vector<int32_t> t(static_cast<size_t>(n));
  for (int32_t& x : t) x = static_cast<int32_t>(rng() % 300);
  return t;
}

// The logits after feeding `chunks` one call at a time to a fresh sequence, alone.
std::vector<float> alone(Api& api, const std::vector<std::vector<int32_t>>& chunks) {
  nt_sequence* s = api.sequence();
  std::vector<float> logits(300);
  for (const auto& c : chunks)
    CHECK(nt_sequence_feed(s, c.data(), static_cast<int32_t>(c.size()), logits.data(), 1, 300, &api.error) == NT_OK);
  nt_sequence_free(s);
  return logits;
}

void batch_equals_alone() {
  Api api(8 << 20, 16);
  std::mt19937 rng(7);
  // Sequence i: a prompt of length 1 + 13i in chunks of up to 9, then decode tokens; all run together.
  const int n = 6;
  std::vector<std::vector<std::vector<int32_t>>> plans(n);
  for (int i = 0; i < n; ++i) {
    std::vector<int32_t> prompt = tokens(rng, 1 + 13 * i);
    for (size_t at = 0; at < prompt.size(); at += 9)
      plans[i].push_back(std::vector<int32_t>(prompt.begin() + at, prompt.begin() + std::min(prompt.size(), at + 9)));
    for (int d = 0; d < 7; ++d) plans[i].push_back(tokens(rng, 1));
  }
  std::vector<nt_sequence*> seqs;
  for (int i = 0; i < n; ++i) seqs.push_back(api.sequence());
  // Step k feeds chunk k of every sequence that has one (mixing prefill chunks and decode tokens).
  for (size_t k = 0;; ++k) {
    std::vector<nt_batch_entry> entries;
    for (int i = 0; i < n; ++i)
      if (k < plans[i].size())
        entries.push_back({seqs[i], plans[i][k].data(), static_cast<int32_t>(plans[i][k].size()), 1});
    if (entries.empty()) break;
    CHECK(nt_model_feed_batch(api.model, entries.data(), static_cast<int32_t>(entries.size()), &api.error) == NT_OK);
  }
  for (int i = 0; i < n; ++i) {
    // The batched sequence's logits, read back by a greedy draw with logprobs of the top 20.
    nt_sampling p{};
    p.top_p = 1.0f;
    p.repetition_penalty = 1.0f;
    p.n_logprobs = 20;
    nt_sample_result batched{}, single{};
    CHECK(nt_sequence_sample(seqs[i], &p, &batched, &api.error) == NT_OK);
    nt_sequence* s = api.sequence();
    std::vector<float> logits(300);
    for (const auto& c : plans[i])
      CHECK(nt_sequence_feed(s, c.data(), static_cast<int32_t>(c.size()), logits.data(), 1, 300, &api.error) == NT_OK);
    CHECK(nt_sequence_sample(s, &p, &single, &api.error) == NT_OK);
    CHECK(batched.token == single.token);
    CHECK(std::memcmp(batched.top_logprobs, single.top_logprobs, sizeof single.top_logprobs) == 0);
    CHECK(std::memcmp(batched.top_ids, single.top_ids, sizeof single.top_ids) == 0);
    nt_sequence_free(s);
  }
  for (nt_sequence* s : seqs) nt_sequence_free(s);
  const nt_model_stats st = api.stats();
  CHECK(st.state_slots_free == st.state_slots);
  CHECK(st.kv_blocks_free == st.kv_blocks);
}

void forks_share_blocks_and_copy_on_write() {
  Api api(8 << 20, 8);
  std::mt19937 rng(3);
  const std::vector<int32_t> prompt = tokens(rng, 12), a = tokens(rng, 4), b = tokens(rng, 4);
  nt_sequence* base = api.sequence();
  std::vector<float> logits(300);
  CHECK(nt_sequence_feed(base, prompt.data(), 12, logits.data(), 1, 300, &api.error) == NT_OK);
  const int64_t used_by_base = api.stats().kv_blocks - api.stats().kv_blocks_free;
  nt_sequence* fork = nullptr;
  CHECK(nt_sequence_fork(base, &fork, &api.error) == NT_OK);
  CHECK(api.stats().kv_blocks - api.stats().kv_blocks_free == used_by_base);  // shared, not copied
  // Both continue differently from the shared, partly filled last block (12 tokens, blocks of 5).
  std::vector<float> from_fork(300), from_base(300);
  CHECK(nt_sequence_feed(fork, a.data(), 4, from_fork.data(), 1, 300, &api.error) == NT_OK);
  CHECK(nt_sequence_feed(base, b.data(), 4, from_base.data(), 1, 300, &api.error) == NT_OK);
  CHECK(from_fork == alone(api, {prompt, a}));
  CHECK(from_base == alone(api, {prompt, b}));
  nt_sequence_free(base);
  nt_sequence_free(fork);
  CHECK(api.stats().kv_blocks_free == api.stats().kv_blocks);
}

void a_full_cache_changes_nothing() {
  // Room for 2 slots and a few blocks only.
  Api api(2 * 1024 * 64 + 40 * 1024, 2);
  std::mt19937 rng(5);
  nt_sequence* s = api.sequence();
  nt_sequence* t = api.sequence();
  nt_sequence* third = nullptr;
  CHECK(nt_sequence_create(api.model, &third, &api.error) == NT_CACHE_FULL);
  const int64_t capacity = api.stats().kv_blocks * api.stats().kv_block_tokens;
  const std::vector<int32_t> many = tokens(rng, static_cast<int>(capacity));
  const std::vector<int32_t> one = tokens(rng, 1);
  CHECK(nt_sequence_feed(s, many.data(), static_cast<int32_t>(capacity), nullptr, 0, 0, &api.error) == NT_OK);
  nt_batch_entry entries[2] = {{s, one.data(), 1, 1}, {t, one.data(), 1, 1}};
  CHECK(nt_model_feed_batch(api.model, entries, 2, &api.error) == NT_CACHE_FULL);
  CHECK(nt_sequence_length(s) == capacity);
  CHECK(nt_sequence_length(t) == 0);
  nt_sequence_free(s);
  CHECK(nt_model_feed_batch(api.model, entries + 1, 1, &api.error) == NT_OK);  // room again
  nt_sequence_free(t);
}

}  // namespace

int main() {
  batch_equals_alone();
  forks_share_blocks_and_copy_on_write();
  a_full_cache_changes_nothing();
  return nemotron::test::failure_count() == 0 ? 0 : 1;
}
