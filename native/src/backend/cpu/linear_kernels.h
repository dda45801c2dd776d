// The dtype-aware pieces of cpu::linear: converting loads per stored dtype (F32 / BF16 / F16), the decode
// path's row conversion and register-tiled dot-product kernel, and the packing of weight rows into GEMM
// micro-panels for the prefill path. The GEMM core itself is in gemm_kernels.h; blocking, threading and ISA
// dispatch in linear.cpp. Force-inlined (see simd.h).
#pragma once
#include "backend/cpu/simd.h"
#include "ops/tensor_view.h"

namespace nemotron::cpu::simd {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "load_pair: element 2j sits in the low half of lane j");

// Half-precision bits (in the low 16 bits of each lane) to float. Exponent and mantissa moved into float
// position give half_value · 2⁻¹¹², exact for normal and subnormal halves alike, so one multiply by 2¹¹²
// rescales both; exponent 31 (inf / NaN) is forced to 255 and the sign copied over. (A process that set
// denormals-are-zero would flush subnormal halves.)
template <int W> NEMOTRON_INLINE void f16_bits_to_float(const typename Vec<W>::u32& u, typename Vec<W>::f32& v) {
  using V = Vec<W>;
  const typename V::f32 magnitude = (typename V::f32)((u & 0x7fffu) << 13) * 0x1p112f;
  const typename V::u32 inf_nan = (typename V::u32)((u & 0x7c00u) == 0x7c00u) & 0x7f800000u;
  v = (typename V::f32)((typename V::u32)magnitude | inf_nan | ((u & 0x8000u) << 16));
}

// Stored dtypes. `element` is the storage type; load<W> converts W consecutive elements to float lanes;
// load_pair<W> converts 2W elements into two vectors. For the 2-byte dtypes (kSplitPairs) each 32-bit
// lane of a plain load holds an (even, odd) element pair, which one shift or mask splits: `first` gets
// the even-indexed, `second` the odd-indexed elements, and x must be arranged to match (split_pairs).
// That is much cheaper than widening shuffles (GCC splits a u16 → u32 widening into 128-bit halves).
struct F32Weights {
  using element = float;
  static constexpr bool kSplitPairs = false;
  static float scalar(const float* p) { return *p; }
  template <int W> static NEMOTRON_INLINE void load(const float* p, typename Vec<W>::f32& v) { simd::load<W>(p, v); }
  template <int W>
  static NEMOTRON_INLINE void load_pair(const float* p, typename Vec<W>::f32& first, typename Vec<W>::f32& second) {
    simd::load<W>(p, first);
    simd::load<W>(p + W, second);
  }
};

struct BF16Weights {  // bf16 is the top half of a float32
  using element = uint16_t;
  static constexpr bool kSplitPairs = true;
  static float scalar(const uint16_t* p) { return bf16_to_float(*p); }
  template <int W> static NEMOTRON_INLINE void load(const uint16_t* p, typename Vec<W>::f32& v) {
    typename Vec<W>::u16 h;
    std::memcpy(&h, p, sizeof h);
    v = (typename Vec<W>::f32)(__builtin_convertvector(h, typename Vec<W>::u32) << 16);
  }
  template <int W>
  static NEMOTRON_INLINE void load_pair(const uint16_t* p, typename Vec<W>::f32& first, typename Vec<W>::f32& second) {
    typename Vec<W>::u32 u;
    std::memcpy(&u, p, sizeof u);
    first = (typename Vec<W>::f32)(u << 16);
    second = (typename Vec<W>::f32)(u & 0xffff0000u);
  }
};

struct F16Weights {
  using element = uint16_t;
  static constexpr bool kSplitPairs = true;
  static float scalar(const uint16_t* p) { return f16_to_float(*p); }
  template <int W> static NEMOTRON_INLINE void load(const uint16_t* p, typename Vec<W>::f32& v) {
    typename Vec<W>::u16 h;
    std::memcpy(&h, p, sizeof h);
    f16_bits_to_float<W>(__builtin_convertvector(h, typename Vec<W>::u32), v);
  }
  template <int W>
  static NEMOTRON_INLINE void load_pair(const uint16_t* p, typename Vec<W>::f32& first, typename Vec<W>::f32& second) {
    typename Vec<W>::u32 u;
    std::memcpy(&u, p, sizeof u);
    f16_bits_to_float<W>(u & 0xffffu, first);
    f16_bits_to_float<W>(u >> 16, second);
  }
};

// Arranges one token's x[in] in the order load_pair produces for split dtypes with `lanes` = W: per block
// of 2W, the W even-indexed elements, then the W odd-indexed ones. The tail (in % 2W) is copied unchanged.
// Not per ISA (W is an argument): it runs once per token and call, outside the multiversioned kernels.
inline void split_pairs(const float* x, int64_t in, int64_t lanes, float* dst) {
  int64_t i = 0;
  for (; i + 2 * lanes <= in; i += 2 * lanes)
    for (int64_t j = 0; j < lanes; ++j) {
      dst[i + j] = x[i + 2 * j];
      dst[i + lanes + j] = x[i + 2 * j + 1];
    }
  for (; i < in; ++i) dst[i] = x[i];
}

// Decode register tile: R weight rows × TT tokens, one W-lane accumulator per (row, token), plus the R weight
// vectors of the current k step and one x vector. Every tile divides kDotRowAlign, so row blocks sized by
// it hold whole tiles on every ISA.
template <int W_, int R_, int TT_> struct DotTile {
  static constexpr int W = W_, R = R_, TT = TT_;
};
using DotTileSse2 = DotTile<4, 3, 3>;      // 9 + 3 + 1 + a product (no FMA) of 16 xmm
using DotTileAvx2 = DotTile<8, 3, 4>;      // 12 + 3 + 1: all 16 ymm
using DotTileAvx512 = DotTile<16, 4, 4>;   // 16 + 4 + 1 of 32 zmm
using DotTilePortable = DotTile<4, 4, 4>;  // NEON: 16 + 4 + 1 of 32 q registers
constexpr int kDotRowAlign = 12, kMaxDotRows = 4, kMaxDotLanes = 16;
static_assert(kDotRowAlign % DotTileSse2::R == 0 && kDotRowAlign % DotTileAvx2::R == 0 &&
              kDotRowAlign % DotTileAvx512::R == 0 && kDotRowAlign % DotTilePortable::R == 0);

// Keeps v in a register. Without it GCC folds a value that R FMAs use into R memory operands: R loads
// instead of one, which makes the decode tile load-bound (two vector loads per cycle) rather than FMA-bound.
template <class V> NEMOTRON_INLINE void keep_in_register(V& v) {
#if defined(__x86_64__)
  asm("" : "+v"(v));
#endif
}

// Decode: columns [k0, k0 + n) of R weight rows converted to float, in the order load_pair produces (for the
// split dtypes: per 2W block the W even-, then the W odd-indexed elements), rows dst_stride apart; n is a
// multiple of 2W. The same columns of the next R rows (row stride `in`) are prefetched: rows are short
// streams (a few KB), too short for the hardware prefetcher to ramp up, and converting is where the
// weights come from memory.
template <int W, int R, class Wt>
NEMOTRON_INLINE void convert_rows(const typename Wt::element* const* rows, int64_t in, int64_t k0, int64_t n,
                                  float* dst, int64_t dst_stride) {
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
    for (int64_t i = 0; i < n; i += 2 * W) {
      typename Vec<W>::f32 first, second;
      Wt::template load_pair<W>(rows[r] + k0 + i, first, second);
      __builtin_prefetch(rows[r] + R * in + k0 + i);  // never faults, even past the end
      store<W>(dst + r * dst_stride + i, first);
      store<W>(dst + r * dst_stride + i + W, second);
    }
}

// Decode micro-kernel: for R converted rows (w, row stride w_stride) × TT tokens (x, row stride x_stride),
// acc(r, t) += w_r[i .. i + W) · x_t[i .. i + W) for i = 0, W, .. n, one FMA per step into one vector per
// (row, token) at acc[r · acc_stride + t · W] (starting from zero when `first`). Each pair's accumulator sees
// the same FMAs in the same order whatever tile shape, position or k-chunking it is computed in: that is
// what makes a row's result independent of the batch around it.
template <int W, int R, int TT>
NEMOTRON_INLINE void dot_tile(const float* w, int64_t w_stride, const float* x, int64_t x_stride, int64_t n,
                              bool first, float* acc_mem, int64_t acc_stride) {
  using V = typename Vec<W>::f32;
  V acc[R][TT];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int t = 0; t < TT; ++t) {
      if (first) {
        acc[r][t] = V{};
      } else {
        load<W>(acc_mem + r * acc_stride + t * W, acc[r][t]);
      }
    }
  for (int64_t i = 0; i < n; i += W) {
    V wv[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) load<W>(w + r * w_stride + i, wv[r]);
#pragma GCC unroll 8
    for (int t = 0; t < TT; ++t) {
      V xv;
      load<W>(x + t * x_stride + i, xv);
      keep_in_register(xv);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[r][t] += xv * wv[r];
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int t = 0; t < TT; ++t) store<W>(acc_mem + r * acc_stride + t * W, acc[r][t]);
}

// Tokens [0, n_tokens) of a decode row tile: full TT-token tiles, then one narrower tile for the rest
// (instantiated for each width below TT, so no padded token is ever computed).
template <int W, int R, int TT>
NEMOTRON_INLINE void dot_tokens(const float* w, int64_t w_stride, const float* x, int64_t x_stride,
                                int64_t n_tokens, int64_t n, bool first, float* acc, int64_t acc_stride) {
  int64_t t = 0;
  if constexpr (TT > 1) {
    for (; t + TT <= n_tokens; t += TT)
      dot_tile<W, R, TT>(w, w_stride, x + t * x_stride, x_stride, n, first, acc + t * W, acc_stride);
    if (t < n_tokens)
      dot_tokens<W, R, TT - 1>(w, w_stride, x + t * x_stride, x_stride, n_tokens - t, n, first, acc + t * W,
                               acc_stride);
  } else {
    for (; t < n_tokens; ++t) dot_tile<W, R, 1>(w, w_stride, x + t * x_stride, x_stride, n, first, acc + t * W, acc_stride);
  }
}

// One (row, token) result of the decode path: the accumulator's lanes summed in lane order, then the columns
// past the vector part [k_vec, in) one at a time. x_row is arranged as split_pairs leaves it (the tail is
// unchanged).
template <int W, class Wt>
NEMOTRON_INLINE float finish_dot(const float* acc, const float* x_row, const typename Wt::element* w_row,
                                 int64_t k_vec, int64_t in) {
  typename Vec<W>::f32 v;
  load<W>(acc, v);
  float s = horizontal_sum<W>(v);
  for (int64_t k = k_vec; k < in; ++k) s += x_row[k] * Wt::scalar(w_row + k);
  return s;
}

// Packs rows [0, n_rows) × columns [0, kc) of a weight block (row stride `in`) as float micro-panels
// [n_rows / NR][kc][NR]: for each k the NR rows' values are contiguous, which is what the micro-kernel
// loads. Rows past n_valid are zero. row_tmp holds one converted row slice [kc].
template <int W, int NR, class Wt>
NEMOTRON_INLINE void pack_weights(const typename Wt::element* w, int64_t in, int64_t n_rows, int64_t n_valid,
                                  int64_t kc, float* row_tmp, float* panel) {
  for (int64_t r = 0; r < n_rows; ++r) {
    float* dst = panel + (r / NR) * kc * NR + (r % NR);
    if (r >= n_valid) {
      for (int64_t k = 0; k < kc; ++k) dst[k * NR] = 0.0f;
      continue;
    }
    const typename Wt::element* src = w + r * in;
    int64_t k = 0;
    for (; k + W <= kc; k += W) {
      typename Vec<W>::f32 v;
      Wt::template load<W>(src + k, v);
      store<W>(row_tmp + k, v);
    }
    for (; k < kc; ++k) row_tmp[k] = Wt::scalar(src + k);
    for (k = 0; k < kc; ++k) dst[k * NR] = row_tmp[k];
  }
}

}  // namespace nemotron::cpu::simd
