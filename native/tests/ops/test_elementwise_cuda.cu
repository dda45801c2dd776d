// The small CUDA kernels of backend/cuda/elementwise.cuh, each against a plain host loop (rmsnorm against
// ref::rmsnorm) on fresh random inputs: n = 1, 3, 17 rows, widths 1, 31, 64, 4480 (9B hidden), 8191;
// flat sizes past the grid-stride cap. Copies, adds and roundings must match bit for bit; rmsnorm and
// mamba_dt within float32 rounding. Every output buffer starts as NaN, so an element left unwritten fails.
// Exits 77 (ctest's SKIP_RETURN_CODE) with a message when no CUDA device is usable.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <numeric>
#include <random>
#include <string>

#include "backend/cuda/elementwise.cuh"
#include "cuda_support.h"
#include "ops/rmsnorm.h"
#include "ops/tensor_view.h"

namespace nemotron {
namespace {
using namespace test;

// float32 sums of ≤ 8191 squares (per-thread runs, then a tree), one sqrt, one divide and two multiplies
// against the double reference: a few ulp of the row's scale.
constexpr double kNormTol = 2e-6;
// expf (2 ulp) and log1pf (1 ulp) on the device against glibc's float versions, per element.
constexpr double kDtTol = 2e-6;
constexpr float kEps = 1e-5f;

const std::vector<int64_t> kRowCounts = {1, 3, 17};
const std::vector<int64_t> kWidths = {1, 31, 64, 4480, 8191};
// Flat sizes: tiny, odd, and past the 8192 × 256 elements one grid-stride pass covers.
const std::vector<int64_t> kFlatSizes = {1, 3, 17, 4480 * 3 + 1, (int64_t{1} << 21) + 7};

// Elements whose bits differ (NaN == NaN when their bits are equal); reports the first one.
template <class T>
void check_same_bits(const std::vector<T>& got, const std::vector<T>& want, const char* what, int line) {
  if (got.size() != want.size()) {
    report_failure(__FILE__, line, std::string(what) + ": sizes differ");
    return;
  }
  int64_t mismatches = 0, first = -1;
  for (size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(T)) != 0 && mismatches++ == 0) first = static_cast<int64_t>(i);
  if (mismatches > 0)
    report_failure(__FILE__, line, std::string(what) + ": " + std::to_string(mismatches) + " element(s) differ, first at " +
                                       std::to_string(first));
}
#define CHECK_SAME_BITS(got, want) check_same_bits((got), (want), #got " vs " #want, __LINE__)

// Allocation and copy in one test, so that REQUIRE_DEVICE can fail the case on either.
template <class T>
bool upload_all(DeviceArray<T>& d, const std::vector<T>& v) {
  return d.ok() && d.upload(v) == cudaSuccess;
}

template <class T>
bool nan_filled(DeviceArray<T>& d, size_t n) {
  return d.ok() && cudaMemset(d.get(), 0xff, std::max<size_t>(n, 1) * sizeof(T)) == cudaSuccess;
}

#define REQUIRE_DEVICE(cond)                                                              \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      report_failure(__FILE__, __LINE__, "device allocation or copy failed: " #cond);    \
      return;                                                                             \
    }                                                                                     \
  } while (0)

struct RowCase {
  int64_t n, width;
  std::string describe() const { return "{n=" + std::to_string(n) + " width=" + std::to_string(width) + "}"; }
};

std::vector<RowCase> row_cases() {
  std::vector<RowCase> cases;
  for (int64_t n : kRowCounts)
    for (int64_t w : kWidths) cases.push_back({n, w});
  return cases;
}

// ---- rmsnorm and add_rmsnorm ---------------------------------------------------------------------------

struct NormCase {
  int64_t n, width;
  float scale;  // 1e-3: mean(x²) ≪ eps, so eps decides the result
  bool in_place;
  std::string describe() const {
    return "{n=" + std::to_string(n) + " width=" + std::to_string(width) + " scale=" + std::to_string(scale) +
           (in_place ? " in-place}" : "}");
  }
};

std::vector<NormCase> norm_cases() {
  std::vector<NormCase> cases;
  for (int64_t n : kRowCounts)
    for (int64_t w : kWidths) cases.push_back({n, w, 1.0f, false});
  cases.push_back({3, 4480, 1e-3f, false});
  cases.push_back({17, 64, 1e-3f, false});
  cases.push_back({3, 4480, 1.0f, true});
  cases.push_back({1, 8191, 1.0f, true});
  return cases;
}

void check_rmsnorm(const NormCase& c) {
  Rng rng(c.n * 1009 + c.width);
  const std::vector<float> x = rng.uniform(c.n * c.width, -2.0f * c.scale, 2.0f * c.scale);
  const std::vector<float> weight = rng.uniform(c.width, -1.5f, 1.5f);
  std::vector<float> want(x.size()), got(x.size());
  ref::rmsnorm(x.data(), c.n, c.width, weight.data(), kEps, want.data());

  DeviceArray<float> d_x(x.size()), d_w(weight.size()), d_h(x.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && upload_all(d_w, weight) && nan_filled(d_h, x.size()));
  float* h = c.in_place ? d_x.get() : d_h.get();
  cuda::rmsnorm(d_x.get(), c.n, c.width, d_w.get(), kEps, h, /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaMemcpy(got.data(), h, got.size() * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK_CLOSE(got, want, kNormTol);
  if (!c.in_place) {  // x only read
    std::vector<float> x_after(x.size());
    CUDA_CHECK(d_x.download(x_after));
    CHECK_SAME_BITS(x_after, x);
  }
}

void check_add_rmsnorm(const NormCase& c) {
  Rng rng(c.n * 2003 + c.width);
  const std::vector<float> x = rng.uniform(c.n * c.width, -1.0f * c.scale, 1.0f * c.scale);
  const std::vector<float> delta = rng.uniform(x.size(), -1.0f * c.scale, 1.0f * c.scale);
  const std::vector<float> weight = rng.uniform(c.width, -1.5f, 1.5f);
  std::vector<float> want_x(x.size()), want_h(x.size()), got_x(x.size()), got_h(x.size());
  for (size_t i = 0; i < x.size(); ++i) want_x[i] = x[i] + delta[i];
  ref::rmsnorm(want_x.data(), c.n, c.width, weight.data(), kEps, want_h.data());

  DeviceArray<float> d_x(x.size()), d_delta(x.size()), d_w(weight.size()), d_h(x.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && upload_all(d_delta, delta) && upload_all(d_w, weight) && nan_filled(d_h, x.size()));
  cuda::add_rmsnorm(d_x.get(), d_delta.get(), c.n, c.width, d_w.get(), kEps, d_h.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_x.download(got_x));
  CUDA_CHECK(d_h.download(got_h));
  CHECK_SAME_BITS(got_x, want_x);  // one float add, as the CPU model's residual
  CHECK_CLOSE(got_h, want_h, kNormTol);
}

// ---- embed_rows ----------------------------------------------------------------------------------------

struct EmbedCase {
  int64_t n, hidden;
  DType dtype;
  std::string describe() const {
    return "{n=" + std::to_string(n) + " hidden=" + std::to_string(hidden) + " dtype=" +
           std::to_string(static_cast<int>(dtype)) + "}";
  }
};

std::vector<EmbedCase> embed_cases() {
  std::vector<EmbedCase> cases;
  for (DType t : {DType::BF16, DType::F32, DType::F16})
    for (int64_t n : kRowCounts)
      for (int64_t h : {int64_t{1}, int64_t{31}, int64_t{4480}}) cases.push_back({n, h, t});
  return cases;
}

void check_embed(const EmbedCase& c) {
  constexpr int64_t kVocab = 50;
  Rng rng(c.n * 31 + c.hidden + static_cast<int64_t>(c.dtype));
  std::mt19937 bits(static_cast<uint32_t>(c.n * 7 + c.hidden));
  const std::vector<float> values = rng.uniform(kVocab * c.hidden, -3.0f, 3.0f);
  std::vector<uint16_t> table16(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (c.dtype == DType::BF16) table16[i] = float_to_bf16(values[i]);
    // Half: random finite bits (exponent field 0 – 30, subnormals included).
    if (c.dtype == DType::F16) {
      const uint32_t sign_mantissa = bits() & 0x83ffu, exponent = bits() % 31;
      table16[i] = static_cast<uint16_t>(sign_mantissa | exponent << 10);
    }
  }
  std::vector<int32_t> tokens(c.n);
  for (int64_t t = 0; t < c.n; ++t) tokens[t] = static_cast<int32_t>(bits() % kVocab);
  tokens[0] = kVocab - 1;  // the last row of the table
  if (c.n > 1) tokens[1] = 0;

  WeightView view;
  view.data = c.dtype == DType::F32 ? static_cast<const void*>(values.data()) : table16.data();
  view.dtype = c.dtype;
  view.rows = kVocab;
  view.cols = c.hidden;
  std::vector<float> want(c.n * c.hidden), got(want.size());
  for (int64_t t = 0; t < c.n; ++t)
    for (int64_t i = 0; i < c.hidden; ++i) want[t * c.hidden + i] = weight_at(view, tokens[t], i);

  DeviceArray<float> d_f32(values.size()), d_x(want.size());
  DeviceArray<uint16_t> d_16(table16.size());
  DeviceArray<int32_t> d_tokens(tokens.size());
  REQUIRE_DEVICE(upload_all(d_f32, values) && upload_all(d_16, table16) && upload_all(d_tokens, tokens) &&
                 nan_filled(d_x, want.size()));
  const void* table = c.dtype == DType::F32 ? static_cast<const void*>(d_f32.get()) : d_16.get();
  cuda::embed_rows(d_tokens.get(), c.n, table, c.dtype, c.hidden, d_x.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_x.download(got));
  CHECK_SAME_BITS(got, want);
}

// ---- flat kernels: add_in_place, relu_squared, round_to_bf16 --------------------------------------------

struct FlatCase {
  int64_t n;
  std::string describe() const { return "{n=" + std::to_string(n) + "}"; }
};

std::vector<FlatCase> flat_cases() {
  std::vector<FlatCase> cases;
  for (int64_t n : kFlatSizes) cases.push_back({n});
  return cases;
}

void check_add_in_place(const FlatCase& c) {
  Rng rng(c.n + 11);
  const std::vector<float> x = rng.uniform(c.n, -4.0f, 4.0f), delta = rng.uniform(c.n, -4.0f, 4.0f);
  std::vector<float> want(x.size()), got(x.size());
  for (size_t i = 0; i < x.size(); ++i) want[i] = x[i] + delta[i];
  DeviceArray<float> d_x(x.size()), d_delta(x.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && upload_all(d_delta, delta));
  cuda::add_in_place(d_x.get(), d_delta.get(), c.n, /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_x.download(got));
  CHECK_SAME_BITS(got, want);
}

void check_relu_squared(const FlatCase& c) {
  Rng rng(c.n + 13);
  std::vector<float> x = rng.uniform(c.n, -3.0f, 3.0f);
  const float specials[] = {NAN, -0.0f, 0.0f, INFINITY, -INFINITY, 1e-30f, -1e-30f};
  for (size_t i = 0; i < std::size(specials) && i < x.size(); ++i) x[x.size() - 1 - i] = specials[i];
  std::vector<float> want(x.size()), got(x.size());
  for (size_t i = 0; i < x.size(); ++i) want[i] = x[i] > 0.0f ? x[i] * x[i] : 0.0f;  // mlp_block.cpp
  DeviceArray<float> d_x(x.size());
  REQUIRE_DEVICE(upload_all(d_x, x));
  cuda::relu_squared(d_x.get(), c.n, /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_x.download(got));
  CHECK_SAME_BITS(got, want);
}

// Random bit patterns cover every float class (NaNs with payloads, infinities, subnormals, ties).
void check_round_to_bf16(const FlatCase& c) {
  std::mt19937 bits(static_cast<uint32_t>(c.n + 17));
  std::vector<float> x(c.n);
  for (float& v : x) {
    const uint32_t u = static_cast<uint32_t>(bits());
    std::memcpy(&v, &u, 4);
  }
  std::vector<uint16_t> want(x.size()), got(x.size());
  for (size_t i = 0; i < x.size(); ++i) want[i] = float_to_bf16(x[i]);
  DeviceArray<float> d_x(x.size());
  DeviceArray<uint16_t> d_out(x.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && nan_filled(d_out, x.size()));
  cuda::round_to_bf16(d_x.get(), c.n, d_out.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_out.download(got));
  CHECK_SAME_BITS(got, want);
}

// split_bf16: hi = bf16(x), lo = bf16(x − hi) bit for bit, on finite random values of every magnitude
// (the split is for activations); and hi + lo within 2⁻¹⁶ of x (16 significant bits).
void check_split_bf16(const FlatCase& c) {
  Rng rng(static_cast<uint64_t>(c.n) + 29);
  std::vector<float> x = rng.uniform(static_cast<size_t>(c.n), -1.0f, 1.0f);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::ldexp(x[i], static_cast<int>(i % 41) - 20);
  std::vector<uint16_t> want_hi(x.size()), want_lo(x.size()), got_hi(x.size()), got_lo(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    want_hi[i] = float_to_bf16(x[i]);
    want_lo[i] = float_to_bf16(x[i] - bf16_to_float(want_hi[i]));
  }
  DeviceArray<float> d_x(x.size());
  DeviceArray<uint16_t> d_hi(x.size()), d_lo(x.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && nan_filled(d_hi, x.size()) && nan_filled(d_lo, x.size()));
  cuda::split_bf16(d_x.get(), c.n, d_hi.get(), d_lo.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_hi.download(got_hi));
  CUDA_CHECK(d_lo.download(got_lo));
  CHECK_SAME_BITS(got_hi, want_hi);
  CHECK_SAME_BITS(got_lo, want_lo);
  for (size_t i = 0; i < x.size(); ++i) {
    const double sum = double(bf16_to_float(got_hi[i])) + double(bf16_to_float(got_lo[i]));
    if (std::fabs(sum - x[i]) > std::ldexp(std::fabs(double(x[i])), -16)) {
      report_failure(__FILE__, __LINE__, "hi + lo is not x to 16 bits at element " + std::to_string(i));
      break;
    }
  }
}

// Hand-written expectations, independent of float_to_bf16: ties to even, carries into the exponent,
// overflow to infinity, NaNs made quiet (and never rounded into an infinity or a sign flip).
void check_round_to_bf16_table() {
  const std::vector<std::pair<uint32_t, uint16_t>> table = {
      {0x3f800000u, 0x3f80u},  // 1.0
      {0x3f808000u, 0x3f80u},  // tie, even below: down
      {0x3f818000u, 0x3f82u},  // tie, odd below: up
      {0x3f808001u, 0x3f81u},  // just above the tie: up
      {0x3f807fffu, 0x3f80u},  // just below the tie: down
      {0xbf818000u, 0xbf82u},  // negative tie, odd: away from zero
      {0x3fffc000u, 0x4000u},  // carry into the exponent
      {0x7f7fffffu, 0x7f80u},  // largest float rounds to infinity
      {0x7f800000u, 0x7f80u},  // +inf
      {0xff800000u, 0xff80u},  // −inf
      {0x7fc00000u, 0x7fc0u},  // quiet NaN
      {0x7f800001u, 0x7fc0u},  // signalling NaN, payload in the dropped bits: quiet, not inf
      {0x7fa00000u, 0x7fe0u},  // signalling NaN with a kept payload: quiet bit set
      {0x7fffffffu, 0x7fffu},  // NaN that rounding would carry into −0
      {0xff800001u, 0xffc0u},  // negative signalling NaN
      {0x80000000u, 0x8000u},  // −0
      {0x00000001u, 0x0000u},  // smallest subnormal: down to 0
      {0x00008000u, 0x0000u},  // subnormal tie, even: down
      {0x00018000u, 0x0002u},  // subnormal tie, odd: up
  };
  std::vector<float> x(table.size());
  std::vector<uint16_t> want(table.size()), got(table.size()), host(table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    std::memcpy(&x[i], &table[i].first, 4);
    want[i] = table[i].second;
    host[i] = float_to_bf16(x[i]);
  }
  DeviceArray<float> d_x(x.size());
  DeviceArray<uint16_t> d_out(x.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && nan_filled(d_out, x.size()));
  cuda::round_to_bf16(d_x.get(), static_cast<int64_t>(x.size()), d_out.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_out.download(got));
  CHECK_SAME_BITS(got, want);
  CHECK_SAME_BITS(host, want);  // the CPU's rounding is the contract
  std::printf("round_to_bf16_table: %zu values\n", table.size());
}

// ---- add_bias --------------------------------------------------------------------------------------------

void check_add_bias(const RowCase& c) {
  Rng rng(c.n * 37 + c.width);
  const std::vector<float> y = rng.uniform(c.n * c.width, -2.0f, 2.0f), bias = rng.uniform(c.width, -1.0f, 1.0f);
  std::vector<float> want(y.size()), got(y.size());
  for (int64_t t = 0; t < c.n; ++t)
    for (int64_t i = 0; i < c.width; ++i) want[t * c.width + i] = y[t * c.width + i] + bias[i];
  DeviceArray<float> d_y(y.size()), d_b(bias.size());
  REQUIRE_DEVICE(upload_all(d_y, y) && upload_all(d_b, bias));
  cuda::add_bias(d_y.get(), c.n, c.width, d_b.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_y.download(got));
  CHECK_SAME_BITS(got, want);
}

// ---- mamba_dt ----------------------------------------------------------------------------------------------

struct DtCase {
  int64_t n, n_heads, row_pad;
  float dt_min, dt_max;
  std::string describe() const {
    return "{n=" + std::to_string(n) + " n_heads=" + std::to_string(n_heads) + " row_pad=" + std::to_string(row_pad) +
           " dt_min=" + std::to_string(dt_min) + " dt_max=" + std::to_string(dt_max) + "}";
  }
};

std::vector<DtCase> dt_cases() {
  std::vector<DtCase> cases;
  for (int64_t n : kRowCounts)
    for (int64_t heads : {int64_t{1}, int64_t{24}, int64_t{128}}) {
      cases.push_back({n, heads, 0, 0.0f, INFINITY});  // the default time_step_limit: no clamp
      cases.push_back({n, heads, 7, 1e-3f, 5.0f});     // a finite limit, rows inside a wider projection
    }
  return cases;
}

float softplus(float x) { return x > 20.0f ? x : std::log1p(std::exp(x)); }  // as mamba2_block.cpp

void check_mamba_dt(const DtCase& c) {
  Rng rng(c.n * 41 + c.n_heads + c.row_pad);
  const int64_t stride = c.n_heads + c.row_pad;
  // Raw values across both softplus branches: > 20 (identity) and < −20 (exp underflows toward 0).
  const std::vector<float> raw = rng.uniform(c.n * stride, -30.0f, 30.0f);
  const std::vector<float> dt_bias = rng.uniform(c.n_heads, -2.0f, 2.0f);
  std::vector<float> want(c.n * c.n_heads), got(want.size());
  for (int64_t t = 0; t < c.n; ++t)
    for (int64_t h = 0; h < c.n_heads; ++h) {
      const float v = softplus(raw[t * stride + h] + dt_bias[h]);
      want[t * c.n_heads + h] = std::fmin(std::fmax(v, c.dt_min), c.dt_max);
    }
  DeviceArray<float> d_raw(raw.size()), d_bias(dt_bias.size()), d_dt(want.size());
  REQUIRE_DEVICE(upload_all(d_raw, raw) && upload_all(d_bias, dt_bias) && nan_filled(d_dt, want.size()));
  cuda::mamba_dt(d_raw.get(), c.n, c.n_heads, stride, d_bias.get(), c.dt_min, c.dt_max, d_dt.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_dt.download(got));
  // Per element (dt spans 1e-13 .. 32, so an error relative to the largest would hide the small ones).
  double worst = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double err = std::fabs(static_cast<double>(got[i]) - want[i]) / std::max(std::fabs(static_cast<double>(want[i])), 1e-30);
    worst = std::isnan(err) ? INFINITY : std::max(worst, err);
  }
  if (!(worst <= kDtTol))
    report_failure(__FILE__, __LINE__, "mamba_dt: max per-element rel error " + std::to_string(worst));
}

// ---- kv_scatter --------------------------------------------------------------------------------------------

struct ScatterCase {
  int64_t n, row_floats;
  std::string describe() const { return "{n=" + std::to_string(n) + " row_floats=" + std::to_string(row_floats) + "}"; }
};

std::vector<ScatterCase> scatter_cases() {
  std::vector<ScatterCase> cases;
  for (int64_t n : kRowCounts)
    for (int64_t f : {int64_t{1}, int64_t{72}, int64_t{1024}}) cases.push_back({n, f});
  return cases;
}

// k and v as views into fused qkv rows [n, q | k | v] (q = 2 · row_floats + 1 wide), pool rows shuffled
// among twice as many as needed; the untouched pool rows must keep their contents.
void check_kv_scatter(const ScatterCase& c) {
  Rng rng(c.n * 43 + c.row_floats);
  const int64_t q_width = 2 * c.row_floats + 1, stride = q_width + 2 * c.row_floats, n_pool = 2 * c.n + 5;
  const std::vector<float> qkv = rng.uniform(c.n * stride, -1.0f, 1.0f);
  const std::vector<float> k_pool = rng.uniform(n_pool * c.row_floats, 5.0f, 6.0f);
  const std::vector<float> v_pool = rng.uniform(n_pool * c.row_floats, 7.0f, 8.0f);
  std::vector<int64_t> order(n_pool);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(static_cast<uint32_t>(c.n + c.row_floats)));
  const std::vector<int64_t> pool_rows(order.begin(), order.begin() + c.n);
  std::vector<float> want_k = k_pool, want_v = v_pool, got_k(k_pool.size()), got_v(v_pool.size());
  for (int64_t r = 0; r < c.n; ++r)
    for (int64_t i = 0; i < c.row_floats; ++i) {
      want_k[pool_rows[r] * c.row_floats + i] = qkv[r * stride + q_width + i];
      want_v[pool_rows[r] * c.row_floats + i] = qkv[r * stride + q_width + c.row_floats + i];
    }
  DeviceArray<float> d_qkv(qkv.size()), d_k(k_pool.size()), d_v(v_pool.size());
  DeviceArray<int64_t> d_rows(pool_rows.size());
  REQUIRE_DEVICE(upload_all(d_qkv, qkv) && upload_all(d_k, k_pool) && upload_all(d_v, v_pool) &&
                 upload_all(d_rows, pool_rows));
  const float* k = d_qkv.get() + q_width;
  cuda::kv_scatter(k, k + c.row_floats, c.n, c.row_floats, stride, d_rows.get(), d_k.get(), d_v.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_k.download(got_k));
  CUDA_CHECK(d_v.download(got_v));
  CHECK_SAME_BITS(got_k, want_k);
  CHECK_SAME_BITS(got_v, want_v);
}

// ---- gather_rows -------------------------------------------------------------------------------------------

void check_gather_rows(const RowCase& c) {
  constexpr int64_t kSourceRows = 20;
  Rng rng(c.n * 47 + c.width);
  const std::vector<float> x = rng.uniform(kSourceRows * c.width, -1.0f, 1.0f);
  std::mt19937 pick(static_cast<uint32_t>(c.n * 3 + c.width));
  std::vector<int32_t> rows(c.n);
  for (int32_t& r : rows) r = static_cast<int32_t>(pick() % kSourceRows);  // repeats allowed
  rows[0] = kSourceRows - 1;
  std::vector<float> want(c.n * c.width), got(want.size());
  for (int64_t i = 0; i < c.n; ++i)
    std::copy(x.begin() + rows[i] * c.width, x.begin() + (rows[i] + 1) * c.width, want.begin() + i * c.width);
  DeviceArray<float> d_x(x.size()), d_out(want.size());
  DeviceArray<int32_t> d_rows(rows.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && upload_all(d_rows, rows) && nan_filled(d_out, want.size()));
  cuda::gather_rows(d_x.get(), d_rows.get(), c.n, c.width, d_out.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_out.download(got));
  CHECK_SAME_BITS(got, want);
}

// scatter_rows: distinct destination rows in shuffled order, some rows skipped (−1); untouched rows
// keep their contents.
void check_scatter_rows(const RowCase& c) {
  const int64_t out_rows = c.n + 5;
  Rng rng(c.n * 53 + c.width);
  const std::vector<float> x = rng.uniform(c.n * c.width, -1.0f, 1.0f);
  std::vector<float> want = rng.uniform(out_rows * c.width, 2.0f, 3.0f), got(want.size());
  std::vector<int32_t> targets(out_rows);
  std::iota(targets.begin(), targets.end(), 0);
  std::shuffle(targets.begin(), targets.end(), std::mt19937(static_cast<uint32_t>(c.n + c.width)));
  std::vector<int32_t> rows(targets.begin(), targets.begin() + c.n);
  for (int64_t i = 1; i < c.n; i += 3) rows[i] = -1;
  const std::vector<float> before = want;
  for (int64_t i = 0; i < c.n; ++i)
    if (rows[i] >= 0) std::copy(x.begin() + i * c.width, x.begin() + (i + 1) * c.width, want.begin() + rows[i] * c.width);
  DeviceArray<float> d_x(x.size()), d_out(want.size());
  DeviceArray<int32_t> d_rows(rows.size());
  REQUIRE_DEVICE(upload_all(d_x, x) && upload_all(d_rows, rows) && upload_all(d_out, before));
  cuda::scatter_rows(d_x.get(), d_rows.get(), c.n, c.width, d_out.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(d_out.download(got));
  CHECK_SAME_BITS(got, want);
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  if (!test::cuda_device_usable("test_elementwise_cuda")) return test::kSkipExitCode;
  test::run_cases("rmsnorm_cuda", norm_cases(), check_rmsnorm);
  test::run_cases("add_rmsnorm_cuda", norm_cases(), check_add_rmsnorm);
  test::run_cases("embed_rows_cuda", embed_cases(), check_embed);
  test::run_cases("add_in_place_cuda", flat_cases(), check_add_in_place);
  test::run_cases("relu_squared_cuda", flat_cases(), check_relu_squared);
  test::run_cases("round_to_bf16_cuda", flat_cases(), check_round_to_bf16);
  check_round_to_bf16_table();
  test::run_cases("split_bf16_cuda", flat_cases(), check_split_bf16);
  test::run_cases("add_bias_cuda", row_cases(), check_add_bias);
  test::run_cases("mamba_dt_cuda", dt_cases(), check_mamba_dt);
  test::run_cases("kv_scatter_cuda", scatter_cases(), check_kv_scatter);
  test::run_cases("gather_rows_cuda", row_cases(), check_gather_rows);
  test::run_cases("scatter_rows_cuda", row_cases(), check_scatter_rows);
  return test::finish("test_elementwise_cuda");
}
