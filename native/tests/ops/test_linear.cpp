// linear: cpu::linear against ref::linear on the same stored weights (F32, BF16, F16), across the GEMV
// path (1–3 tokens) and the packed GEMM path (k-block, row-block and token-block edges ±1), with and
// without bias, and with 2-byte-aligned half-precision rows. Invariants: a batch equals its tokens one
// at a time; every finite F16 value converts exactly; inf / NaN weights propagate.
#include <cmath>

#include "ops/linear.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 accumulation of ≤ 600 products of O(1) values: the error relative to the output scale is a few
// 1e-7 (random-walk rounding, ~sqrt(in)·eps); 1e-5 keeps a wide margin, while any indexing error is O(1).
constexpr double kLinearTol = 1e-5;
// One token alone takes the GEMV path, the batch the GEMM path: two float32 summation orders.
constexpr double kBatchVsSingleTol = 1e-5;

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
  // {tokens, in, out}: GEMV (1–3 tokens) and GEMM (≥ 4); in around the 256 k-block and vector widths;
  // out around the 32-row alignment and 128-row block; tokens around the 192-token block.
  const int64_t shapes[][3] = {{1, 1, 1},     {1, 7, 5},      {1, 257, 33},  {2, 100, 31},  {3, 513, 130},
                               {4, 16, 8},    {5, 255, 129},  {7, 256, 127}, {13, 17, 33},  {1, 1024, 64},
                               {64, 300, 96}, {191, 64, 40},  {192, 65, 41}, {193, 129, 257}};
  for (const auto& sh : shapes)
    for (DType d : {DType::F32, DType::BF16, DType::F16})
      list.push_back({sh[0], sh[1], sh[2], d, sh[1] % 2 == 1, d != DType::F32 && sh[2] % 2 == 1});
  return list;
}

void check_against_reference(const Case& c) {
  Rng rng(c.n_tokens * 1000003 + c.in * 101 + c.out);
  const StoredWeights w(c.dtype, c.out, c.in, rng, c.unaligned);
  const std::vector<float> x = rng.uniform(c.n_tokens * c.in);
  const std::vector<float> bias = rng.uniform(c.out);
  const float* b = c.bias ? bias.data() : nullptr;
  std::vector<float> want(c.n_tokens * c.out), got(c.n_tokens * c.out, NAN);
  ref::linear(x.data(), c.n_tokens, w.view, b, want.data());
  cpu::linear(x.data(), c.n_tokens, w.view, b, got.data());
  CHECK_CLOSE(got, want, kLinearTol);

  // Invariant: the batch equals its tokens one at a time (the decode path).
  std::vector<float> single(c.n_tokens * c.out, NAN);
  for (int64_t t = 0; t < c.n_tokens; ++t)
    cpu::linear(x.data() + t * c.in, 1, w.view, b, single.data() + t * c.out);
  CHECK_CLOSE(single, got, kBatchVsSingleTol);
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
  std::vector<float> y(kIn * w.rows);
  cpu::linear(one_hot.data(), kIn, w, nullptr, y.data());  // GEMM path
  int64_t wrong = 0;
  for (int64_t k = 0; k < kIn; ++k)
    for (int64_t o = 0; o < w.rows; ++o) wrong += y[k * w.rows + o] != f16_to_float(bits[o * kIn + k]);
  std::vector<float> y1(w.rows);
  cpu::linear(one_hot.data(), 1, w, nullptr, y1.data());  // GEMV path, column 0
  for (int64_t o = 0; o < w.rows; ++o) wrong += y1[o] != f16_to_float(bits[o * kIn]);
  CHECK(wrong == 0);
}

// inf and NaN weights reach the output on both paths (x is all ones, so no 0 · inf).
void check_f16_specials() {
  constexpr int64_t kIn = 32;
  const uint16_t specials[] = {0x7c00, 0xfc00, 0x7e00};  // +inf, −inf, NaN
  std::vector<uint16_t> bits(3 * kIn, 0x3c00);             // 1.0 elsewhere
  for (int r = 0; r < 3; ++r) bits[r * kIn + 5] = specials[r];
  const WeightView w{bits.data(), DType::F16, 3, kIn};
  const std::vector<float> ones(4 * kIn, 1.0f);
  for (int64_t n_tokens : {1, 4}) {
    std::vector<float> y(n_tokens * 3);
    cpu::linear(ones.data(), n_tokens, w, nullptr, y.data());
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
  check_f16_conversion_exhaustive();
  check_f16_specials();
  return test::finish("test_linear");
}
