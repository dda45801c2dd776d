// CPU linear y[n_tokens, out] = x · Wᵀ + b with W used in its stored dtype (F32 / BF16 / F16, never
// converted as a whole). Threads take blocks of output rows, so each weight byte is read from memory
// once per call for all tokens. Few tokens: GEMV straight from the stored rows (decode, bandwidth-bound).
// Many tokens: per k-block the row block is converted into thread-local micro-panels and multiplied
// against packed token blocks by a register-tiled micro-kernel (prefill, compute-bound).
// Runtime dispatch is GCC function multiversioning: one linear_rows per x86 ISA, each with its own tile.
#include "ops/linear.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "backend/cpu/linear_kernels.h"

namespace nemotron::cpu {
namespace {
using namespace linear_detail;

constexpr int64_t kGemmMinTokens = 4;  // below this, packing costs more than the reuse it buys
constexpr int64_t kKc = 256;           // k-block: one micro-panel (kKc × NR floats, 16–32 KB) stays in L1
constexpr int64_t kTokenBlock = 192;   // packed tokens (kTokenBlock × kKc floats, 192 KB) stay in L2;
                                       // a multiple of every target's MR
constexpr int64_t kMaxRowBlock = 128;  // packed weights (≤ kMaxRowBlock × kKc floats, 128 KB) stay in L2
constexpr int64_t kRowAlign = 32;      // row blocks are multiples of every target's NR
constexpr int64_t kBlocksPerThread = 4;  // dynamic scheduling evens out uneven blocks
constexpr int64_t kMinParallelMacs = 1 << 18;  // smaller products finish before threads would wake
constexpr int64_t kAlignFloats = 16;   // 64-byte alignment for packed buffers

// Register tiles per ISA: W floats per hardware vector (wider generic vectors compile badly), MR tokens ×
// NR rows of GEMM accumulators.
template <int W_, int MR_, int NR_> struct Tile {
  static constexpr int W = W_, MR = MR_, NR = NR_;
  static_assert(NR % W == 0 && kTokenBlock % MR == 0 && kRowAlign % NR == 0);
};

struct LinearArgs {
  const float* x;
  int64_t n_tokens;
  const WeightView& w;
  const float* bias;
  float* y;
};

struct Scratch {  // one per thread, 64-byte aligned views into `storage`
  std::vector<float> storage;
  float* panel = nullptr;   // [kMaxRowBlock / NR][kKc][NR]
  float* tokens = nullptr;  // [kTokenBlock / MR][kKc][MR]
  float* row_tmp = nullptr; // [kKc]
  explicit Scratch(bool needed) {
    if (!needed) return;
    storage.resize(kMaxRowBlock * kKc + kTokenBlock * kKc + kKc + 3 * kAlignFloats);
    float* p = storage.data();
    auto take = [&p](int64_t n) {
      float* aligned = p + (-(reinterpret_cast<uintptr_t>(p) / sizeof(float)) & (kAlignFloats - 1));
      p = aligned + n;
      return aligned;
    };
    panel = take(kMaxRowBlock * kKc);
    tokens = take(kTokenBlock * kKc);
    row_tmp = take(kKc);
  }
};

// Rows [r0, r1) for few tokens: R rows at a time dotted with each token while they are hot in cache.
template <int W, class Wt>
NEMOTRON_INLINE void gemv_rows(const LinearArgs& a, int64_t r0, int64_t r1) {
  constexpr int R = 4, U = 2;  // 8 FMA chains: enough to cover latency, few enough to stay in registers
  const int64_t in = a.w.cols, out = a.w.rows;
  const auto* w = static_cast<const typename Wt::element*>(a.w.data);
  for (int64_t r = r0; r < r1; r += R) {
    const int64_t nr = std::min<int64_t>(R, r1 - r);
    for (int64_t t = 0; t < a.n_tokens; ++t) {
      float sums[R];
      if (nr == R) {
        dot_rows<W, R, U, Wt>(a.x + t * in, w + r * in, in, sums);
      } else {
        for (int64_t k = 0; k < nr; ++k) dot_rows<W, 1, U, Wt>(a.x + t * in, w + (r + k) * in, in, sums + k);
      }
      for (int64_t k = 0; k < nr; ++k) a.y[t * out + r + k] = sums[k] + (a.bias ? a.bias[r + k] : 0.0f);
    }
  }
}

// One MR × NR tile of y at (t, r) with m × n of it valid: starts from the bias (first k-block) or y,
// adds the k-block. Full tiles run in place on y; edge tiles go through a zero-padded local copy.
template <class T>
NEMOTRON_INLINE void update_tile(const LinearArgs& a, const float* xp, const float* wp, int64_t kc, bool first_k,
                                 int64_t t, int64_t r, int64_t m, int64_t n) {
  const int64_t out = a.w.rows;
  float* yt = a.y + t * out + r;
  if (m == T::MR && n == T::NR) {
    const float* c_in = !first_k ? yt : a.bias ? a.bias + r : nullptr;
    micro_kernel<T::W, T::MR, T::NR>(xp, wp, kc, c_in, first_k ? 0 : out, yt, out);
    return;
  }
  alignas(64) float tile[T::MR * T::NR];
  for (int64_t i = 0; i < T::MR; ++i)
    for (int64_t j = 0; j < T::NR; ++j) {
      const bool valid = i < m && j < n;
      tile[i * T::NR + j] = !valid ? 0.0f : !first_k ? yt[i * out + j] : a.bias ? a.bias[r + j] : 0.0f;
    }
  micro_kernel<T::W, T::MR, T::NR>(xp, wp, kc, tile, T::NR, tile, T::NR);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) yt[i * out + j] = tile[i * T::NR + j];
}

// Rows [r0, r1) for many tokens: k-blocks outermost so the packed weights are reused by every token.
template <class T, class Wt>
NEMOTRON_INLINE void gemm_rows(const LinearArgs& a, int64_t r0, int64_t r1, const Scratch& s) {
  const int64_t in = a.w.cols;
  const auto* w = static_cast<const typename Wt::element*>(a.w.data) + r0 * in;
  const int64_t n_valid = r1 - r0;
  const int64_t n_rows = (n_valid + T::NR - 1) / T::NR * T::NR;
  for (int64_t k0 = 0; k0 < in; k0 += kKc) {
    const int64_t kc = std::min(kKc, in - k0);
    pack_weights<T::W, T::NR, Wt>(w + k0, in, n_rows, n_valid, kc, s.row_tmp, s.panel);
    for (int64_t t0 = 0; t0 < a.n_tokens; t0 += kTokenBlock) {
      const int64_t tb = std::min(kTokenBlock, a.n_tokens - t0);
      for (int64_t i = 0; i < tb; i += T::MR)
        pack_tokens<T::MR>(a.x + (t0 + i) * in + k0, in, std::min<int64_t>(T::MR, tb - i), kc, s.tokens + i * kc);
      for (int64_t j = 0; j < n_rows; j += T::NR)
        for (int64_t i = 0; i < tb; i += T::MR)
          update_tile<T>(a, s.tokens + i * kc, s.panel + j * kc, kc, k0 == 0, t0 + i, r0 + j,
                         std::min<int64_t>(T::MR, tb - i), std::min<int64_t>(T::NR, n_valid - j));
    }
  }
}

template <class T, class Wt>
NEMOTRON_INLINE void rows_for_dtype(const LinearArgs& a, int64_t r0, int64_t r1, const Scratch& s) {
  if (a.n_tokens < kGemmMinTokens) {
    gemv_rows<T::W, Wt>(a, r0, r1);
  } else {
    gemm_rows<T, Wt>(a, r0, r1, s);
  }
}

template <class T>
NEMOTRON_INLINE void rows_for_tile(const LinearArgs& a, int64_t r0, int64_t r1, const Scratch& s) {
  switch (a.w.dtype) {
    case DType::F32: return rows_for_dtype<T, F32Weights>(a, r0, r1, s);
    case DType::BF16: return rows_for_dtype<T, BF16Weights>(a, r0, r1, s);
    case DType::F16: return rows_for_dtype<T, F16Weights>(a, r0, r1, s);
  }
}

// One version per ISA; the ifunc resolver GCC emits picks the best the CPU supports at load time.
// Tiles fill about 3/4 of the vector registers with accumulators (the rest hold weights + a broadcast).
#if defined(__x86_64__)
__attribute__((target("default"))) void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1, const Scratch& s) {
  rows_for_tile<Tile<4, 4, 8>>(a, r0, r1, s);  // SSE2: 8 of 16 xmm accumulate
}
__attribute__((target("avx2,fma"))) void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1, const Scratch& s) {
  rows_for_tile<Tile<8, 6, 16>>(a, r0, r1, s);  // 12 of 16 ymm accumulate
}
__attribute__((target("avx512f,fma"))) void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1,
                                                         const Scratch& s) {
  rows_for_tile<Tile<16, 8, 32>>(a, r0, r1, s);  // 16 of 32 zmm accumulate
}
#else
void linear_rows(const LinearArgs& a, int64_t r0, int64_t r1, const Scratch& s) {
  rows_for_tile<Tile<4, 6, 8>>(a, r0, r1, s);  // NEON and others: 12 of 32 q registers accumulate
}
#endif

int64_t row_block_size(int64_t out, int64_t n_threads) {
  const int64_t per_block = (out + n_threads * kBlocksPerThread - 1) / (n_threads * kBlocksPerThread);
  const int64_t aligned = (per_block + kRowAlign - 1) / kRowAlign * kRowAlign;
  return std::clamp(aligned, kRowAlign, kMaxRowBlock);
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
  const LinearArgs a{x, n_tokens, w, bias, y};
  const int64_t block = row_block_size(out, omp_get_max_threads());
  const int64_t n_blocks = (out + block - 1) / block;
  const bool gemm = n_tokens >= kGemmMinTokens;
#pragma omp parallel if (n_blocks > 1 && n_tokens * out * in >= kMinParallelMacs)
  {
    const Scratch scratch(gemm);
#pragma omp for schedule(dynamic)
    for (int64_t b = 0; b < n_blocks; ++b) linear_rows(a, b * block, std::min(out, (b + 1) * block), scratch);
  }
}

}  // namespace nemotron::cpu
