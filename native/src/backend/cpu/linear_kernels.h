// The dtype-aware pieces of cpu::linear: converting loads per stored dtype (F32 / BF16 / F16), the matching
// arrangement of x, and the packing of weight rows into GEMM micro-panels (prefill). The decode kernels are
// in linear_decode_kernels.h, the GEMM core in gemm_kernels.h; blocking, threading and ISA dispatch in
// linear.cpp. Force-inlined (see simd.h).
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

// Arranges one token's x[in] in the order load_pair produces for split dtypes with W lanes: per block of
// 2W, the W even-indexed elements, then the W odd-indexed ones. The tail (in % 2W) is copied unchanged.
template <int W> NEMOTRON_INLINE void split_pairs(const float* x, int64_t in, float* dst) {
  int64_t i = 0;
  for (; i + 2 * W <= in; i += 2 * W)
    for (int j = 0; j < W; ++j) {
      dst[i + j] = x[i + 2 * j];
      dst[i + W + j] = x[i + 2 * j + 1];
    }
  for (; i < in; ++i) dst[i] = x[i];
}

// split_pairs for the lanes of the ISA's decode tile (once per token and call, outside the multiversioned
// kernels; with W known, GCC turns the loop into shuffles).
inline void split_pairs(const float* x, int64_t in, int64_t lanes, float* dst) {
  switch (lanes) {
    case 4: return split_pairs<4>(x, in, dst);
    case 8: return split_pairs<8>(x, in, dst);
    default: return split_pairs<16>(x, in, dst);
  }
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
