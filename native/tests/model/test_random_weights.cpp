// make_random_weights + WeightStore::from_memory: for small configs (every layer kind, biases on and off,
// tied and untied) the store holds exactly the tensors NemotronH binds, in the promised dtypes and value
// ranges (those of shared/tools/make_shape.py); the bytes depend on the seed alone, not on the number of
// threads; a forward pass through 56 random layers gives finite logits; and a store that does not fit
// the config fails binding with NT_BAD_CHECKPOINT, as a checkpoint would.
#include <omp.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cache/cache_pools.h"
#include "cache/sequence_state.h"
#include "engine/status.h"
#include "model/nemotron_h.h"
#include "test_support.h"
#include "weights/random_weights.h"

namespace {
using namespace nemotron;

struct Case {
  const char* pattern;
  bool biases;  // use_conv_bias, mamba_proj_bias (use_bias), attention_bias, mlp_bias all on / all off
  bool tied;
  int32_t vocab;
  std::string describe() const {
    return std::string(pattern) + (biases ? " biases" : " no-biases") + (tied ? " tied" : " untied") +
           " vocab " + std::to_string(vocab);
  }
};

// 56 layers, the 0.5b shape's mix of kinds: deep enough that badly scaled weights overflow.
const std::string kDeepPattern = [] {
  std::string p;
  for (int i = 0; i < 8; ++i) p += "M-M-M*-";
  return p;
}();

const std::vector<Case> kCases = {
    {"M*M-M*-", false, false, 256},
    {"M*M-M*-", true, true, 256},
    {"-*M", true, false, 300},
    {"M", false, true, 256},
    {"M*M-", false, false, 4096},  // embedding and lm_head span several fill blocks: threads split them
    {kDeepPattern.c_str(), false, false, 256},
};

nt_config config_of(const Case& c) {
  nt_config cfg{};
  cfg.vocab_size = c.vocab;
  cfg.hidden_size = 64;
  cfg.n_layers = static_cast<int32_t>(std::strlen(c.pattern));
  std::snprintf(cfg.layer_kinds, sizeof cfg.layer_kinds, "%s", c.pattern);
  cfg.n_heads = 4;
  cfg.n_kv_heads = 2;
  cfg.attn_head_dim = 16;
  cfg.intermediate_size = 96;
  cfg.mamba_n_heads = 4;
  cfg.mamba_head_dim = 16;
  cfg.n_groups = 2;
  cfg.d_state = 16;
  cfg.conv_kernel = 4;
  cfg.chunk_size = 8;
  cfg.use_conv_bias = cfg.mamba_proj_bias = cfg.attention_bias = cfg.mlp_bias = c.biases;
  cfg.tie_word_embeddings = c.tied;
  cfg.norm_eps = 1e-5f;
  cfg.dt_min = 0.0f;
  cfg.dt_max = INFINITY;
  return cfg;
}

struct Expected {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
};

// The checkpoint layout, written out independently of random_weights.cpp (Hugging Face names).
std::vector<Expected> expected_tensors(const HParams& hp) {
  const int64_t V = hp.vocab_size, H = hp.hidden_size;
  std::vector<Expected> t = {{"backbone.embeddings.weight", DType::BF16, {V, H}},
                             {"backbone.norm_f.weight", DType::F32, {H}}};
  if (!hp.tie_word_embeddings) t.push_back({"lm_head.weight", DType::BF16, {V, H}});
  for (size_t i = 0; i < hp.layers.size(); ++i) {
    const std::string p = "backbone.layers." + std::to_string(i) + ".";
    const std::string m = p + "mixer.";
    t.push_back({p + "norm.weight", DType::F32, {H}});
    auto linear = [&](const std::string& name, int64_t out, int64_t in, bool with_bias) {
      t.push_back({m + name + ".weight", DType::BF16, {out, in}});
      if (with_bias) t.push_back({m + name + ".bias", DType::F32, {out}});
    };
    if (hp.layers[i] == LayerKind::Mamba) {
      const int64_t nh = hp.n_mamba_heads, conv_dim = hp.conv_dim();
      linear("in_proj", 2 * hp.d_inner() + 2 * hp.n_groups * hp.d_state + nh, H, hp.mamba_proj_bias);
      linear("out_proj", H, hp.d_inner(), hp.mamba_proj_bias);
      t.push_back({m + "conv1d.weight", DType::F32, {conv_dim, 1, hp.conv_kernel}});
      if (hp.use_conv_bias) t.push_back({m + "conv1d.bias", DType::F32, {conv_dim}});
      for (const char* name : {"A_log", "D", "dt_bias"}) t.push_back({m + name, DType::F32, {nh}});
      t.push_back({m + "norm.weight", DType::F32, {hp.d_inner()}});
    } else if (hp.layers[i] == LayerKind::Attention) {
      const int64_t q = hp.n_heads * hp.attn_head_dim, kv = hp.n_kv_heads * hp.attn_head_dim;
      linear("q_proj", q, H, hp.attention_bias);
      linear("k_proj", kv, H, hp.attention_bias);
      linear("v_proj", kv, H, hp.attention_bias);
      linear("o_proj", H, q, hp.attention_bias);
    } else {
      linear("up_proj", hp.intermediate_size, H, hp.mlp_bias);
      linear("down_proj", H, hp.intermediate_size, hp.mlp_bias);
    }
  }
  return t;
}

// WeightStore::matrix takes the shape as an initializer list.
WeightView bind(WeightStore& store, const std::string& name, const std::vector<int64_t>& s) {
  switch (s.size()) {
    case 1: return store.matrix(name, {s[0]});
    case 2: return store.matrix(name, {s[0], s[1]});
    default: return store.matrix(name, {s[0], s[1], s[2]});
  }
}

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Each element against its tensor's distribution (make_shape.py): bounds for the uniform ones, mean and
// standard deviation for the normal matrices.
void check_values(const Expected& e, const WeightView& v) {
  const int64_t n = v.rows * v.cols;
  double lo = INFINITY, hi = -INFINITY, sum = 0.0, sum_sq = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double x = weight_at(v, i / v.cols, i % v.cols);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
    sum_sq += x * x;
  }
  auto within = [&](double a, double b) { return lo >= a && hi <= b; };
  if (ends_with(e.name, "norm.weight") || ends_with(e.name, "norm_f.weight")) CHECK(within(0.6, 1.4));
  if (ends_with(e.name, "A_log")) CHECK(within(0.0, std::log(12.0) + 1e-6));
  if (ends_with(e.name, ".D")) CHECK(within(0.5, 1.5));
  if (ends_with(e.name, "dt_bias")) CHECK(within(-4.0, 0.5));
  // Matrices big enough for a stable estimate: 4096 samples give the standard deviation to ~1 %, so
  // 10 % only fails on a wrong scale; the mean to ~1.6 % of it.
  constexpr int64_t kMinSamples = 4096;
  constexpr double kStdTolerance = 0.1, kMeanTolerance = 0.1;
  if (e.dtype == DType::BF16 && n >= kMinSamples) {
    const double want = ends_with(e.name, "embeddings.weight") ? 1.0 : 1.0 / std::sqrt(static_cast<double>(v.cols));
    const double mean = sum / n, sd = std::sqrt(sum_sq / n - mean * mean);
    CHECK(std::fabs(sd / want - 1.0) < kStdTolerance);
    CHECK(std::fabs(mean) < kMeanTolerance * want);
  }
}

// Binds every expected tensor (checking shape and dtype), then asks for no more: finish_binding fails on
// an extra tensor. Returns an FNV-1a digest of all the bytes, in expected order.
uint64_t check_store(WeightStore& store, const HParams& hp, bool values) {
  uint64_t digest = 0xCBF29CE484222325ull;
  for (const Expected& e : expected_tensors(hp)) {
    if (!store.has(e.name)) {
      test::report_failure(__FILE__, __LINE__, "missing " + e.name);
      continue;
    }
    try {
      const WeightView v = bind(store, e.name, e.shape);
      if (v.dtype != e.dtype) test::report_failure(__FILE__, __LINE__, "wrong dtype of " + e.name);
      const auto* bytes = static_cast<const unsigned char*>(v.data);
      for (int64_t i = 0; i < v.rows * v.cols * dtype_size(v.dtype); ++i) digest = (digest ^ bytes[i]) * 0x100000001B3ull;
      if (values) check_values(e, v);
    } catch (const Error& err) {
      test::report_failure(__FILE__, __LINE__, err.what());
    }
  }
  try {
    store.finish_binding();
  } catch (const Error& err) {
    test::report_failure(__FILE__, __LINE__, err.what());
  }
  CHECK(store.mapped_bytes() == 0);
  return digest;
}

uint64_t digest_with_threads(const HParams& hp, uint64_t seed, int threads) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  const std::unique_ptr<WeightStore> store = make_random_weights(hp, seed);
  omp_set_num_threads(before);
  return check_store(*store, hp, false);
}

bool all_finite(const std::vector<float>& v) {
  for (float x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

// Prefill of a few tokens then one decode step: finite logits that are not all the same.
void check_forward(const HParams& hp) {
  NemotronH model(hp, make_random_weights(hp, 11));
  int64_t total_bytes = 0;
  for (const Expected& e : expected_tensors(hp)) {
    int64_t numel = 1;
    for (int64_t d : e.shape) numel *= d;
    total_bytes += numel * dtype_size(e.dtype);
  }
  CHECK(model.weights().mapped_bytes() == 0);
  CHECK(model.weights().owned_bytes() == total_bytes);  // float32 tensors: their copy is their size

  constexpr int64_t kCacheBytes = int64_t{64} << 20;
  HostCacheMemory memory;
  CachePools pools(hp, DType::F32, CachePlan::from(hp, DType::F32, {kCacheBytes, 1, 16}), memory);
  SequenceState seq(pools);
  const int64_t V = hp.vocab_size;
  const std::vector<int32_t> prompt = {1, 17, 42, 5, 99, 3, 64};
  std::vector<float> logits(prompt.size() * V);
  seq.reserve_tokens(static_cast<int64_t>(prompt.size()));
  model.forward({FeedItem{&seq, prompt.data(), static_cast<int64_t>(prompt.size()), logits.data(),
                          static_cast<int64_t>(prompt.size())}});
  const int32_t next = 7;
  std::vector<float> step(V);
  seq.reserve_tokens(1);
  model.forward({FeedItem{&seq, &next, 1, step.data(), 1}});
  CHECK(all_finite(logits));
  CHECK(all_finite(step));
  double spread = 0.0;
  for (int64_t i = 0; i < V; ++i) spread = std::max(spread, std::fabs(static_cast<double>(step[i] - step[0])));
  CHECK(spread > 0.0);
}

// A store that does not fit the config fails binding as a checkpoint would.
void check_mismatches() {
  auto expect_bad = [](auto&& body) {
    try {
      body();
      CHECK(false);
    } catch (const Error& e) {
      CHECK(e.code() == NT_BAD_CHECKPOINT);
    }
  };
  const HParams untied = HParams::from(config_of({"M*-", false, false, 256}));
  const HParams tied = HParams::from(config_of({"M*-", false, true, 256}));
  nt_config wider_cfg = config_of({"M*-", false, false, 256});
  wider_cfg.hidden_size = 80;
  const HParams wider = HParams::from(wider_cfg);
  expect_bad([&] { NemotronH model(untied, make_random_weights(tied, 1)); });   // lm_head missing
  expect_bad([&] { NemotronH model(tied, make_random_weights(untied, 1)); });   // lm_head unexpected
  expect_bad([&] { NemotronH model(wider, make_random_weights(untied, 1)); });  // every shape wrong

  std::vector<OwnedTensor> twice;
  twice.push_back(OwnedTensor::allocate("a", DType::F32, {4}));
  twice.push_back(OwnedTensor::allocate("a", DType::F32, {4}));
  expect_bad([&] { WeightStore::from_memory(std::move(twice)); });
  std::vector<OwnedTensor> short_data;
  short_data.push_back(OwnedTensor::allocate("b", DType::BF16, {4, 4}));
  short_data.back().n_bytes -= 2;
  expect_bad([&] { WeightStore::from_memory(std::move(short_data)); });
}

}  // namespace

int main() {
  test::run_cases("random_weights", kCases, [](const Case& c) {
    const HParams hp = HParams::from(config_of(c));
    const std::unique_ptr<WeightStore> store = make_random_weights(hp, 7);
    const uint64_t digest = check_store(*store, hp, true);
    for (int threads : {1, 2}) CHECK(digest_with_threads(hp, 7, threads) == digest);
    CHECK(digest_with_threads(hp, 8, 2) != digest);
    try {
      check_forward(hp);
    } catch (const Error& err) {
      test::report_failure(__FILE__, __LINE__, err.what());
    }
  });
  check_mismatches();
  return test::finish("test_random_weights");
}
