// Vectorized exp: x = k·ln2 + r with k = round(x·log2 e) and r reduced in two parts (Cody–Waite: the
// high part of ln2 has trailing zero bits, so k·ln2_hi is exact), then exp(r) by its Taylor series to
// degree 7 (|r| ≤ ln2/2: truncation error < 6e-9, below float rounding) times 2^k built in exponent bits.
// Written on 8-lane GCC vectors: the clamps are vector selects, which GCC will not if-convert from
// scalar code under -ftrapping-math. target_clones compiles it for AVX-512 / AVX2 / baseline on x86.
#include "backend/cpu/vexp.h"

#include <algorithm>

#include "backend/cpu/simd.h"

namespace nemotron::cpu {
namespace {
using F = simd::Vec<8>::f32;
using I = simd::Vec<8>::i32;
constexpr int kLanes = 8;

constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693145751953125f;       // 0x3f317200: 16 significant bits
constexpr float kLn2Lo = 1.42860682030941723e-6f;  // ln 2 − kLn2Hi
constexpr float kRoundMagic = 12582912.0f;         // 1.5 · 2²³: adding and subtracting rounds to integer
// Clamping to [kMinArg, kMaxArg] lets the scaling itself produce the ends: subnormals, then 0 below
// exp(−104) (< half the smallest subnormal); +inf above ln(FLT_MAX) < kMaxArg.
constexpr float kMinArg = -104.0f;
constexpr float kMaxArg = 89.0f;

NEMOTRON_INLINE void exp_lanes(F& v) {
  F x = v < kMinArg ? F{} + kMinArg : v;  // comparisons with NaN are false: NaN passes through
  x = x > kMaxArg ? F{} + kMaxArg : x;
  const F k = (x * kLog2e + kRoundMagic) - kRoundMagic;
  const F r = (x - k * kLn2Hi) - k * kLn2Lo;
  F p = 1.0f / 5040.0f + r * (1.0f / 40320.0f);
  p = 1.0f / 720.0f + r * p;
  p = 1.0f / 120.0f + r * p;
  p = 1.0f / 24.0f + r * p;
  p = 1.0f / 6.0f + r * p;
  p = 0.5f + r * p;
  p = 1.0f + r * p;
  p = 1.0f + r * p;
  // 2^k as two factors, each a normal float for k in [−150, 128]; their product under- or overflows.
  const I ki = __builtin_convertvector(k, I);
  const I half = ki >> 1;
  v = p * (F)((half + 127) << 23) * (F)((ki - half + 127) << 23);
}
}  // namespace

#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void exp_in_place(float* v, int64_t n) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    F x;
    simd::load<kLanes>(v + i, x);
    exp_lanes(x);
    simd::store<kLanes>(v + i, x);
  }
  if (i < n) {  // the tail through one zero-padded vector
    float tail[kLanes] = {};
    std::copy(v + i, v + n, tail);
    F x;
    simd::load<kLanes>(tail, x);
    exp_lanes(x);
    simd::store<kLanes>(tail, x);
    std::copy(tail, tail + (n - i), v + i);
  }
}

}  // namespace nemotron::cpu
