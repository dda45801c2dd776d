// CPU linear y[n_tokens, out] = x · Wᵀ + b with W used in its stored dtype (F32 / BF16 / F16, never
// converted as a whole). Threads take blocks of output rows, so each weight byte is read from memory
// once per call for all tokens. Few tokens: GEMV straight from the stored rows (decode, bandwidth-bound).
// Many tokens: x is packed into MR-token tiles once per call; per k-block each thread converts its row
// block into micro-panels and runs the register-tiled micro-kernel over all token tiles (prefill,
// compute-bound). ISA dispatch is GCC function multiversioning: one version of each kernel entry per ISA.
#include "ops/linear.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "backend/cpu/gemm_kernels.h"
#include "backend/cpu/linear_kernels.h"

namespace nemotron::cpu {
namespace {
using namespace simd;

constexpr int64_t kGemmMinTokens = 4;     // below this, packing costs more than the reuse it buys
constexpr int64_t kKc = 256;              // k-block: one micro-panel (kKc × NR floats, 16–32 KB) stays in L1
constexpr int64_t kMaxRowBlock = 128;     // a row block's micro-panels (≤ 128 KB) stay in L2
constexpr int64_t kBlocksPerThread = 4;   // dynamic scheduling evens out uneven blocks
constexpr int64_t kMinParallelMacs = 1 << 18;  // smaller products finish before threads would wake
constexpr int64_t kAlignFloats = 16;      // 64-byte alignment of the packed buffers
static_assert(kMaxRowBlock % kMaxNR == 0, "row blocks hold whole micro-panels on every ISA");

struct LinearArgs {
  const float* x;
  int64_t n_tokens;
  const WeightView& w;
  const float* bias;
  float* y;
  const float* packed_x;  // GEMM: x as token tiles [ceil(n_tokens / MR)][in][MR]
};

float* align64(float* p) { return p + (-(reinterpret_cast<uintptr_t>(p) / sizeof(float)) & (kAlignFloats - 1)); }

// Rows [r0, r1) for few tokens: R rows at a time dotted with each token while they are hot in cache.
template <int W, class Wt>
NEMOTRON_INLINE void gemv_rows(const LinearArgs& a, int64_t r0, int64_t r1, float* scratch) {
  constexpr int R = 4;  // with two accumulators per row: 8 FMA chains, all in registers
  const int64_t in = a.w.cols, out = a.w.rows;
  const auto* w = static_cast<const typename Wt::element*>(a.w.data);
  const float* xs = a.x;
  if (Wt::kSplitPairs) {  // a few KB per row block: noise next to the block's weights
    for (int64_t t = 0; t < a.n_tokens; ++t) split_pairs<W>(a.x + t * in, in, scratch + t * in);
    xs = scratch;
  }
  for (int64_t r = r0; r < r1; r += R) {
    const int64_t nr = std::min<int64_t>(R, r1 - r);
    for (int64_t t = 0; t < a.n_tokens; ++t) {
      float sums[R];
      if (nr == R) {
        dot_rows<W, R, Wt>(xs + t * in, w + r * in, in, sums);
      } else {
        for (int64_t k = 0; k < nr; ++k) dot_rows<W, 1, Wt>(xs + t * in, w + (r + k) * in, in, sums + k);
      }
      for (int64_t k = 0; k < nr; ++k) a.y[t * out + r + k] = sums[k] + (a.bias ? a.bias[r + k] : 0.0f);
    }
  }
}

// Rows [r0, r1) for many tokens. Per k-block: convert the rows into micro-panels (L2), then for each
// token tile (L1) run every micro-panel. The first k-block starts from the bias, later ones from y.
template <class T, class Wt>
NEMOTRON_INLINE void gemm_rows(const LinearArgs& a, int64_t r0, int64_t r1, float* panel) {
  const int64_t in = a.w.cols, out = a.w.rows;
  const auto* w = static_cast<const typename Wt::element*>(a.w.data) + r0 * in;
  const int64_t n_valid = r1 - r0;
  const int64_t n_rows = (n_valid + T::NR - 1) / T::NR * T::NR;
  float* row_tmp = panel + kMaxRowBlock * kKc;
  for (int64_t k0 = 0; k0 < in; k0 += kKc) {
    const int64_t kc = std::min(kKc, in - k0);
    pack_weights<T::W, T::NR, Wt>(w + k0, in, n_rows, n_valid, kc, row_tmp, panel);
    for (int64_t t = 0; t < a.n_tokens; t += T::MR) {
      const float* xp = a.packed_x + t * in + k0 * T::MR;  // tile t / MR, columns k0 ..
      float* yt = a.y + t * out + r0;
      const float* init = k0 > 0 ? yt : a.bias ? a.bias + r0 : nullptr;
      const int64_t init_stride = k0 > 0 ? out : 0;
      const int64_t m = std::min<int64_t>(T::MR, a.n_tokens - t);
      for (int64_t j = 0; j < n_rows; j += T::NR)
        update_tile<T>(xp, T::MR, panel + j * kc, T::NR, kc, init ? init + j : nullptr, init_stride, yt + j, out, m,
                       std::min<int64_t>(T::NR, n_valid - j));
    }
  }
}

template <class T, class Wt>
NEMOTRON_INLINE void rows_for_dtype(const LinearArgs& a, int64_t r0, int64_t r1, float* scratch) {
  if (a.n_tokens < kGemmMinTokens) {
    gemv_rows<T::W, Wt>(a, r0, r1, scratch);
  } else {
    gemm_rows<T, Wt>(a, r0, r1, scratch);
  }
}

template <class T>
NEMOTRON_INLINE void rows_for_tile(const LinearArgs& a, int64_t r0, int64_t r1, float* scratch) {
  switch (a.w.dtype) {
    case DType::F32: return rows_for_dtype<T, F32Weights>(a, r0, r1, scratch);
    case DType::BF16: return rows_for_dtype<T, BF16Weights>(a, r0, r1, scratch);
    case DType::F16: return rows_for_dtype<T, F16Weights>(a, r0, r1, scratch);
  }
}

// One version per ISA; the ifunc resolver GCC emits picks the best the CPU supports at load time.
// linear_rows computes output rows [r0, r1); tile_tokens says how many tokens its GEMM tile holds.
#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target("default"))) void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1, float* s) {
  rows_for_tile<TileSse2>(a, r0, r1, s);
}
__attribute__((target("avx2,fma"))) void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1, float* s) {
  rows_for_tile<TileAvx2>(a, r0, r1, s);
}
__attribute__((target("avx512f,fma"))) void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1, float* s) {
  rows_for_tile<TileAvx512>(a, r0, r1, s);
}
__attribute__((target("default"))) int64_t tile_tokens() { return TileSse2::MR; }
__attribute__((target("avx2,fma"))) int64_t tile_tokens() { return TileAvx2::MR; }
__attribute__((target("avx512f,fma"))) int64_t tile_tokens() { return TileAvx512::MR; }
#else
void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1, float* s) { rows_for_tile<TilePortable>(a, r0, r1, s); }
int64_t tile_tokens() { return TilePortable::MR; }
#endif

int64_t row_block_size(int64_t out, int64_t n_threads) {
  const int64_t per_block = (out + n_threads * kBlocksPerThread - 1) / (n_threads * kBlocksPerThread);
  const int64_t aligned = (per_block + kMaxNR - 1) / kMaxNR * kMaxNR;
  return std::clamp<int64_t>(aligned, kMaxNR, kMaxRowBlock);
}

// Token tile i of x as [in][mr] (mr tokens side by side per column), padded by repeating the last
// token: padded rows of a tile are computed but never stored.
void pack_token_tile(const float* x, int64_t n_tokens, int64_t in, int64_t mr, int64_t tile, float* dst) {
  const int64_t t0 = tile * mr;
  for (int64_t i = 0; i < mr; ++i) {
    const float* row = x + std::min(t0 + i, n_tokens - 1) * in;
    for (int64_t k = 0; k < in; ++k) dst[k * mr + i] = row[k];
  }
}

}  // namespace

void linear(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y) {
  const int64_t out = w.rows, in = w.cols;
  if (n_tokens <= 0 || out <= 0) return;
  if (in == 0) {  // an empty sum: y is the bias
    for (int64_t t = 0; t < n_tokens; ++t)
      for (int64_t o = 0; o < out; ++o) y[t * out + o] = bias ? bias[o] : 0.0f;
    return;
  }
  const bool gemm = n_tokens >= kGemmMinTokens;
  const int64_t mr = tile_tokens();
  const int64_t n_tiles = gemm ? (n_tokens + mr - 1) / mr : 0;
  std::vector<float> packed_x(n_tiles * mr * in);
  const LinearArgs a{x, n_tokens, w, bias, y, packed_x.data()};
  const int64_t block = row_block_size(out, omp_get_max_threads());
  const int64_t n_blocks = (out + block - 1) / block;
  const int64_t scratch_floats = gemm ? kMaxRowBlock * kKc + kKc : n_tokens * in;
#pragma omp parallel if (n_tokens * out * in >= kMinParallelMacs)
  {
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n_tiles; ++i) pack_token_tile(x, n_tokens, in, mr, i, packed_x.data() + i * mr * in);
    // Per thread: the GEMM's micro-panels + one converted row slice, or the GEMV's rearranged x.
    std::vector<float> scratch(scratch_floats + kAlignFloats);
    float* s = align64(scratch.data());
#pragma omp for schedule(dynamic)
    for (int64_t b = 0; b < n_blocks; ++b) linear_rows(a, b * block, std::min(out, (b + 1) * block), s);
  }
}

}  // namespace nemotron::cpu
