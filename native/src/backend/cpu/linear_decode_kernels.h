// The decode path of cpu::linear: register-tiled dot products with vector lanes along k, one accumulator per
// (row, token) pair in a fixed order whatever tile the pair lands in (the batch invariance of ops/linear.h),
// on weight rows converted to float once per tile or, for few tokens, read as stored; and the fixed-order
// lane reduction that finishes each pair. Blocking, threading and ISA dispatch are in linear.cpp.
// Force-inlined (see simd.h).
#pragma once
#include <algorithm>

#include "backend/cpu/linear_kernels.h"

namespace nemotron::cpu::simd {

// Decode register tiles. Converted rows: R weight rows × TT tokens, one W-lane accumulator per (row, token),
// plus the R weight vectors of the current k step and one x vector. Stored rows (few tokens, see
// dot_tile_direct): DR rows × DTT tokens, plus both halves of each token's x and one split weight pair.
// Every R and DR divides kDotRowAlign, so row blocks sized by it hold whole tiles on every ISA.
template <int W_, int R_, int TT_, int DR_, int DTT_> struct DotTile {
  static constexpr int W = W_, R = R_, TT = TT_, DR = DR_, DTT = DTT_;
};
using DotTileSse2 = DotTile<4, 3, 3, 4, 2>;      // 9 + 3 + 1 + a product (no FMA) of 16 xmm
using DotTileAvx2 = DotTile<8, 3, 4, 4, 2>;      // 12 + 3 + 1: all 16 ymm; direct 8 + 4 + 2 + a mask
using DotTileAvx512 = DotTile<16, 4, 4, 4, 2>;   // 16 + 4 + 1 of 32 zmm
using DotTilePortable = DotTile<4, 4, 4, 4, 2>;  // NEON: 16 + 4 + 1 of 32 q registers
constexpr int kDotRowAlign = 12, kMaxDotRows = 4, kMaxDotLanes = 16;
template <class DT> constexpr bool kFitsRowAlign = kDotRowAlign % DT::R == 0 && kDotRowAlign % DT::DR == 0;
static_assert(kFitsRowAlign<DotTileSse2> && kFitsRowAlign<DotTileAvx2> && kFitsRowAlign<DotTileAvx512> &&
              kFitsRowAlign<DotTilePortable>);

// Keeps v in a register. Without it GCC folds a value that R FMAs use into R memory operands: R loads
// instead of one, which makes the decode tile load-bound (two vector loads per cycle) rather than FMA-bound.
template <class V> NEMOTRON_INLINE void keep_in_register(V& v) {
#if defined(__x86_64__)
  asm("" : "+v"(v));
#endif
}

// Decode: columns [k0, k0 + n) of R weight rows converted to float, in the order load_pair produces (for the
// split dtypes: per 2W block the W even-, then the W odd-indexed elements), rows dst_stride apart; n is a
// multiple of 2W. Meanwhile the tile converted next (rows `next`, from column next_k0) is prefetched: rows
// are short streams (a few KB), too short for the hardware prefetcher to ramp up, and converting is where
// the weights come from memory. (Carrying this work inside dot_tile's FMA loop, whose store port is idle,
// measured slower on Zen 3: the extra µops per step cost the FMAs more than the separate pass does.)
template <int W, int R, class Wt>
NEMOTRON_INLINE void convert_rows(const typename Wt::element* const* rows, const typename Wt::element* const* next,
                                  int64_t k0, int64_t next_k0, int64_t n, float* dst, int64_t dst_stride) {
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
    for (int64_t i = 0; i < n; i += 2 * W) {
      typename Vec<W>::f32 first, second;
      Wt::template load_pair<W>(rows[r] + k0 + i, first, second);
      __builtin_prefetch(next[r] + next_k0 + i);
      store<W>(dst + r * dst_stride + i, first);
      store<W>(dst + r * dst_stride + i + W, second);
    }
}

// Where the decode kernels start a (row, token) accumulator on the first k-chunk: zeros for up to 4 tokens of
// kMaxDotLanes, read with a row stride of 0.
alignas(64) inline constexpr float kZeroAccumulators[4 * kMaxDotLanes] = {};

// The R × TT accumulators of a decode tile: from memory (acc_mem, rows acc_stride apart), or zeros on the
// first k-chunk, read with a row stride of 0 from kZeroAccumulators; and back to memory after the chunk.
template <int W, int R, int TT>
NEMOTRON_INLINE void load_accumulators(bool first, const float* acc_mem, int64_t acc_stride,
                                       typename Vec<W>::f32 (&acc)[R][TT]) {
  const float* acc_in = first ? kZeroAccumulators : acc_mem;
  const int64_t in_stride = first ? 0 : acc_stride;
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int t = 0; t < TT; ++t) load<W>(acc_in + r * in_stride + t * W, acc[r][t]);
}

template <int W, int R, int TT>
NEMOTRON_INLINE void store_accumulators(const typename Vec<W>::f32 (&acc)[R][TT], float* acc_mem, int64_t acc_stride) {
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int t = 0; t < TT; ++t) store<W>(acc_mem + r * acc_stride + t * W, acc[r][t]);
}

// Decode micro-kernel: for R converted rows (w, row stride w_stride) × TT tokens (x, row stride x_stride),
// acc(r, t) += w_r[i .. i + W) · x_t[i .. i + W) for i = 0, W, .. n, one FMA per step into one vector per
// (row, token) at acc[r · acc_stride + t · W] (starting from zero when `first`). Each pair's accumulator sees
// the same FMAs in the same order whatever tile shape, position or k-chunking it is computed in: that is
// what makes a row's result independent of the batch around it. n > 0. The accumulators always come from
// memory (zeros with stride 0 when `first`) and the loop has no zero-trip path: otherwise GCC shuffles all
// of them through the stack around every call.
template <int W, int R, int TT>
NEMOTRON_INLINE void dot_tile(const float* w, int64_t w_stride, const float* x, int64_t x_stride, int64_t n,
                              bool first, float* acc_mem, int64_t acc_stride) {
  static_assert(TT <= 4 && W <= kMaxDotLanes, "kZeroAccumulators holds one row of the tile");
  using V = typename Vec<W>::f32;
  V acc[R][TT];
  load_accumulators<W, R, TT>(first, acc_mem, acc_stride, acc);
  int64_t i = 0;
  do {
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
    i += W;
  } while (i < n);
  store_accumulators<W, R, TT>(acc, acc_mem, acc_stride);
}

// Tokens [0, n_tokens) of a decode row tile: full TT-token tiles, then one narrower tile for the rest
// (instantiated for each width below TT, so no padded token is ever computed).
template <int W, int R, int TT>
NEMOTRON_INLINE void dot_tokens(const float* w, int64_t w_stride, const float* x, int64_t x_stride,
                                int64_t n_tokens, int64_t n, bool first, float* acc, int64_t acc_stride) {
  int64_t t = 0;
  for (; t + TT <= n_tokens; t += TT)
    dot_tile<W, R, TT>(w, w_stride, x + t * x_stride, x_stride, n, first, acc + t * W, acc_stride);
  if constexpr (TT > 1) {
    if (t < n_tokens)
      dot_tokens<W, R, TT - 1>(w, w_stride, x + t * x_stride, x_stride, n_tokens - t, n, first, acc + t * W,
                               acc_stride);
  }
}

// Decode micro-kernel straight from the stored rows, for few tokens, where converting would cost more than
// it saves (bandwidth-bound): R rows (rows[r] + k0 ..) × TT tokens of x arranged by split_pairs, n a
// multiple of 2W, n > 0. Per 2W block it adds the W `first` lanes, then the W `second` lanes: exactly the FMAs, in
// the order, that dot_tile does on rows that convert_rows laid out, so either kernel may compute any pair.
// Prefetches the tile after this one (rows `next` from column next_k0), as convert_rows does.
template <int W, int R, int TT, class Wt>
NEMOTRON_INLINE void dot_tile_direct(const typename Wt::element* const* rows, const typename Wt::element* const* next,
                                     int64_t k0, int64_t next_k0, int64_t n, const float* x, int64_t x_stride,
                                     bool first, float* acc_mem, int64_t acc_stride) {
  static_assert(TT <= 4 && W <= kMaxDotLanes, "kZeroAccumulators holds one row of the tile");
  using V = typename Vec<W>::f32;
  V acc[R][TT];
  load_accumulators<W, R, TT>(first, acc_mem, acc_stride, acc);
  int64_t i = 0;
  do {
    V x_first[TT], x_second[TT];
#pragma GCC unroll 8
    for (int t = 0; t < TT; ++t) {
      load<W>(x + t * x_stride + i, x_first[t]);
      load<W>(x + t * x_stride + i + W, x_second[t]);
      keep_in_register(x_first[t]);
      keep_in_register(x_second[t]);
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      V w_first, w_second;
      Wt::template load_pair<W>(rows[r] + k0 + i, w_first, w_second);
      __builtin_prefetch(next[r] + next_k0 + i);
#pragma GCC unroll 8
      for (int t = 0; t < TT; ++t) acc[r][t] += x_first[t] * w_first;
#pragma GCC unroll 8
      for (int t = 0; t < TT; ++t) acc[r][t] += x_second[t] * w_second;
    }
    i += 2 * W;
  } while (i < n);
  store_accumulators<W, R, TT>(acc, acc_mem, acc_stride);
}

// dot_tokens for dot_tile_direct.
template <int W, int R, int TT, class Wt>
NEMOTRON_INLINE void dot_tokens_direct(const typename Wt::element* const* rows, const typename Wt::element* const* next,
                                       int64_t k0, int64_t next_k0, int64_t n, const float* x, int64_t x_stride,
                                       int64_t n_tokens, bool first, float* acc, int64_t acc_stride) {
  int64_t t = 0;
  for (; t + TT <= n_tokens; t += TT)
    dot_tile_direct<W, R, TT, Wt>(rows, next, k0, next_k0, n, x + t * x_stride, x_stride, first, acc + t * W,
                                  acc_stride);
  if constexpr (TT > 1) {
    if (t < n_tokens)
      dot_tokens_direct<W, R, TT - 1, Wt>(rows, next, k0, next_k0, n, x + t * x_stride, x_stride, n_tokens - t, first,
                                          acc + t * W, acc_stride);
  }
}

// Lane permutations for sum_lanes, as __builtin_shuffle masks over (a, b): `even` / `odd` take, within each
// 128-bit lane, the even / odd elements of a then of b (shufps); `lo` / `hi` take the even / odd 128-bit
// lanes of a then of b (vperm2f128 / vshuff32x4).
template <int W> struct LaneMasks;
template <> struct LaneMasks<4> {
  static constexpr Vec<4>::i32 even{0, 2, 4, 6}, odd{1, 3, 5, 7};
};
template <> struct LaneMasks<8> {
  static constexpr Vec<8>::i32 even{0, 2, 8, 10, 4, 6, 12, 14}, odd{1, 3, 9, 11, 5, 7, 13, 15};
  static constexpr Vec<8>::i32 lo{0, 1, 2, 3, 8, 9, 10, 11}, hi{4, 5, 6, 7, 12, 13, 14, 15};
};
template <> struct LaneMasks<16> {
  static constexpr Vec<16>::i32 even{0, 2, 16, 18, 4, 6, 20, 22, 8, 10, 24, 26, 12, 14, 28, 30};
  static constexpr Vec<16>::i32 odd{1, 3, 17, 19, 5, 7, 21, 23, 9, 11, 25, 27, 13, 15, 29, 31};
  static constexpr Vec<16>::i32 lo{0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27};
  static constexpr Vec<16>::i32 hi{4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31};
};

// v[i] = pick(v[2i], v[2i + 1], m1) + pick(v[2i], v[2i + 1], m2) for i < n / 2.
template <int W, int N, class Mask>
NEMOTRON_INLINE void add_pairs(typename Vec<W>::f32 (&v)[W], const Mask& m1, const Mask& m2) {
#pragma GCC unroll 8
  for (int i = 0; i < N / 2; ++i)
    v[i] = __builtin_shuffle(v[2 * i], v[2 * i + 1], m1) + __builtin_shuffle(v[2 * i], v[2 * i + 1], m2);
}

// Lane i of v[0] becomes the sum of v[i]'s lanes, added as a tree of adjacent pairs
// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) ..: the same additions for every lane, so every
// (row, token) gets the same sum whichever batch of W it is reduced in. About 3 shuffles and adds per sum,
// where reducing one vector alone takes about 8 dependent steps.
template <int W> NEMOTRON_INLINE void sum_lanes(typename Vec<W>::f32 (&v)[W]) {
  using M = LaneMasks<W>;
  add_pairs<W, W>(v, M::even, M::odd);  // pairs, within 128-bit lanes
  add_pairs<W, W / 2>(v, M::even, M::odd);  // quads: each 128-bit lane now holds four vectors' quad sums
  if constexpr (W >= 8) add_pairs<W, W / 4>(v, M::lo, M::hi);
  if constexpr (W >= 16) add_pairs<W, W / 8>(v, M::lo, M::hi);
}

// The W accumulators at acc (acc_stride apart) reduced by sum_lanes: lane i of `sums` is accumulator i's sum.
template <int W>
NEMOTRON_INLINE void sum_accumulators(const float* acc, int64_t acc_stride, typename Vec<W>::f32& sums) {
  typename Vec<W>::f32 v[W];
#pragma GCC unroll 16
  for (int i = 0; i < W; ++i) load<W>(acc + i * acc_stride, v[i]);
  sum_lanes<W>(v);
  sums = v[0];
}

// Finishes a decode row group: y[t, o] = sum_lanes(accumulator (o, t)) + the columns past the vector part
// [k_vec, in) one at a time + bias[o], for rows o < n_rows and every token; accumulator (o, t) is at
// acc[o · acc_stride + t · W]. Works in batches of W rows and reads whole batches (the caller's scratch holds
// them past n_rows). xs is x arranged by split_pairs (the tail unchanged), w the group's first weight row.
template <int W, class Wt>
NEMOTRON_INLINE void finish_group(const float* acc, int64_t acc_stride, int64_t n_rows, int64_t n_tokens,
                                  const float* xs, int64_t x_stride, const typename Wt::element* w, int64_t in,
                                  int64_t k_vec, const float* bias, float* y, int64_t out) {
  using V = typename Vec<W>::f32;
  int64_t o = 0;
  if (k_vec == in) {  // no k-tail: whole batches stay in vectors (the same additions as the loop below)
    for (; o + W <= n_rows; o += W) {
      V b{};
      if (bias) load<W>(bias + o, b);
      for (int64_t t = 0; t < n_tokens; ++t) {
        V sums;
        sum_accumulators<W>(acc + o * acc_stride + t * W, acc_stride, sums);
        store<W>(y + t * out + o, sums + b);
      }
    }
  }
  for (; o < n_rows; o += W)
    for (int64_t t = 0; t < n_tokens; ++t) {
      V v;
      sum_accumulators<W>(acc + o * acc_stride + t * W, acc_stride, v);
      float sums[W];
      store<W>(sums, v);
      for (int64_t i = 0; i < std::min<int64_t>(W, n_rows - o); ++i) {
        float s = sums[i];
        for (int64_t k = k_vec; k < in; ++k) s += xs[t * x_stride + k] * Wt::scalar(w + (o + i) * in + k);
        y[t * out + o + i] = s + (bias ? bias[o + i] : 0.0f);
      }
    }
}

}  // namespace nemotron::cpu::simd
