// linear: cpu::linear_decode, cpu::linear_prefill and cpu::linear (which picks one by token count) against
// ref::linear on the same stored weights (F32, BF16, F16), with and without bias, with 2-byte-aligned
// half-precision rows, over the decode kernel's row- and token-tile edges, token blocks and k-chunks and the
// GEMM's k-block, row-block and token-tile edges (±1). Batch invariance, bit for bit (memcmp), on each path:
// every row of a batch equals that row alone, for batch sizes around every tile width and for every size
// 1 .. 200, and 1 vs 2 vs 3 threads give the same bits.
// Also: every finite F16 value converts exactly; inf / NaN weights propagate.
#include <omp.h>

#include <cmath>
#include <cstring>

#include "ops/linear.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 accumulation of ≤ 1100 products of O(1) values: the error relative to the output scale is a few
// 1e-7 (random-walk rounding, ~sqrt(in)·eps); 1e-5 keeps a wide margin, while any indexing error is O(1).
constexpr double kLinearTol = 1e-5;

// A weight matrix stored in `dtype` (values drawn in float, then rounded to the dtype), optionally placed
// one element past an aligned address the way a tensor can sit inside a safetensors file.
struct StoredWeights {
  std::vector<uint16_t> halves;
  std::vector<float> floats;
  WeightView view;
  StoredWeights(DType dtype, int64_t rows, int64_t cols, Rng& rng, bool offset_by_one) {
    const std::vector<float> values = rng.uniform(rows * cols);
    const int64_t off = offset_by_one ? 1 : 0;
    view = {nullptr, dtype, rows, cols};
    if (dtype == DType::F32) {
      floats.assign(values.begin(), values.end());  // F32 rows are always 4-byte aligned
      view.data = floats.data();
      return;
    }
    halves.resize(rows * cols + off);
    for (int64_t i = 0; i < rows * cols; ++i)
      halves[off + i] = dtype == DType::BF16 ? float_to_bf16(values[i]) : float_to_f16_bits(values[i]);
    view.data = halves.data() + off;
  }
  // Round-to-nearest (ties away from zero) for the |f| ≤ 1 test values: no overflow to handle.
  static uint16_t float_to_f16_bits(float f) {
    const uint16_t sign = std::signbit(f) ? 0x8000 : 0;
    const double a = std::fabs(f);
    if (a == 0.0) return sign;
    int e;
    std::frexp(a, &e);          // a = m · 2^e with m in [0.5, 1)
    const int biased = e + 14;  // the half exponent field of a
    if (biased <= 0) return static_cast<uint16_t>(sign | std::lround(std::ldexp(a, 24)));  // subnormal
    const long mantissa = std::lround(std::ldexp(a, 11 - e));  // 1024 … 2048; 2048 carries into the exponent
    return static_cast<uint16_t>(sign | ((biased << 10) + mantissa - 1024));
  }
};

const char* dtype_name(DType d) { return d == DType::F32 ? "f32" : d == DType::BF16 ? "bf16" : "f16"; }

using LinearFn = void (*)(const float*, int64_t, const WeightView&, const float*, float*);

struct Path {
  const char* name;
  LinearFn run;
};
const Path kPaths[] = {{"decode", cpu::linear_decode}, {"prefill", cpu::linear_prefill}, {"linear", cpu::linear}};

struct Case {
  int64_t n_tokens, in, out;
  DType dtype;
  bool bias, unaligned;
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " in=" + std::to_string(in) + " out=" + std::to_string(out) +
           " dtype=" + dtype_name(dtype) + " bias=" + std::to_string(bias) + " unaligned=" + std::to_string(unaligned);
  }
};

std::vector<Case> cases() {
  std::vector<Case> list;
  // {tokens, in, out}. in: below one vector, around 2W (16 / 32 floats: the decode tail) and the GEMM's
  // 256 k-block, and 1030 (decode k-chunks); out: below the decode tiles' 3–4 rows, around the GEMM's
  // 16/32-row panels and 128-row block; tokens: around the decode tiles (direct up to 4, then 3 and 4) and
  // GEMM tiles (4, 6, 8), past decode's 64-token blocks (133: three blocks, 193), and linear()'s switch to
  // prefill at 256.
  const int64_t shapes[][3] = {{1, 1, 1},     {1, 7, 5},       {1, 257, 33},  {2, 100, 31},  {3, 513, 130},
                               {4, 16, 8},    {5, 255, 129},   {7, 256, 127}, {13, 17, 33},  {1, 1024, 64},
                               {17, 33, 2},   {64, 300, 96},   {133, 1030, 41}, {191, 64, 40}, {193, 129, 257},
                               {255, 65, 41}, {256, 65, 41}};
  for (const auto& sh : shapes)
    for (DType d : {DType::F32, DType::BF16, DType::F16})
      for (bool bias : {false, true})
        list.push_back({sh[0], sh[1], sh[2], d, bias, d != DType::F32 && sh[2] % 2 == 1});
  return list;
}

void check_against_reference(const Case& c) {
  Rng rng(c.n_tokens * 1000003 + c.in * 101 + c.out * 7 + c.bias);
  const StoredWeights w(c.dtype, c.out, c.in, rng, c.unaligned);
  const std::vector<float> x = rng.uniform(c.n_tokens * c.in);
  const std::vector<float> bias = rng.uniform(c.out);
  const float* b = c.bias ? bias.data() : nullptr;
  std::vector<float> want(c.n_tokens * c.out);
  ref::linear(x.data(), c.n_tokens, w.view, b, want.data());
  for (const Path& path : kPaths) {
    std::vector<float> got(c.n_tokens * c.out, NAN);
    path.run(x.data(), c.n_tokens, w.view, b, got.data());
    const int before = failure_count();
    CHECK_CLOSE(got, want, kLinearTol);
    if (failure_count() > before) std::fprintf(stderr, "  on path %s\n", path.name);
  }
}

// Bit-for-bit equality (memcmp), reporting how many floats differ.
#define CHECK_SAME_BITS(got, want, context) \
  check_same_bits((got), (want), #got " vs " #want, (context), __FILE__, __LINE__)
void check_same_bits(const std::vector<float>& got, const std::vector<float>& want, const char* what,
                     const std::string& context, const char* file, int line) {
  if (got.size() == want.size() && std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0) return;
  int64_t differ = std::abs(static_cast<int64_t>(got.size()) - static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i)
    differ += std::memcmp(&got[i], &want[i], sizeof(float)) != 0;
  report_failure(file, line, std::string(what) + " not bit-identical (" + std::to_string(differ) + " floats differ) " +
                                 context);
}

struct InvarianceCase {
  int64_t in, out;
  DType dtype;
  std::string describe() const {
    return "in=" + std::to_string(in) + " out=" + std::to_string(out) + " dtype=" + dtype_name(dtype);
  }
};

std::vector<InvarianceCase> invariance_cases() {
  std::vector<InvarianceCase> list;
  // in: with and without a scalar k-tail, and (1030) long enough that 64+ tokens take several k-chunks;
  // out: fewer rows than one decode tile, a partial decode and GEMM tile, several thread blocks.
  const int64_t shapes[][2] = {{7, 2}, {67, 5}, {300, 97}, {1030, 41}, {64, 300}};
  for (const auto& sh : shapes)
    for (DType d : {DType::F32, DType::BF16, DType::F16}) list.push_back({sh[0], sh[1], d});
  return list;
}

// Each path gives each row of a batch the bits it gives that row alone, for batch sizes around every tile
// width, and the same bits on 1, 2 and 3 threads (which move the row-block boundaries).
void check_batch_invariance(const InvarianceCase& c) {
  Rng rng(c.in * 7919 + c.out * 13 + static_cast<int>(c.dtype));
  const StoredWeights w(c.dtype, c.out, c.in, rng, c.dtype != DType::F32);
  const std::vector<float> bias = rng.uniform(c.out);
  const int max_threads = omp_get_max_threads();
  for (const Path& path : {kPaths[0], kPaths[1]})
    for (int64_t n_tokens : {1, 2, 3, 4, 5, 16, 17, 64, 133}) {
      const std::string context = std::string("on path ") + path.name + " n_tokens=" + std::to_string(n_tokens);
      const std::vector<float> x = rng.uniform(n_tokens * c.in);
      std::vector<float> batch(n_tokens * c.out, NAN), alone(n_tokens * c.out, NAN);
      path.run(x.data(), n_tokens, w.view, bias.data(), batch.data());
      for (int64_t t = 0; t < n_tokens; ++t)
        path.run(x.data() + t * c.in, 1, w.view, bias.data(), alone.data() + t * c.out);
      CHECK_SAME_BITS(batch, alone, context);
      for (int threads : {1, 2, 3}) {
        omp_set_num_threads(threads);
        std::vector<float> threaded(n_tokens * c.out, NAN);
        path.run(x.data(), n_tokens, w.view, bias.data(), threaded.data());
        CHECK_SAME_BITS(threaded, batch, context + " threads=" + std::to_string(threads));
      }
      omp_set_num_threads(max_threads);
    }
}

// The contract as stated, for every batch size 1 .. 200 on one small shape (a k-tail, a partial row tile)
// per dtype and path, no bias: batch rows equal the same rows alone. The batch starts at a varying row of
// x, so a given row lands at varying positions in its token tiles and blocks.
void check_every_batch_size() {
  constexpr int64_t kIn = 37, kOut = 13, kMaxTokens = 200, kMaxOffset = 11;
  for (DType d : {DType::F32, DType::BF16, DType::F16}) {
    Rng rng(4242 + static_cast<int>(d));
    const StoredWeights w(d, kOut, kIn, rng, d != DType::F32);
    const std::vector<float> x = rng.uniform((kMaxTokens + kMaxOffset) * kIn);
    for (const Path& path : {kPaths[0], kPaths[1]}) {
      std::vector<float> alone((kMaxTokens + kMaxOffset) * kOut);
      for (int64_t t = 0; t < kMaxTokens + kMaxOffset; ++t)
        path.run(x.data() + t * kIn, 1, w.view, nullptr, alone.data() + t * kOut);
      int64_t failing_sizes = 0;
      for (int64_t n_tokens = 1; n_tokens <= kMaxTokens; ++n_tokens) {
        const int64_t offset = n_tokens * 5 % kMaxOffset;
        std::vector<float> batch(n_tokens * kOut);
        path.run(x.data() + offset * kIn, n_tokens, w.view, nullptr, batch.data());
        failing_sizes += std::memcmp(batch.data(), alone.data() + offset * kOut, batch.size() * sizeof(float)) != 0;
      }
      if (failing_sizes > 0)
        report_failure(__FILE__, __LINE__, std::string("path ") + path.name + " dtype " + dtype_name(d) + ": " +
                                               std::to_string(failing_sizes) + " batch sizes not bit-identical");
    }
  }
}

// Every finite half converts exactly on both paths: one-hot tokens pick single weights out unchanged.
void check_f16_conversion_exhaustive() {
  constexpr int64_t kIn = 32;  // a multiple of every vector width, so the vector conversions are used
  std::vector<uint16_t> bits;
  for (uint32_t h = 0; h <= 0xffff; ++h)
    if ((h & 0x7c00) != 0x7c00) bits.push_back(static_cast<uint16_t>(h));
  while (bits.size() % kIn) bits.push_back(0);
  const WeightView w{bits.data(), DType::F16, static_cast<int64_t>(bits.size()) / kIn, kIn};
  std::vector<float> one_hot(kIn * kIn, 0.0f);
  for (int64_t k = 0; k < kIn; ++k) one_hot[k * kIn + k] = 1.0f;
  int64_t wrong = 0;
  for (LinearFn path : {cpu::linear_decode, cpu::linear_prefill}) {
    std::vector<float> y(kIn * w.rows);
    path(one_hot.data(), kIn, w, nullptr, y.data());
    for (int64_t k = 0; k < kIn; ++k)
      for (int64_t o = 0; o < w.rows; ++o) wrong += y[k * w.rows + o] != f16_to_float(bits[o * kIn + k]);
  }
  CHECK(wrong == 0);
}

// inf and NaN weights reach the output on both paths (x is all ones, so no 0 · inf), alone and in a batch.
void check_f16_specials() {
  constexpr int64_t kIn = 32;
  const uint16_t specials[] = {0x7c00, 0xfc00, 0x7e00};  // +inf, −inf, NaN
  std::vector<uint16_t> bits(3 * kIn, 0x3c00);             // 1.0 elsewhere
  for (int r = 0; r < 3; ++r) bits[r * kIn + 5] = specials[r];
  const WeightView w{bits.data(), DType::F16, 3, kIn};
  const std::vector<float> ones(4 * kIn, 1.0f);
  for (LinearFn path : {cpu::linear_decode, cpu::linear_prefill})
    for (int64_t n_tokens : {1, 4}) {
      std::vector<float> y(n_tokens * 3);
      path(ones.data(), n_tokens, w, nullptr, y.data());
      CHECK(std::isinf(y[0]) && y[0] > 0);
      CHECK(std::isinf(y[1]) && y[1] < 0);
      CHECK(std::isnan(y[2]));
    }
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  test::run_cases("linear", cases(), check_against_reference);
  test::run_cases("linear batch invariance", invariance_cases(), check_batch_invariance);
  check_every_batch_size();
  check_f16_conversion_exhaustive();
  check_f16_specials();
  return test::finish("test_linear");
}
