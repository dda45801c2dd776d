// cpu::gemm: per k-block, B panels and A tiles go to the register-tiled micro-kernel of gemm_kernels.h.
// An operand already laid out as the micro-kernel reads it (A with unit row stride, B with unit column
// stride) is used in place; others, and partial edge tiles, are packed. Packing handles any strides
// (transposed operands included). Pack buffers are per thread and reused across calls.
#include "backend/cpu/gemm.h"

#include <algorithm>
#include <vector>

namespace nemotron::cpu {
namespace {
using namespace simd;

constexpr int64_t kKc = 256;  // k-block: a B micro-panel (kKc × NR floats) stays in L1

template <class T>
NEMOTRON_INLINE void gemm_tiled(int64_t m, int64_t n, int64_t k, const StridedView& a, const StridedView& b, float* c,
                                int64_t ldc, bool accumulate) {
  thread_local std::vector<float> a_pack, b_pack;
  const int64_t n_panels = (n + T::NR - 1) / T::NR;
  a_pack.resize(kKc * T::MR);
  b_pack.resize(kKc * T::NR * n_panels);
  const bool a_in_place = a.row_stride == 1, b_in_place = b.col_stride == 1;
  for (int64_t k0 = 0; k0 < k; k0 += kKc) {
    const int64_t kc = std::min(kKc, k - k0);
    for (int64_t j = 0; j < n; j += T::NR)
      if (!b_in_place || n - j < T::NR) pack_b<T::NR>(b, k0, kc, j, std::min<int64_t>(T::NR, n - j), &b_pack[j * kc]);
    const bool from_c = accumulate || k0 > 0;
    for (int64_t i = 0; i < m; i += T::MR) {
      const int64_t mi = std::min<int64_t>(T::MR, m - i);
      const bool a_direct = a_in_place && mi == T::MR;
      if (!a_direct) pack_a<T::MR>(a, i, mi, k0, kc, a_pack.data());
      const float* ap = a_direct ? &a.data[i + k0 * a.col_stride] : a_pack.data();
      const int64_t a_step = a_direct ? a.col_stride : T::MR;
      for (int64_t j = 0; j < n; j += T::NR) {
        const int64_t nj = std::min<int64_t>(T::NR, n - j);
        const bool b_direct = b_in_place && nj == T::NR;
        const float* bp = b_direct ? &b.data[k0 * b.row_stride + j] : &b_pack[j * kc];
        float* ct = c + i * ldc + j;
        update_tile<T>(ap, a_step, bp, b_direct ? b.row_stride : T::NR, kc, from_c ? ct : nullptr, ldc, ct, ldc, mi,
                       nj);
      }
    }
  }
}

#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target("default"))) void gemm_isa(int64_t m, int64_t n, int64_t k, const StridedView& a,
                                                 const StridedView& b, float* c, int64_t ldc, bool accumulate) {
  gemm_tiled<TileSse2>(m, n, k, a, b, c, ldc, accumulate);
}
__attribute__((target("avx2,fma"))) void gemm_isa(int64_t m, int64_t n, int64_t k, const StridedView& a,
                                                  const StridedView& b, float* c, int64_t ldc, bool accumulate) {
  gemm_tiled<TileAvx2>(m, n, k, a, b, c, ldc, accumulate);
}
__attribute__((target("avx512f,fma"))) void gemm_isa(int64_t m, int64_t n, int64_t k, const StridedView& a,
                                                     const StridedView& b, float* c, int64_t ldc, bool accumulate) {
  gemm_tiled<TileAvx512>(m, n, k, a, b, c, ldc, accumulate);
}
#else
void gemm_isa(int64_t m, int64_t n, int64_t k, const StridedView& a, const StridedView& b, float* c, int64_t ldc,
              bool accumulate) {
  gemm_tiled<TilePortable>(m, n, k, a, b, c, ldc, accumulate);
}
#endif

}  // namespace

void gemm(int64_t m, int64_t n, int64_t k, const StridedView& a, const StridedView& b, float* c, int64_t ldc,
          bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {  // an empty sum
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  gemm_isa(m, n, k, a, b, c, ldc, accumulate);
}

}  // namespace nemotron::cpu
