// CUDA chunked SSD scan (Mamba2 prefill) for one sequence: mamba's stages in four launches per pass of at
// most kPassTokens tokens (longer prompts run several passes, the state carried through `state`, so the
// workspace stays bounded):
//   chunk_cumsum         cs[c, h, l] = Σ_{k ≤ l} dt·A over chunk c's tokens (double), and from it
//                        weight[c, h, s] = exp(cs[last] − cs[s])·dt[s] and decay[c, h] = exp(cs[last])
//   bmm_chunk            cbt[c, g, s, l] = B[s]·C[l], once per group (its heads share it)
//   chunk_state_passing  chunk_state and state_passing fused: walking the chunks in order, states[c, h] ←
//                        the state entering chunk c, then S = decay·S + Σ_s weight[s]·B[s] ⊗ x[s]; the last
//                        S is the final state
//   chunk_scan           y[l] = exp(cs[l])·(C[l]·S_in) + Σ_{s ≤ l} cbt[s, l]·exp(cs[l] − cs[s])·dt[s]·x[s] + D·x[l]
// Chunk states are kept transposed, [d_state, head_dim], so that every tile is read and written along rows.
// Precision: float32 data and accumulation; the cumsums are double, so a decay exp(cs[l] − cs[s]) is the
// exp of its segment sum to float accuracy even where |cs| is large (fast decays); only the difference is
// rounded to float. No cumsum crosses a chunk: chunks are chained by decay[c].
#include "backend/cuda/ssd_chunk_scan.cuh"

#include <algorithm>
#include <stdexcept>

namespace nemotron::cuda {
namespace {

// The matrix stages share one block shape: 256 threads as 16 × 16, each owning a 4 × TN piece of a
// kTileM × 16·TN output tile (rows ty·4 + i, columns tx + 16·j), reducing over kTileK-deep slices staged
// in shared memory k-major; the next slice's global loads are in flight while one is multiplied.
// TN = ⌈head_dim / 16⌉ (≤ kMaxTn) so that head_dim 64 and 80 fill their tiles.
constexpr int kThreads = 256;
constexpr int kTileM = 64;
constexpr int kTileK = 16;
constexpr int kPad = 4;  // floats added to each shared row: keeps 16-byte alignment, spreads column stores
constexpr int kMaxTn = 8;
constexpr int kCumsumWarps = 8;
constexpr int64_t kPassTokens = 2048;  // tokens per pass, rounded down to whole chunks
// Longer configured chunks are cut to this (the same math; it bounds chunk_scan's staged cumsums).
constexpr int64_t kMaxChunk = 256;

struct Pass {
  SsdShape s;
  SsdInputs in;  // this pass's tokens
  int64_t chunk, n_chunks;
  double* cumsum;  // [n_chunks, n_heads, chunk]
  float* weight;   // [n_chunks, n_heads, chunk]  exp(cs[last] − cs[s])·dt[s]: token s decayed to the chunk's end
  float* decay;    // [n_chunks, n_heads]         exp(cs[last]): the whole chunk's decay
  float* cbt;      // [n_chunks, n_groups, chunk, chunk]  cbt[s, l] = B[s]·C[l], written where s, l < len
  float* states;   // [n_chunks, n_heads, d_state, head_dim]  the state entering each chunk
};

template <int TN>
struct __align__(16) Tile {
  float a[kTileK][kTileM + kPad];   // a[k][m]: row operand
  float b[kTileK][16 * TN + kPad];  // b[k][n]: column operand
};

__device__ __forceinline__ int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
__device__ __forceinline__ int64_t chunk_len(const Pass& p, int64_t c) { return min64(p.chunk, p.in.n_tokens - c * p.chunk); }

// Where this thread's r-th element of a kTileK × W slice lies. AlongRows: consecutive threads take
// consecutive m, for sources contiguous along m; AlongK: consecutive threads take consecutive k, for
// sources contiguous along k. Either way the loads are coalesced; kPad keeps AlongK's stores spread.
template <int W>
struct AlongRows {
  static constexpr int kPer = kTileK * W / kThreads;
  __device__ static int k(int r) { return (threadIdx.x + r * kThreads) / W; }
  __device__ static int m(int r) { return (threadIdx.x + r * kThreads) % W; }
};
template <int W>
struct AlongK {
  static constexpr int kPer = kTileK * W / kThreads;
  __device__ static int k(int r) { return (threadIdx.x + r * kThreads) % kTileK; }
  __device__ static int m(int r) { return (threadIdx.x + r * kThreads) / kTileK; }
};
static_assert(kTileK * kTileM % kThreads == 0 && kTileK * 16 % kThreads == 0, "slices split evenly over threads");

// acc[i][j] += Σ_k a[k][ty·4 + i] · b[k][tx + 16·j] over one staged slice.
template <int TN>
__device__ __forceinline__ void multiply_slice(const Tile<TN>& t, float (&acc)[4][TN]) {
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
#pragma unroll
  for (int k = 0; k < kTileK; ++k) {
    const float4 av = *reinterpret_cast<const float4*>(&t.a[k][ty * 4]);
    const float a[4] = {av.x, av.y, av.z, av.w};
    float b[TN];
#pragma unroll
    for (int j = 0; j < TN; ++j) b[j] = t.b[k][tx + 16 * j];
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
  }
}

// Accumulates slices 0 .. n_slices − 1 into acc: fetch(i) issues slice i's global loads into registers,
// put(tile, fetched, i) stages them in shared memory, after(i) runs once slice i is accumulated (register
// work only). Slice i + 1 is fetched before slice i is multiplied, so its loads overlap the arithmetic.
// (A second tile with one barrier a slice measured slower on an H100: 0.84 vs 0.79 ms for the 9B shape.)
template <int TN, class Fetch, class Put, class After>
__device__ __forceinline__ void accumulate(Tile<TN>& tile, int64_t n_slices, Fetch fetch, Put put, After after,
                                           float (&acc)[4][TN]) {
  auto fetched = fetch(int64_t{0});
  for (int64_t i = 0; i < n_slices; ++i) {
    put(tile, fetched, i);
    __syncthreads();
    if (i + 1 < n_slices) fetched = fetch(i + 1);
    multiply_slice(tile, acc);
    __syncthreads();  // every thread is done with the tile before the next put
    after(i);
  }
}
struct NothingAfter {
  __device__ void operator()(int64_t) const {}
};

// Grid (n_chunks, ⌈n_heads / kCumsumWarps⌉), a warp per (chunk, head): inclusive warp scans of 32 tokens
// at a time, in double, carried along the chunk; then the weights from the chunk's total.
__global__ void __launch_bounds__(kCumsumWarps * 32) chunk_cumsum_kernel(Pass p) {
  const int64_t H = p.s.n_heads;
  const int64_t c = blockIdx.x, h = static_cast<int64_t>(blockIdx.y) * kCumsumWarps + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (h >= H) return;  // whole warps leave; there is no block barrier below
  const int64_t t0 = c * p.chunk, len = chunk_len(p, c);
  const double A = p.in.A[h];
  const float* dt = p.in.dt + t0 * H + h;
  double* cs = p.cumsum + (c * H + h) * p.chunk;
  float* weight = p.weight + (c * H + h) * p.chunk;
  double carry = 0.0;
  for (int64_t base = 0; base < len; base += 32) {
    const int64_t l = base + lane;
    double v = l < len ? static_cast<double>(dt[l * H]) * A : 0.0;
#pragma unroll
    for (int offset = 1; offset < 32; offset *= 2) {
      const double up = __shfl_up_sync(0xffffffffu, v, offset);
      if (lane >= offset) v += up;
    }
    v += carry;
    if (l < len) cs[l] = v;
    carry = __shfl_sync(0xffffffffu, v, 31);
  }
  for (int64_t l = lane; l < len; l += 32) weight[l] = expf(static_cast<float>(carry - cs[l])) * dt[l * H];
  if (lane == 0) p.decay[c * H + h] = expf(static_cast<float>(carry));
}

// Grid (n_chunks, n_groups, tiles²) with tiles = ⌈chunk / 64⌉: a 64 × 64 tile of cbt[s, l] = Σ_n B[s, n]·C[l, n].
// Tiles lying wholly above the diagonal (every s > every l) are never read and are skipped.
__global__ void __launch_bounds__(kThreads) bmm_chunk_kernel(Pass p) {
  constexpr int TN = 4, W = 16 * TN;
  using Rows = AlongK<kTileM>;
  using Cols = AlongK<W>;
  __shared__ Tile<TN> tile;
  const int64_t c = blockIdx.x, g = blockIdx.y;
  const int64_t n_tiles = (p.chunk + W - 1) / W;
  const int64_t s0 = blockIdx.z / n_tiles * kTileM, l0 = blockIdx.z % n_tiles * W;
  const int64_t t0 = c * p.chunk, len = chunk_len(p, c);
  if (s0 >= len || l0 >= len || s0 > l0 + W - 1) return;  // uniform over the block, before any barrier
  const int64_t N = p.s.d_state, stride = p.in.stride;
  const float* B = p.in.B + t0 * stride + g * N;
  const float* C = p.in.C + t0 * stride + g * N;
  struct Fetched {
    float b[Rows::kPer], c[Cols::kPer];
  };
  const auto fetch = [&](int64_t i) {
    Fetched f;
#pragma unroll
    for (int r = 0; r < Rows::kPer; ++r) {
      const int64_t s = s0 + Rows::m(r), n = i * kTileK + Rows::k(r);
      f.b[r] = s < len && n < N ? B[s * stride + n] : 0.0f;
    }
#pragma unroll
    for (int r = 0; r < Cols::kPer; ++r) {
      const int64_t l = l0 + Cols::m(r), n = i * kTileK + Cols::k(r);
      f.c[r] = l < len && n < N ? C[l * stride + n] : 0.0f;
    }
    return f;
  };
  const auto put = [&](Tile<TN>& t, const Fetched& f, int64_t) {
#pragma unroll
    for (int r = 0; r < Rows::kPer; ++r) t.a[Rows::k(r)][Rows::m(r)] = f.b[r];
#pragma unroll
    for (int r = 0; r < Cols::kPer; ++r) t.b[Cols::k(r)][Cols::m(r)] = f.c[r];
  };
  float acc[4][TN] = {};
  accumulate(tile, (N + kTileK - 1) / kTileK, fetch, put, NothingAfter{}, acc);
  float* out = p.cbt + (c * p.s.n_groups + g) * p.chunk * p.chunk;
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int64_t s = s0 + ty * 4 + i, l = l0 + tx + 16 * j;
      if (s < len && l < len) out[s * p.chunk + l] = acc[i][j];
    }
}

// Grid (⌈d_state / 64⌉ · ⌈head_dim / 16·TN⌉, n_heads): a [64 n × 16·TN p] tile of one head's state,
// carried in registers (S) through the chunks in order. For each chunk the tile of its contribution
// Σ_s weight[s]·B[s, n]·x[s, p] is accumulated (the slices of all chunks form one pipelined stream, every
// chunk padded to the same slice count with zeros); at the chunk's end S is stored as the state entering
// it and becomes decay·S + contribution. S starts from and ends in `state` ([head_dim, d_state]).
template <int TN>
__global__ void __launch_bounds__(kThreads, 2) chunk_state_passing_kernel(Pass p, float* state) {
  constexpr int W = 16 * TN;
  using Rows = AlongRows<kTileM>;
  using Cols = AlongRows<W>;
  __shared__ Tile<TN> tile;
  const int64_t H = p.s.n_heads, P = p.s.head_dim, N = p.s.d_state, stride = p.in.stride;
  const int64_t h = blockIdx.y, g = h / (H / p.s.n_groups);
  const int64_t tiles_p = (P + W - 1) / W;
  const int64_t n0 = blockIdx.x / tiles_p * kTileM, p0 = blockIdx.x % tiles_p * W;
  const int64_t per_chunk = (p.chunk + kTileK - 1) / kTileK;  // slices a chunk
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  float* head_state = state + h * P * N;

  float S[4][TN];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int64_t n = n0 + ty * 4 + i, q = p0 + tx + 16 * j;
      S[i][j] = n < N && q < P ? head_state[q * N + n] : 0.0f;
    }

  struct Fetched {
    float b[Rows::kPer], w[Rows::kPer], x[Cols::kPer];
  };
  const auto fetch = [&](int64_t i) {
    const int64_t c = i / per_chunk, s0 = i % per_chunk * kTileK, len = chunk_len(p, c);
    const float* x = p.in.x + c * p.chunk * stride + h * P;
    const float* B = p.in.B + c * p.chunk * stride + g * N;
    const float* weight = p.weight + (c * H + h) * p.chunk;
    Fetched f;
#pragma unroll
    for (int r = 0; r < Rows::kPer; ++r) {
      const int64_t s = s0 + Rows::k(r), n = n0 + Rows::m(r);
      const bool in = s < len && n < N;
      f.b[r] = in ? B[s * stride + n] : 0.0f;
      f.w[r] = in ? weight[s] : 0.0f;
    }
#pragma unroll
    for (int r = 0; r < Cols::kPer; ++r) {
      const int64_t s = s0 + Cols::k(r), q = p0 + Cols::m(r);
      f.x[r] = s < len && q < P ? x[s * stride + q] : 0.0f;
    }
    return f;
  };
  const auto put = [&](Tile<TN>& t, const Fetched& f, int64_t) {
#pragma unroll
    for (int r = 0; r < Rows::kPer; ++r) t.a[Rows::k(r)][Rows::m(r)] = f.w[r] * f.b[r];
#pragma unroll
    for (int r = 0; r < Cols::kPer; ++r) t.b[Cols::k(r)][Cols::m(r)] = f.x[r];
  };
  float acc[4][TN] = {};
  const auto pass_state = [&](int64_t i) {
    if (i % per_chunk != per_chunk - 1) return;  // uniform over the block
    const int64_t c = i / per_chunk;
    const float decay = p.decay[c * H + h];
    float* entering = p.states + (c * H + h) * N * P;
#pragma unroll
    for (int ii = 0; ii < 4; ++ii)
#pragma unroll
      for (int j = 0; j < TN; ++j) {
        const int64_t n = n0 + ty * 4 + ii, q = p0 + tx + 16 * j;
        if (n < N && q < P) entering[n * P + q] = S[ii][j];
        S[ii][j] = decay * S[ii][j] + acc[ii][j];
        acc[ii][j] = 0.0f;
      }
  };
  accumulate(tile, p.n_chunks * per_chunk, fetch, put, pass_state, acc);

#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int64_t n = n0 + ty * 4 + i, q = p0 + tx + 16 * j;
      if (n < N && q < P) head_state[q * N + n] = S[i][j];
    }
}

// Grid (n_chunks, n_heads, ⌈chunk / 64⌉ · ⌈head_dim / 16·TN⌉): a [64 l × 16·TN p] tile of y. One accumulator
// takes the inter-chunk term Σ_n exp(cs[l])·C[l, n] · S_in[n, p], then the intra-chunk term
// Σ_{s ≤ l} cbt[s, l]·exp(cs[l] − cs[s])·dt[s] · x[s, p] (over the tokens up to the tile's last row; the
// causal mask zeroes the rest), then D·x[l].
template <int TN>
__global__ void __launch_bounds__(kThreads, 2) chunk_scan_kernel(Pass p, float* y) {
  constexpr int W = 16 * TN;
  __shared__ Tile<TN> tile;
  __shared__ float from_start[kTileM];   // exp(cs[l0 + m]): the carried state's decay to token l
  __shared__ double cs_rows[kTileM];     // cs[l0 + m]
  __shared__ double cs_cols[kMaxChunk];  // cs[s] and dt[s] for the tokens s < s_end
  __shared__ float dt_cols[kMaxChunk];
  const int64_t H = p.s.n_heads, P = p.s.head_dim, N = p.s.d_state, stride = p.in.stride;
  const int64_t c = blockIdx.x, h = blockIdx.y, g = h / (H / p.s.n_groups);
  const int64_t tiles_p = (P + W - 1) / W;
  const int64_t l0 = blockIdx.z / tiles_p * kTileM, p0 = blockIdx.z % tiles_p * W;
  const int64_t t0 = c * p.chunk, len = chunk_len(p, c);
  if (l0 >= len) return;  // uniform over the block, before any barrier
  const float* x = p.in.x + t0 * stride + h * P;
  const float* C = p.in.C + t0 * stride + g * N;
  const float* dt = p.in.dt + t0 * H + h;
  const double* cs = p.cumsum + (c * H + h) * p.chunk;
  const float* S = p.states + (c * H + h) * N * P;  // state entering the chunk, [N, P]
  const float* cbt = p.cbt + (c * p.s.n_groups + g) * p.chunk * p.chunk;
  const int64_t s_end = min64(len, l0 + kTileM);  // tokens the tile's rows see
  if (threadIdx.x < kTileM) {
    const int64_t l = l0 + threadIdx.x;
    cs_rows[threadIdx.x] = l < len ? cs[l] : 0.0;
    from_start[threadIdx.x] = l < len ? expf(static_cast<float>(cs[l])) : 0.0f;
  }
  for (int64_t s = threadIdx.x; s < s_end; s += kThreads) {
    cs_cols[s] = cs[s];
    dt_cols[s] = dt[s * H];
  }
  __syncthreads();
  float acc[4][TN] = {};

  {  // inter-chunk: reduce over d_state
    using Rows = AlongK<kTileM>;
    using Cols = AlongRows<W>;
    struct Fetched {
      float c[Rows::kPer], s[Cols::kPer];
    };
    const auto fetch = [&](int64_t i) {
      Fetched f;
#pragma unroll
      for (int r = 0; r < Rows::kPer; ++r) {
        const int64_t l = l0 + Rows::m(r), n = i * kTileK + Rows::k(r);
        f.c[r] = l < len && n < N ? C[l * stride + n] : 0.0f;
      }
#pragma unroll
      for (int r = 0; r < Cols::kPer; ++r) {
        const int64_t n = i * kTileK + Cols::k(r), q = p0 + Cols::m(r);
        f.s[r] = n < N && q < P ? S[n * P + q] : 0.0f;
      }
      return f;
    };
    const auto put = [&](Tile<TN>& t, const Fetched& f, int64_t) {
#pragma unroll
      for (int r = 0; r < Rows::kPer; ++r) t.a[Rows::k(r)][Rows::m(r)] = from_start[Rows::m(r)] * f.c[r];
#pragma unroll
      for (int r = 0; r < Cols::kPer; ++r) t.b[Cols::k(r)][Cols::m(r)] = f.s[r];
    };
    accumulate(tile, (N + kTileK - 1) / kTileK, fetch, put, NothingAfter{}, acc);
  }

  {  // intra-chunk: reduce over the tokens s < min(len, l0 + 64)
    using Rows = AlongRows<kTileM>;
    using Cols = AlongRows<W>;
    struct Fetched {
      float cbt[Rows::kPer], x[Cols::kPer];
    };
    const auto fetch = [&](int64_t i) {
      Fetched f;
#pragma unroll
      for (int r = 0; r < Rows::kPer; ++r) {
        const int64_t s = i * kTileK + Rows::k(r), l = l0 + Rows::m(r);
        f.cbt[r] = s <= l && l < len ? cbt[s * p.chunk + l] : 0.0f;  // s ≤ l < len: s < s_end too
      }
#pragma unroll
      for (int r = 0; r < Cols::kPer; ++r) {
        const int64_t s = i * kTileK + Cols::k(r), q = p0 + Cols::m(r);
        f.x[r] = s < len && q < P ? x[s * stride + q] : 0.0f;
      }
      return f;
    };
    const auto put = [&](Tile<TN>& t, const Fetched& f, int64_t i) {
#pragma unroll
      for (int r = 0; r < Rows::kPer; ++r) {
        const int64_t s = i * kTileK + Rows::k(r), l = l0 + Rows::m(r);
        t.a[Rows::k(r)][Rows::m(r)] =
            s <= l && l < len ? f.cbt[r] * expf(static_cast<float>(cs_rows[Rows::m(r)] - cs_cols[s])) * dt_cols[s]
                              : 0.0f;
      }
#pragma unroll
      for (int r = 0; r < Cols::kPer; ++r) t.b[Cols::k(r)][Cols::m(r)] = f.x[r];
    };
    accumulate(tile, (s_end + kTileK - 1) / kTileK, fetch, put, NothingAfter{}, acc);
  }

  const float D = p.in.D[h];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int64_t l = l0 + ty * 4 + i, q = p0 + tx + 16 * j;
      if (l < len && q < P) y[((t0 + l) * H + h) * P + q] = acc[i][j] + D * x[l * stride + q];
    }
}

// The two stages whose tiles span head_dim, by TN.
struct HeadDimKernels {
  void (*chunk_state_passing)(Pass, float*);
  void (*chunk_scan)(Pass, float*);
};
template <int TN>
constexpr HeadDimKernels kernels_for() { return {chunk_state_passing_kernel<TN>, chunk_scan_kernel<TN>}; }
constexpr HeadDimKernels kByTn[kMaxTn] = {kernels_for<1>(), kernels_for<2>(), kernels_for<3>(), kernels_for<4>(),
                                          kernels_for<5>(), kernels_for<6>(), kernels_for<7>(), kernels_for<8>()};

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
size_t align256(size_t bytes) { return (bytes + 255) / 256 * 256; }

int64_t chunk_size(const SsdShape& s) { return std::min(s.chunk_size, kMaxChunk); }
int64_t pass_tokens(const SsdShape& s) { return std::max<int64_t>(1, kPassTokens / chunk_size(s)) * chunk_size(s); }

// Workspace regions of a pass over n tokens (the chunk shrinks to n when n is shorter). Every size grows
// with n, so a workspace sized for n_tokens also serves every shorter pass.
struct Layout {
  int64_t chunk, n_chunks;
  size_t cumsum, weight, decay, cbt, states;  // bytes
  size_t total() const { return cumsum + weight + decay + cbt + states; }
};
Layout layout(const SsdShape& s, int64_t n) {
  Layout l{};
  l.chunk = std::min(chunk_size(s), n);
  l.n_chunks = ceil_div(n, l.chunk);
  l.cumsum = align256(sizeof(double) * l.n_chunks * s.n_heads * l.chunk);
  l.weight = align256(sizeof(float) * l.n_chunks * s.n_heads * l.chunk);
  l.decay = align256(sizeof(float) * l.n_chunks * s.n_heads);
  l.cbt = align256(sizeof(float) * l.n_chunks * s.n_groups * l.chunk * l.chunk);
  l.states = align256(sizeof(float) * l.n_chunks * s.n_heads * s.d_state * s.head_dim);
  return l;
}

void check_shape(const SsdShape& s) {
  constexpr int64_t kMaxGridYz = 65535;
  if (s.chunk_size < 1 || s.n_heads < 1 || s.n_groups < 1 || s.n_heads % s.n_groups != 0 || s.head_dim < 1 ||
      s.d_state < 1)
    throw std::invalid_argument("ssd_chunk_scan: bad shape (chunk_size, n_heads % n_groups, head_dim, d_state)");
  if (s.n_heads > kMaxGridYz) throw std::invalid_argument("ssd_chunk_scan: n_heads beyond the grid's y limit");
}

}  // namespace

size_t ssd_chunk_scan_workspace_bytes(const SsdShape& s, int64_t n_tokens) {
  check_shape(s);
  if (n_tokens < 1) return 0;
  return layout(s, std::min(n_tokens, pass_tokens(s))).total();
}

void ssd_chunk_scan(const SsdShape& s, const SsdInputs& in, float* state, float* y, void* workspace,
                    cudaStream_t stream) {
  check_shape(s);
  const int64_t H = s.n_heads, P = s.head_dim, N = s.d_state;
  const int tn = static_cast<int>(std::min<int64_t>(kMaxTn, ceil_div(P, 16)));
  const HeadDimKernels& k = kByTn[tn - 1];
  const int64_t tiles_p = ceil_div(P, 16 * tn), tiles_n = ceil_div(N, kTileM);
  const int64_t per_pass = pass_tokens(s);
  for (int64_t t = 0; t < in.n_tokens; t += per_pass) {
    const int64_t n = std::min(per_pass, in.n_tokens - t);
    const Layout lay = layout(s, n);
    const int64_t tiles_l = ceil_div(lay.chunk, kTileM);
    if (tiles_l * tiles_p > 65535) throw std::invalid_argument("ssd_chunk_scan: head_dim beyond the grid's z limit");
    char* ws = static_cast<char*>(workspace);
    const SsdInputs pass_in{n, in.x + t * in.stride, in.B + t * in.stride, in.C + t * in.stride, in.stride,
                            in.dt + t * H, in.A, in.D};
    Pass p{s, pass_in, lay.chunk, lay.n_chunks, nullptr, nullptr, nullptr, nullptr, nullptr};
    p.cumsum = reinterpret_cast<double*>(ws);
    p.weight = reinterpret_cast<float*>(ws += lay.cumsum);
    p.decay = reinterpret_cast<float*>(ws += lay.weight);
    p.cbt = reinterpret_cast<float*>(ws += lay.decay);
    p.states = reinterpret_cast<float*>(ws += lay.cbt);
    const unsigned chunks = static_cast<unsigned>(lay.n_chunks), heads = static_cast<unsigned>(H);
    chunk_cumsum_kernel<<<dim3(chunks, static_cast<unsigned>(ceil_div(H, kCumsumWarps))), kCumsumWarps * 32, 0,
                          stream>>>(p);
    bmm_chunk_kernel<<<dim3(chunks, static_cast<unsigned>(s.n_groups), static_cast<unsigned>(tiles_l * tiles_l)),
                       kThreads, 0, stream>>>(p);
    k.chunk_state_passing<<<dim3(static_cast<unsigned>(tiles_n * tiles_p), heads), kThreads, 0, stream>>>(p, state);
    k.chunk_scan<<<dim3(chunks, heads, static_cast<unsigned>(tiles_l * tiles_p)), kThreads, 0, stream>>>(
        p, y + t * H * P);
  }
}

}  // namespace nemotron::cuda
