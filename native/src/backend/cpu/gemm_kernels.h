// The register-tiled float32 GEMM core shared by cpu::linear and cpu::gemm: packing of A tiles and B
// panels from strided views, the MR × NR outer-product micro-kernel, and the tile update that handles
// edges. Blocking and threading stay with the callers. Force-inlined (see simd.h).
#pragma once
#include "backend/cpu/simd.h"

namespace nemotron::cpu::simd {

// Element (i, j) of a strided float matrix is data[i · row_stride + j · col_stride].
struct StridedView {
  const float* data;
  int64_t row_stride, col_stride;
  float at(int64_t i, int64_t j) const { return data[i * row_stride + j * col_stride]; }
};

// A[i0 .. i0 + m, k0 .. k0 + kc) as [kc][MR], zero-padded to MR rows: the micro-kernel broadcasts from it.
template <int MR>
NEMOTRON_INLINE void pack_a(const StridedView& a, int64_t i0, int64_t m, int64_t k0, int64_t kc, float* dst) {
  for (int64_t k = 0; k < kc; ++k)
    for (int i = 0; i < MR; ++i) dst[k * MR + i] = i < m ? a.at(i0 + i, k0 + k) : 0.0f;
}

// B[k0 .. k0 + kc, j0 .. j0 + n) as one panel [kc][NR], zero-padded to NR columns.
template <int NR>
NEMOTRON_INLINE void pack_b(const StridedView& b, int64_t k0, int64_t kc, int64_t j0, int64_t n, float* dst) {
  for (int64_t k = 0; k < kc; ++k)
    for (int j = 0; j < NR; ++j) dst[k * NR + j] = j < n ? b.at(k0 + k, j0 + j) : 0.0f;
}

// c_out[MR][NR] = c_in + A · B over kc steps, one rank-1 update per k: A(i, k) = ap[k · a_step + i],
// B(k, j) = bp[k · b_step + j] (packed tiles have a_step = MR and b_step = NR; operands already laid out
// that way are used in place). The MR × NR/W vector accumulators stay in registers; C is touched only
// before and after the k loop. c_in may be nullptr (start from zero) or have stride 0 (a bias row).
template <int W, int MR, int NR>
NEMOTRON_INLINE void micro_kernel(const float* ap, int64_t a_step, const float* bp, int64_t b_step, int64_t kc,
                                  const float* c_in, int64_t c_in_stride, float* c_out, int64_t c_out_stride) {
  constexpr int NV = NR / W;
  typename Vec<W>::f32 acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) {
      if (c_in) {
        load<W>(c_in + i * c_in_stride + v * W, acc[i][v]);
      } else {
        acc[i][v] = typename Vec<W>::f32{};
      }
    }
  for (int64_t k = 0; k < kc; ++k) {
    typename Vec<W>::f32 bv[NV];
    for (int v = 0; v < NV; ++v) load<W>(bp + k * b_step + v * W, bv[v]);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const float ai = ap[k * a_step + i];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] += ai * bv[v];
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) store<W>(c_out + i * c_out_stride + v * W, acc[i][v]);
}

// One tile of C (row stride ldc) with m × n of it valid: C = init + A · B, with init as c_in above.
// Full tiles run in place; edge tiles go through a zero-padded local copy. A and B must hold a full
// MR × kc and kc × NR (padded when packed).
template <class T>
NEMOTRON_INLINE void update_tile(const float* ap, int64_t a_step, const float* bp, int64_t b_step, int64_t kc,
                                 const float* init, int64_t init_stride, float* c, int64_t ldc, int64_t m, int64_t n) {
  if (m == T::MR && n == T::NR) {
    micro_kernel<T::W, T::MR, T::NR>(ap, a_step, bp, b_step, kc, init, init_stride, c, ldc);
    return;
  }
  alignas(64) float tile[T::MR * T::NR];
  for (int64_t i = 0; i < T::MR; ++i)
    for (int64_t j = 0; j < T::NR; ++j)
      tile[i * T::NR + j] = i < m && j < n && init ? init[i * init_stride + j] : 0.0f;
  micro_kernel<T::W, T::MR, T::NR>(ap, a_step, bp, b_step, kc, tile, T::NR, tile, T::NR);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = tile[i * T::NR + j];
}

}  // namespace nemotron::cpu::simd
