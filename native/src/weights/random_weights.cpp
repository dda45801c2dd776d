// make_random_weights: a table of the tensors a config implies (mirroring NemotronH, Mamba2Weights,
// AttentionWeights and MlpWeights::bind), each with make_shape.py's distribution, filled in parallel
// from a counter-based generator: elements 2j and 2j + 1 of a tensor are the halves of splitmix64's
// output for counter j of the stream key(seed, name), so no generator state is shared between threads
// or between tensors. (simd.h only for NEMOTRON_INLINE / NEMOTRON_MULTIVERSIONING.)
#include "weights/random_weights.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "backend/cpu/simd.h"
#include "engine/status.h"

namespace nemotron {
namespace {

enum class Init {
  Normal,     // a · N(0, 1)
  Uniform,    // U(a, b)
  LogUniform  // log U(a, b)  (A_log)
};

struct TensorSpec {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  Init init;
  float a, b;
};

// Biases (absent from make_shape.py's configs, which set every bias flag false): small next to the
// unit-scale outputs of the projections they shift, like conv1d.bias.
constexpr float kBiasScale = 0.1f;

TensorSpec linear(std::string name, int64_t out, int64_t in) {  // N(0, 1/in): unit-variance outputs
  return {std::move(name), DType::BF16, {out, in}, Init::Normal, 1.0f / std::sqrt(static_cast<float>(in)), 0.0f};
}
TensorSpec norm(std::string name, int64_t n) { return {std::move(name), DType::F32, {n}, Init::Uniform, 0.6f, 1.4f}; }
TensorSpec bias(std::string name, int64_t n) { return {std::move(name), DType::F32, {n}, Init::Normal, kBiasScale, 0.0f}; }

void add_mamba(std::vector<TensorSpec>& t, const HParams& hp, const std::string& p) {
  const int64_t H = hp.hidden_size, nh = hp.n_mamba_heads;
  t.push_back(linear(p + "in_proj.weight", hp.d_in_proj(), H));
  t.push_back(linear(p + "out_proj.weight", H, hp.d_inner()));
  if (hp.mamba_proj_bias) {
    t.push_back(bias(p + "in_proj.bias", hp.d_in_proj()));
    t.push_back(bias(p + "out_proj.bias", H));
  }
  t.push_back({p + "conv1d.weight", DType::F32, {hp.conv_dim(), 1, hp.conv_kernel}, Init::Normal, 0.5f, 0.0f});
  if (hp.use_conv_bias) t.push_back({p + "conv1d.bias", DType::F32, {hp.conv_dim()}, Init::Normal, 0.1f, 0.0f});
  t.push_back({p + "A_log", DType::F32, {nh}, Init::LogUniform, 1.0f, 12.0f});
  t.push_back({p + "D", DType::F32, {nh}, Init::Uniform, 0.5f, 1.5f});
  t.push_back({p + "dt_bias", DType::F32, {nh}, Init::Uniform, -4.0f, 0.5f});
  t.push_back(norm(p + "norm.weight", hp.d_inner()));
}

void add_attention(std::vector<TensorSpec>& t, const HParams& hp, const std::string& p) {
  const int64_t H = hp.hidden_size, q_dim = hp.n_heads * hp.attn_head_dim, kv_dim = hp.n_kv_heads * hp.attn_head_dim;
  t.push_back(linear(p + "q_proj.weight", q_dim, H));
  t.push_back(linear(p + "k_proj.weight", kv_dim, H));
  t.push_back(linear(p + "v_proj.weight", kv_dim, H));
  t.push_back(linear(p + "o_proj.weight", H, q_dim));
  if (hp.attention_bias) {
    t.push_back(bias(p + "q_proj.bias", q_dim));
    t.push_back(bias(p + "k_proj.bias", kv_dim));
    t.push_back(bias(p + "v_proj.bias", kv_dim));
    t.push_back(bias(p + "o_proj.bias", H));
  }
}

void add_mlp(std::vector<TensorSpec>& t, const HParams& hp, const std::string& p) {
  const int64_t H = hp.hidden_size, I = hp.intermediate_size;
  t.push_back(linear(p + "up_proj.weight", I, H));
  t.push_back(linear(p + "down_proj.weight", H, I));
  if (hp.mlp_bias) {
    t.push_back(bias(p + "up_proj.bias", I));
    t.push_back(bias(p + "down_proj.bias", H));
  }
}

// Every tensor NemotronH binds for hp, in binding order.
std::vector<TensorSpec> tensor_specs(const HParams& hp) {
  const int64_t V = hp.vocab_size, H = hp.hidden_size;
  std::vector<TensorSpec> t;
  t.push_back({"backbone.embeddings.weight", DType::BF16, {V, H}, Init::Normal, 1.0f, 0.0f});
  for (size_t i = 0; i < hp.layers.size(); ++i) {
    const std::string prefix = "backbone.layers." + std::to_string(i) + ".";
    t.push_back(norm(prefix + "norm.weight", H));
    switch (hp.layers[i]) {
      case LayerKind::Mamba: add_mamba(t, hp, prefix + "mixer."); break;
      case LayerKind::Attention: add_attention(t, hp, prefix + "mixer."); break;
      case LayerKind::Mlp: add_mlp(t, hp, prefix + "mixer."); break;
      case LayerKind::Moe: fail(NT_UNSUPPORTED, "MoE layers are not supported yet");
    }
  }
  t.push_back(norm("backbone.norm_f.weight", H));
  if (!hp.tie_word_embeddings) t.push_back(linear("lm_head.weight", V, H));
  return t;
}

// splitmix64's output function: a bijective mix of a 64-bit counter.
NEMOTRON_INLINE uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;  // splitmix64's counter increment

// A tensor's stream key: depends on its name, not its position, so adding a bias elsewhere leaves the
// other tensors' values unchanged.
uint64_t tensor_key(uint64_t seed, const std::string& name) {
  uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ull;
  return mix64(h ^ mix64(seed));
}

// Element i's 32 random bits are half of draw i / 2: splitmix64's output for that counter of the
// tensor's stream (so one draw serves two elements).
NEMOTRON_INLINE uint64_t draw(uint64_t key, int64_t i) { return mix64(key + static_cast<uint64_t>(i / 2 + 1) * kGamma); }
NEMOTRON_INLINE uint32_t half(uint64_t r, int64_t i) { return static_cast<uint32_t>(r >> (32 * (i & 1))); }

// N(0, 1), approximately, from 32 random bits: Irwin–Hall of the four bytes (mean 510, variance
// 4 · 65535/12, rescaled to unit variance; a grid of 0.007 σ and tails ending at ±√12 ≈ 3.5, which
// random weights for speed runs do not miss).
NEMOTRON_INLINE float normal(uint32_t r) {
  const int32_t sum = static_cast<int32_t>((r & 0xFF) + ((r >> 8) & 0xFF) + ((r >> 16) & 0xFF) + (r >> 24));
  constexpr float kUnit = 1.7320508f / 256.0f;  // √3 / 2^8
  return static_cast<float>(sum - 510) * kUnit;
}

// U(0, 1) from the top 24 bits.
NEMOTRON_INLINE float uniform(uint32_t r) { return (static_cast<float>(r >> 8) + 0.5f) * (1.0f / 16777216.0f); }

float value(const TensorSpec& s, uint32_t r) {
  switch (s.init) {
    case Init::Normal: return s.a * normal(r);
    case Init::Uniform: return s.a + (s.b - s.a) * uniform(r);
    case Init::LogUniform: return std::log(s.a + (s.b - s.a) * uniform(r));
  }
  return 0.0f;
}

// The bulk of the bytes (every matrix): a · N(0, 1) in bfloat16 for the element pairs [j0, j1), branch
// free so that it vectorises; one version per ISA by GCC function multiversioning (as in
// backend/cpu/linear.cpp). Integer arithmetic and exactly rounded products only: every version writes
// the same bytes.
NEMOTRON_INLINE void normal_bf16_pairs(uint16_t* out, int64_t j0, int64_t j1, uint64_t key, float a) {
  for (int64_t j = j0; j < j1; ++j) {
    const uint64_t r = mix64(key + static_cast<uint64_t>(j + 1) * kGamma);
    out[2 * j] = float_to_bf16(a * normal(static_cast<uint32_t>(r)));
    out[2 * j + 1] = float_to_bf16(a * normal(static_cast<uint32_t>(r >> 32)));
  }
}
#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target("default"))) void normal_bf16(uint16_t* out, int64_t j0, int64_t j1, uint64_t key, float a) {
  normal_bf16_pairs(out, j0, j1, key, a);
}
__attribute__((target("avx2"))) void normal_bf16(uint16_t* out, int64_t j0, int64_t j1, uint64_t key, float a) {
  normal_bf16_pairs(out, j0, j1, key, a);
}
#else
void normal_bf16(uint16_t* out, int64_t j0, int64_t j1, uint64_t key, float a) { normal_bf16_pairs(out, j0, j1, key, a); }
#endif

// Elements [begin, end) of a tensor; begin is even.
void fill_range(const TensorSpec& s, uint64_t key, int64_t begin, int64_t end, unsigned char* data) {
  if (s.dtype == DType::BF16) {
    uint16_t* out = reinterpret_cast<uint16_t*>(data);
    int64_t i = begin;
    if (s.init == Init::Normal) {
      normal_bf16(out, begin / 2, end / 2, key, s.a);
      i = end / 2 * 2;
    }
    for (; i < end; ++i) out[i] = float_to_bf16(value(s, half(draw(key, i), i)));
  } else {
    float* out = reinterpret_cast<float*>(data);
    for (int64_t i = begin; i < end; ++i) out[i] = value(s, half(draw(key, i), i));
  }
}

constexpr int64_t kBlock = int64_t{1} << 16;  // elements a thread fills at a time (128–256 KB); even

void fill(const TensorSpec& s, uint64_t key, OwnedTensor& t) {
  const int64_t n = t.numel();
  unsigned char* data = t.data.get();
  if (n <= kBlock) {
    fill_range(s, key, 0, n, data);
    return;
  }
  const int64_t n_blocks = (n + kBlock - 1) / kBlock;
  // Dynamic: a thread that shares its core with another process does fewer blocks instead of holding
  // up the rest. Values do not depend on which thread fills a block.
#pragma omp parallel for schedule(dynamic)
  for (int64_t b = 0; b < n_blocks; ++b) fill_range(s, key, b * kBlock, std::min(n, (b + 1) * kBlock), data);
}

}  // namespace

std::unique_ptr<WeightStore> make_random_weights(const HParams& hp, uint64_t seed) {
  std::vector<TensorSpec> specs = tensor_specs(hp);
  std::vector<OwnedTensor> tensors;
  tensors.reserve(specs.size());
  for (TensorSpec& s : specs) {
    tensors.push_back(OwnedTensor::allocate(s.name, s.dtype, s.shape));
    fill(s, tensor_key(seed, s.name), tensors.back());
  }
  return WeightStore::from_memory(std::move(tensors));
}

}  // namespace nemotron
