// The inner kernels of cpu::linear, written once with GCC vector extensions and instantiated per
// instruction set by backend/cpu/linear.cpp (each target picks its vector width and register tile).
// Everything here is force-inlined so that it compiles with the ISA of the function it lands in.
// Holds: weight loads per stored dtype, the GEMV row kernel (few tokens), and the packed GEMM
// micro-kernel (many tokens). Blocking, threading and dispatch live in linear.cpp.
#pragma once
#include <cstdint>
#include <cstring>

#include "ops/tensor_view.h"

#define NEMOTRON_INLINE inline __attribute__((always_inline))

namespace nemotron::cpu::linear_detail {

template <int W> struct Vec {
  typedef float f32 __attribute__((vector_size(W * 4)));
  typedef uint32_t u32 __attribute__((vector_size(W * 4)));
  typedef int32_t i32 __attribute__((vector_size(W * 4)));
  typedef uint16_t u16 __attribute__((vector_size(W * 2)));
};

// memcpy loads: weight rows of 2-byte dtypes are only 2-byte aligned (they sit inside an mmap'ed file).
template <int W> NEMOTRON_INLINE void load(const float* p, typename Vec<W>::f32& v) { std::memcpy(&v, p, sizeof v); }
template <int W> NEMOTRON_INLINE void store(float* p, const typename Vec<W>::f32& v) { std::memcpy(p, &v, sizeof v); }

template <int W> NEMOTRON_INLINE float horizontal_sum(const typename Vec<W>::f32& v) {
  float s = 0.0f;
  for (int i = 0; i < W; ++i) s += v[i];
  return s;
}

// Stored dtypes: `element` is the storage type; load<W> converts W elements to float lanes.
struct F32Weights {
  using element = float;
  static float scalar(const float* p) { return *p; }
  template <int W> static NEMOTRON_INLINE void load(const float* p, typename Vec<W>::f32& v) { linear_detail::load<W>(p, v); }
};

struct BF16Weights {  // bf16 is the top half of a float32
  using element = uint16_t;
  static float scalar(const uint16_t* p) { return bf16_to_float(*p); }
  template <int W> static NEMOTRON_INLINE void load(const uint16_t* p, typename Vec<W>::f32& v) {
    typename Vec<W>::u16 h;
    std::memcpy(&h, p, sizeof h);
    v = (typename Vec<W>::f32)(__builtin_convertvector(h, typename Vec<W>::u32) << 16);
  }
};

struct F16Weights {
  using element = uint16_t;
  static float scalar(const uint16_t* p) { return f16_to_float(*p); }
  // Exponent and mantissa moved into float position give half_value · 2⁻¹¹²: exact for normal and
  // subnormal halves alike, so one multiply by 2¹¹² rescales both. Exponent 31 (inf/NaN) is forced to
  // 255; the sign is copied over. (A process that sets denormals-are-zero would flush subnormal halves.)
  template <int W> static NEMOTRON_INLINE void load(const uint16_t* p, typename Vec<W>::f32& v) {
    using V = Vec<W>;
    typename V::u16 h;
    std::memcpy(&h, p, sizeof h);
    const typename V::u32 u = __builtin_convertvector(h, typename V::u32);
    const typename V::f32 magnitude = (typename V::f32)((u & 0x7fffu) << 13) * 0x1p112f;
    const typename V::u32 inf_nan = (typename V::u32)((u & 0x7c00u) == 0x7c00u) & 0x7f800000u;
    v = (typename V::f32)((typename V::u32)magnitude | inf_nan | ((u & 0x8000u) << 16));
  }
};

// GEMV: R weight rows (row stride `in`) dotted with one token x[in]; sums[r] gets the R dot products.
// U accumulators per row (k unrolled U times) give R · U independent FMA chains to hide FMA latency.
template <int W, int R, int U, class Wt>
NEMOTRON_INLINE void dot_rows(const float* x, const typename Wt::element* w, int64_t in, float* sums) {
  typename Vec<W>::f32 acc[R][U] = {};
  int64_t i = 0;
  for (; i + U * W <= in; i += U * W) {
#pragma GCC unroll 4
    for (int u = 0; u < U; ++u) {
      typename Vec<W>::f32 xv, wv;
      load<W>(x + i + u * W, xv);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        Wt::template load<W>(w + r * in + i + u * W, wv);
        acc[r][u] += xv * wv;
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int u = 1; u < U; ++u) acc[r][0] += acc[r][u];
    float s = horizontal_sum<W>(acc[r][0]);
    for (int64_t j = i; j < in; ++j) s += x[j] * Wt::scalar(w + r * in + j);
    sums[r] = s;
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

// Packs m ≤ MR token rows × kc columns of x (row stride `in`) as [kc][MR], zero-padded to MR tokens,
// so the micro-kernel broadcasts from a single pointer.
template <int MR>
NEMOTRON_INLINE void pack_tokens(const float* x, int64_t in, int64_t m, int64_t kc, float* dst) {
  for (int64_t k = 0; k < kc; ++k)
    for (int i = 0; i < MR; ++i) dst[k * MR + i] = i < m ? x[i * in + k] : 0.0f;
}

// The register tile: c_out[MR][NR] = c_in + xp[kc][MR] · wp[kc][NR] (outer products, one k at a time).
// MR × NR/W vector accumulators stay in registers; C is touched only before and after the k loop.
// c_in may be nullptr (start from zero) or have stride 0 (every row starts from the bias).
template <int W, int MR, int NR>
NEMOTRON_INLINE void micro_kernel(const float* xp, const float* wp, int64_t kc, const float* c_in,
                                  int64_t c_in_stride, float* c_out, int64_t c_out_stride) {
  constexpr int NV = NR / W;
  typename Vec<W>::f32 acc[MR][NV] = {};
  if (c_in)
    for (int i = 0; i < MR; ++i)
      for (int v = 0; v < NV; ++v) load<W>(c_in + i * c_in_stride + v * W, acc[i][v]);
  for (int64_t k = 0; k < kc; ++k) {
    typename Vec<W>::f32 wv[NV];
    for (int v = 0; v < NV; ++v) load<W>(wp + k * NR + v * W, wv[v]);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const float xi = xp[k * MR + i];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] += xi * wv[v];
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) store<W>(c_out + i * c_out_stride + v * W, acc[i][v]);
}

}  // namespace nemotron::cpu::linear_detail
