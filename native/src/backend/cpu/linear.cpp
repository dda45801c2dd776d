// CPU linear y[n_tokens, out] = x · Wᵀ + b with W used in its stored dtype (F32 / BF16 / F16, never converted
// as a whole), on two batch-invariant paths (ops/linear.h): decode, register-tiled dot products with vector
// lanes along k, and prefill, the packed GEMM. On both, threads take blocks of output rows and never split
// k, so each weight byte is read from memory once per call for all tokens and no sum depends on the thread
// count. ISA dispatch is GCC function multiversioning: one version of each kernel entry per ISA.
#include "ops/linear.h"

#include <omp.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "backend/cpu/gemm_kernels.h"
#include "backend/cpu/linear_decode_kernels.h"
#include "backend/cpu/linear_kernels.h"

namespace nemotron::cpu {
namespace {
using namespace simd;

// linear(): the decode kernel below this many tokens, the prefill GEMM from it on. Measured on Zen 3 (AVX2,
// bf16 4352x1024 and 1024x4352, one thread): decode is ahead up to 256 tokens (at 64: 65–80 % against
// 45–65 % of the FMA peak), the GEMM from 512 (decode's x then streams from L3 for every row group).
constexpr int64_t kPrefillMinTokens = 256;

// Decode blocking, per thread: for each row group, for each token block, for each k-chunk, each R-row tile
// is converted (its [R][chunk] floats stay in L1) and dotted with the block's tokens (x's [tokens][chunk]
// stays in L2 across the group's tiles). The group's weights stay cached across its token blocks, so they
// are read from memory once per call; only their conversion repeats per block (~2 / block tokens of the
// FMA time). A row group's accumulators [group rows][block tokens][W] stay in L2 across the chunks.
constexpr int64_t kDecodeTokenBlock = 64;      // at most; larger blocks would shrink the chunks below
constexpr int64_t kDecodeXBytes = 256 << 10;   // one k-chunk of x, all of a block's tokens: half of L2
constexpr int64_t kDecodeMaxChunk = 1024;      // a tile's converted rows (≤ 16 KB) stay in L1 beside x
constexpr int64_t kDecodeMinChunk = 512;       // shorter: accumulator loads / stores weigh on the FMAs
constexpr int64_t kDecodeAccBytes = 96 << 10;  // a row group's accumulators
constexpr int64_t kDecodeMaxGroupRows = 96;
// Up to this many tokens the decode tiles read the stored rows directly: converting a tile costs two
// stores per 2W weights, which pays off once enough tokens share it (splitting pairs in every tile costs
// Zen 3 about a third of its FMA rate, converting about 2 / n_tokens of it).
constexpr int64_t kDirectMaxTokens = 4;

// Prefill (GEMM) blocking.
constexpr int64_t kKc = 256;              // k-block: one micro-panel (kKc × NR floats, 16–32 KB) stays in L1
constexpr int64_t kMaxRowBlock = 128;     // a row block's micro-panels (≤ 128 KB) stay in L2
static_assert(kMaxRowBlock % kMaxNR == 0, "row blocks hold whole micro-panels on every ISA");

constexpr int64_t kBlocksPerThread = 4;        // dynamic scheduling evens out uneven blocks
constexpr int64_t kMinParallelMacs = 1 << 18;  // smaller products finish before threads would wake
constexpr int64_t kAlignFloats = 16;           // 64-byte alignment of scratch rows

int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }
float* align64(float* p) { return p + (-(reinterpret_cast<uintptr_t>(p) / sizeof(float)) & (kAlignFloats - 1)); }

struct DecodeArgs {
  const float* xs;      // x arranged for the dtype's pair loads (split_pairs), token rows x_stride apart
  int64_t x_stride;
  int64_t n_tokens;
  const WeightView& w;
  const float* bias;
  float* y;
  int64_t token_block;  // tokens per block (the last block may have fewer)
  int64_t chunk;        // k-chunk: a multiple of 32, so of 2W on every ISA
  int64_t group_rows;   // a multiple of kDotRowAlign
};

struct PrefillArgs {
  const float* x;
  int64_t n_tokens;
  const WeightView& w;
  const float* bias;
  float* y;
  const float* packed_x;  // x as token tiles [ceil(n_tokens / MR)][in][MR]
};

// Decode rows [r0, r1), blocked as described at kDecodeTokenBlock. Each row tile is dotted with the tokens
// either straight from the stored rows (kDirect: DR-row tiles) or after converting it to float (R-row
// tiles); after the last chunk the group is finished for the block's tokens (lanes summed, scalar k-tail,
// bias). Rows past the end of a group repeat other rows and are never stored.
template <class DT, class Wt, bool kDirect>
NEMOTRON_INLINE void decode_rows_for(const DecodeArgs& a, int64_t r0, int64_t r1, float* scratch) {
  constexpr int W = DT::W, R = kDirect ? DT::DR : DT::R;
  using E = typename Wt::element;
  const int64_t in = a.w.cols, out = a.w.rows;
  const int64_t k_vec = in / (2 * W) * (2 * W);
  const E* w = static_cast<const E*>(a.w.data);
  // Scratch: the converted tile [R][w_stride], then the accumulators [group rows + W][acc_stride] (finish_group
  // reads W rows at a time). Neither row stride is a multiple of 4 KB: finish_group reads down a column.
  const int64_t w_stride = a.chunk + kAlignFloats;
  const int64_t acc_stride = a.token_block * W + kAlignFloats;
  float* converted = scratch;
  float* acc = scratch + kMaxDotRows * w_stride;
  // R row pointers from `first`, repeating `last` past it.
  auto tile_rows = [&](int64_t first, int64_t last, const E** rows) {
    for (int r = 0; r < R; ++r) rows[r] = w + std::min(first + r, last) * in;
  };
  // The tile processed after the one at (j, k0) of group [g0, g1): its first row and k0.
  auto following = [&](int64_t j, int64_t k0, int64_t g0, int64_t g1,
                       bool last_block) -> std::pair<int64_t, int64_t> {
    if (j + R < g1) return {j + R, k0};                   // the next rows of this chunk
    if (k0 + a.chunk < k_vec) return {g0, k0 + a.chunk};  // the next chunk
    if (!last_block) return {g0, 0};                      // the next token block
    return {g1, 0};                                       // the next group (possibly past the block)
  };
  for (int64_t g0 = r0; g0 < r1; g0 += a.group_rows) {
    const int64_t g1 = std::min(r1, g0 + a.group_rows);
    for (int64_t t0 = 0; t0 < a.n_tokens; t0 += a.token_block) {
      const int64_t n_tokens = std::min(a.token_block, a.n_tokens - t0);
      const float* xs = a.xs + t0 * a.x_stride;
      const bool last_block = t0 + n_tokens == a.n_tokens;
      if (k_vec == 0) std::fill(acc, acc + a.group_rows * acc_stride, 0.0f);
      for (int64_t k0 = 0; k0 < k_vec; k0 += a.chunk) {
        const int64_t n = std::min(a.chunk, k_vec - k0);
        for (int64_t j = g0; j < g1; j += R) {
          // This tile, and the one after it (prefetched while this one is read).
          const E *rows[R], *next[R];
          tile_rows(j, g1 - 1, rows);
          const auto [next_j, next_k0] = following(j, k0, g0, g1, last_block);
          tile_rows(next_j, out - 1, next);
          float* acc_j = acc + (j - g0) * acc_stride;
          if constexpr (kDirect) {
            dot_tokens_direct<W, R, DT::DTT, Wt>(rows, next, k0, next_k0, n, xs + k0, a.x_stride, n_tokens, k0 == 0,
                                                 acc_j, acc_stride);
          } else {
            convert_rows<W, R, Wt>(rows, next, k0, next_k0, n, converted, w_stride);
            dot_tokens<W, R, DT::TT>(converted, w_stride, xs + k0, a.x_stride, n_tokens, n, k0 == 0, acc_j,
                                     acc_stride);
          }
        }
      }
      finish_group<W, Wt>(acc, acc_stride, g1 - g0, n_tokens, xs, a.x_stride, w + g0 * in, in, k_vec,
                          a.bias ? a.bias + g0 : nullptr, a.y + t0 * out + g0, out);
    }
  }
}

// Prefill rows [r0, r1). Per k-block: convert the rows into micro-panels (L2), then for each token tile (L1)
// run every micro-panel. The first k-block starts from the bias, later ones from y.
template <class T, class Wt>
NEMOTRON_INLINE void prefill_rows_for(const PrefillArgs& a, int64_t r0, int64_t r1, float* panel) {
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

template <class DT, bool kDirect>
NEMOTRON_INLINE void decode_rows_for_dtype(const DecodeArgs& a, int64_t r0, int64_t r1, float* scratch) {
  switch (a.w.dtype) {
    case DType::F32: return decode_rows_for<DT, F32Weights, kDirect>(a, r0, r1, scratch);
    case DType::BF16: return decode_rows_for<DT, BF16Weights, kDirect>(a, r0, r1, scratch);
    case DType::F16: return decode_rows_for<DT, F16Weights, kDirect>(a, r0, r1, scratch);
  }
}

template <class DT>
NEMOTRON_INLINE void decode_rows_any(const DecodeArgs& a, int64_t r0, int64_t r1, float* scratch) {
  if (a.n_tokens <= kDirectMaxTokens) {
    decode_rows_for_dtype<DT, true>(a, r0, r1, scratch);
  } else {
    decode_rows_for_dtype<DT, false>(a, r0, r1, scratch);
  }
}

template <class T>
NEMOTRON_INLINE void prefill_rows_any(const PrefillArgs& a, int64_t r0, int64_t r1, float* scratch) {
  switch (a.w.dtype) {
    case DType::F32: return prefill_rows_for<T, F32Weights>(a, r0, r1, scratch);
    case DType::BF16: return prefill_rows_for<T, BF16Weights>(a, r0, r1, scratch);
    case DType::F16: return prefill_rows_for<T, F16Weights>(a, r0, r1, scratch);
  }
}

// What the callers lay out for the ISA's kernels: the GEMM tile's token count, the decode tile's lanes.
struct IsaShape {
  int64_t gemm_tokens, dot_lanes;
};

// One version per ISA; the ifunc resolver GCC emits picks the best the CPU supports at load time.
#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target("default"))) void decode_rows(const DecodeArgs& a, int64_t r0, int64_t r1, float* s) {
  decode_rows_any<DotTileSse2>(a, r0, r1, s);
}
__attribute__((target("avx2,fma"))) void decode_rows(const DecodeArgs& a, int64_t r0, int64_t r1, float* s) {
  decode_rows_any<DotTileAvx2>(a, r0, r1, s);
}
__attribute__((target("avx512f,fma"))) void decode_rows(const DecodeArgs& a, int64_t r0, int64_t r1, float* s) {
  decode_rows_any<DotTileAvx512>(a, r0, r1, s);
}
__attribute__((target("default"))) void prefill_rows(const PrefillArgs& a, int64_t r0, int64_t r1, float* s) {
  prefill_rows_any<TileSse2>(a, r0, r1, s);
}
__attribute__((target("avx2,fma"))) void prefill_rows(const PrefillArgs& a, int64_t r0, int64_t r1, float* s) {
  prefill_rows_any<TileAvx2>(a, r0, r1, s);
}
__attribute__((target("avx512f,fma"))) void prefill_rows(const PrefillArgs& a, int64_t r0, int64_t r1, float* s) {
  prefill_rows_any<TileAvx512>(a, r0, r1, s);
}
__attribute__((target("default"))) IsaShape isa_shape() { return {TileSse2::MR, DotTileSse2::W}; }
__attribute__((target("avx2,fma"))) IsaShape isa_shape() { return {TileAvx2::MR, DotTileAvx2::W}; }
__attribute__((target("avx512f,fma"))) IsaShape isa_shape() { return {TileAvx512::MR, DotTileAvx512::W}; }
#else
void decode_rows(const DecodeArgs& a, int64_t r0, int64_t r1, float* s) {
  decode_rows_any<DotTilePortable>(a, r0, r1, s);
}
void prefill_rows(const PrefillArgs& a, int64_t r0, int64_t r1, float* s) {
  prefill_rows_any<TilePortable>(a, r0, r1, s);
}
IsaShape isa_shape() { return {TilePortable::MR, DotTilePortable::W}; }
#endif

// Handles the calls with nothing to multiply; true when y is done.
bool trivial_product(int64_t n_tokens, const WeightView& w, const float* bias, float* y) {
  if (n_tokens <= 0 || w.rows <= 0) return true;
  if (w.cols > 0) return false;
  for (int64_t t = 0; t < n_tokens; ++t)  // an empty sum: y is the bias
    for (int64_t o = 0; o < w.rows; ++o) y[t * w.rows + o] = bias ? bias[o] : 0.0f;
  return true;
}

// Output rows per dynamically scheduled block: about kBlocksPerThread blocks per thread, a multiple of `align`.
int64_t block_rows(int64_t out, int64_t align, int64_t max_rows) {
  const int64_t n_threads = omp_get_max_threads();
  const int64_t per_block = (out + n_threads * kBlocksPerThread - 1) / (n_threads * kBlocksPerThread);
  return std::clamp<int64_t>(round_up(per_block, align), align, max_rows);
}

// On all threads once the product is large enough: prepare(i) for i in [0, n_prepare) (laying out x), then
// rows(r0, r1, scratch) over blocks of `block` output rows, each thread with its own scratch_floats floats
// (kept per thread across calls: allocating and zeroing them each call costs ~1 % of a decode step).
template <class Prepare, class Rows>
void run_parallel(int64_t n_macs, int64_t n_prepare, const Prepare& prepare, int64_t out, int64_t block,
                  int64_t scratch_floats, const Rows& rows) {
  const int64_t n_blocks = (out + block - 1) / block;
#pragma omp parallel if (n_macs >= kMinParallelMacs)
  {
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n_prepare; ++i) prepare(i);
    thread_local std::vector<float> scratch;  // bounded: decode's token blocks cap its size (~200 KB)
    const auto wanted = static_cast<size_t>(scratch_floats + kAlignFloats);
    if (scratch.size() < wanted) scratch.resize(wanted);
    float* s = align64(scratch.data());
#pragma omp for schedule(dynamic)
    for (int64_t b = 0; b < n_blocks; ++b) rows(b * block, std::min(out, (b + 1) * block), s);
  }
}

// Token tile i of x as [in][mr] (mr tokens side by side per column), padded by repeating the last token:
// padded rows of a tile are computed but never stored.
void pack_token_tile(const float* x, int64_t n_tokens, int64_t in, int64_t mr, int64_t tile, float* dst) {
  const int64_t t0 = tile * mr;
  for (int64_t i = 0; i < mr; ++i) {
    const float* row = x + std::min(t0 + i, n_tokens - 1) * in;
    for (int64_t k = 0; k < in; ++k) dst[k * mr + i] = row[k];
  }
}

// Decode tokens per block: at most kDecodeTokenBlock, as even as the blocks can be.
int64_t decode_token_block(int64_t n_tokens) {
  const int64_t n_blocks = (n_tokens + kDecodeTokenBlock - 1) / kDecodeTokenBlock;
  return (n_tokens + n_blocks - 1) / n_blocks;
}

// The decode k-chunk. Converted tiles: at most kDecodeMaxChunk, and as much of k as keeps x's chunk within
// kDecodeXBytes (but not below kDecodeMinChunk), split evenly over the chunks. Direct tiles: all of k, so
// that prefetching the next tile reaches a whole tile ahead.
int64_t decode_chunk(int64_t in, int64_t block_tokens) {
  if (block_tokens <= kDirectMaxTokens) return round_up(in, 32);
  const int64_t fitting = kDecodeXBytes / (block_tokens * static_cast<int64_t>(sizeof(float)));
  const int64_t target = std::clamp(fitting / 32 * 32, kDecodeMinChunk, kDecodeMaxChunk);
  const int64_t n_chunks = (in + target - 1) / target;
  return round_up((in + n_chunks - 1) / n_chunks, 32);
}

int64_t decode_group_rows(int64_t block_tokens) {
  const int64_t fitting = kDecodeAccBytes / (block_tokens * kMaxDotLanes * static_cast<int64_t>(sizeof(float)));
  return std::clamp<int64_t>(fitting / kDotRowAlign * kDotRowAlign, kDotRowAlign, kDecodeMaxGroupRows);
}

}  // namespace

void linear_decode(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y) {
  if (trivial_product(n_tokens, w, bias, y)) return;
  const int64_t out = w.rows, in = w.cols;
  const bool split = w.dtype != DType::F32;  // F32 rows load in order: x is only copied
  const int64_t lanes = isa_shape().dot_lanes;
  const int64_t x_stride = round_up(in, kAlignFloats) + kAlignFloats;  // token rows not a multiple of 4 KB apart
  const std::unique_ptr<float[]> x_buf(new float[n_tokens * x_stride + kAlignFloats]);
  float* xs = align64(x_buf.get());
  const int64_t block = decode_token_block(n_tokens);
  const DecodeArgs a{xs, x_stride, n_tokens, w, bias, y, block, decode_chunk(in, block), decode_group_rows(block)};
  const int64_t scratch =
      kMaxDotRows * (a.chunk + kAlignFloats) + (a.group_rows + kMaxDotLanes) * (block * kMaxDotLanes + kAlignFloats);
  run_parallel(
      n_tokens * out * in, n_tokens,
      [&](int64_t t) {
        if (split) {
          split_pairs(x + t * in, in, lanes, xs + t * x_stride);
        } else {
          std::copy(x + t * in, x + (t + 1) * in, xs + t * x_stride);
        }
      },
      out, block_rows(out, kDotRowAlign, round_up(out, kDotRowAlign)), scratch,
      [&](int64_t r0, int64_t r1, float* s) { decode_rows(a, r0, r1, s); });
}

void linear_prefill(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y) {
  if (trivial_product(n_tokens, w, bias, y)) return;
  const int64_t out = w.rows, in = w.cols;
  const int64_t mr = isa_shape().gemm_tokens;
  const int64_t n_tiles = (n_tokens + mr - 1) / mr;
  const std::unique_ptr<float[]> packed_x(new float[n_tiles * mr * in]);
  const PrefillArgs a{x, n_tokens, w, bias, y, packed_x.get()};
  run_parallel(
      n_tokens * out * in, n_tiles,
      [&](int64_t i) { pack_token_tile(x, n_tokens, in, mr, i, packed_x.get() + i * mr * in); }, out,
      block_rows(out, kMaxNR, kMaxRowBlock), kMaxRowBlock * kKc + kKc,
      [&](int64_t r0, int64_t r1, float* s) { prefill_rows(a, r0, r1, s); });
}

void linear(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y) {
  if (n_tokens < kPrefillMinTokens) {
    linear_decode(x, n_tokens, w, bias, y);
  } else {
    linear_prefill(x, n_tokens, w, bias, y);
  }
}

}  // namespace nemotron::cpu
