// CUDA paged prefill attention for one sequence, flash-style on float32 CUDA cores: each block owns a
// tile of kQueryTile query rows of one head and walks the key tiles up to the tile's last position,
// keeping a running max and sum per row (online softmax) and the weighted V rows in registers. K/V
// tiles are gathered from the pool through the block table into shared memory. The decode kernel
// (one query row per sequence) lives in attention.cu.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "backend/cuda/attention.cuh"

namespace nemotron::cuda {
namespace {

constexpr int kThreads = 256;  // a 16 × 16 grid of threads (ty, tx)
constexpr int kSide = 16;
constexpr int kWarps = kThreads / 32;
constexpr int kQueryTile = 64;                     // query rows of a block: ty + 16 i, i < kRows
constexpr int kRows = kQueryTile / kSide;          // query rows per thread
constexpr int kDimChunk = 4 * kSide;               // a thread's dims: 4 tx + kDimChunk c + {0..3}
constexpr int kMaxHeadDim = 256;
constexpr int kMaxChunks = kMaxHeadDim / kDimChunk;
constexpr int64_t kMaxGridY = 65535;

// Keys per tile: 64 while head_dim ≤ 64, else 32. Measured on an H100 at the 9B shape (head_dim 128,
// 2048 tokens): 2.2 ms with 32 keys (77 KB of shared memory, two blocks per SM) against 2.9 ms with 64
// (119 KB, one block). head_dim 256 takes 142 KB, under the 163 KB an sm_80 / sm_87 block may opt in to.
__host__ __device__ constexpr int key_tile(int dim_chunks) { return dim_chunks <= 1 ? 64 : 32; }

// Row pitch of the Q / K / V tiles in floats: head_dim rounded up to a float4, then to an odd number
// of float4s, so that 8 lanes reading 16 bytes each from 8 consecutive K rows hit distinct banks.
int row_pitch(int64_t head_dim) { return 4 * ((static_cast<int>(head_dim) + 3) / 4 | 1); }

template <int kChunks>
size_t shared_bytes(int pitch) {
  constexpr int kKeys = key_tile(kChunks);
  return sizeof(float) * (static_cast<size_t>(kQueryTile + 2 * kKeys) * pitch + kQueryTile * (kKeys + 4));
}

__device__ __forceinline__ float half_warp_max(float v) {  // over the 16 lanes that share a ty
#pragma unroll
  for (int offset = kSide / 2; offset > 0; offset /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

__device__ __forceinline__ float half_warp_sum(float v) {
#pragma unroll
  for (int offset = kSide / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// Grid (n_heads, query tiles, the tile with the most keys first); block (ty, tx) = threadIdx.x / 16, % 16.
// Shared memory (dynamic, floats): Q [kQueryTile][pitch] pre-scaled, K and V [kKeys][pitch], P
// [kQueryTile][kKeys + 4]; head_dim is zero-padded to a float4 so partial dims add nothing.
// Per key tile: S = Q Kᵀ with thread (ty, tx) holding rows ty + 16 i and keys tx + 16 j (float4 reads
// along head_dim); the causal mask; each row's max and sum over its 16 lanes by shuffles; P = exp(S −
// max) to shared memory; then O = O · rescale + P V with the thread holding the same rows and dims
// 4 tx + 64 c + {0..3}. Precision: float32 throughout (scores, exponentials, sums, O).
template <int kChunks>
__global__ void __launch_bounds__(kThreads) prefill_kernel(AttentionShape s, const float* __restrict__ q, PagedKv kv,
                                                            float scale, float* __restrict__ out, int pitch) {
  constexpr int kKeys = key_tile(kChunks);
  constexpr int kCols = kKeys / kSide;  // keys per thread: tx + 16 j
  constexpr int kPPitch = kKeys + 4;
  extern __shared__ float4 shared4[];
  float* sQ = reinterpret_cast<float*>(shared4);
  float* sK = sQ + kQueryTile * pitch;
  float* sV = sK + kKeys * pitch;
  float* sP = sV + kKeys * pitch;

  const int64_t head = blockIdx.x;
  const int64_t q0 = static_cast<int64_t>(gridDim.y - 1 - blockIdx.y) * kQueryTile;
  const int64_t kv_head = head / (s.n_heads / s.n_kv_heads);
  const int D = static_cast<int>(s.head_dim), D4 = (D + 3) / 4 * 4;
  const int64_t kv_row = s.n_kv_heads * s.head_dim;
  const int tx = threadIdx.x % kSide, ty = threadIdx.x / kSide;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;

  // The last real token of the tile and the keys it sees; padded rows (past n_tokens) copy its position.
  const int64_t t_last = (q0 + kQueryTile < s.n_tokens ? q0 + kQueryTile : s.n_tokens) - 1;
  const int64_t n_keys = s.n_past + t_last + 1;
  int64_t pos[kRows];
#pragma unroll
  for (int i = 0; i < kRows; ++i) {
    const int64_t t = q0 + ty + kSide * i;
    pos[i] = s.n_past + (t < t_last ? t : t_last);
  }

  for (int r = warp; r < kQueryTile; r += kWarps) {
    const int64_t t = q0 + r;
    for (int d = lane; d < D4; d += 32)
      sQ[r * pitch + d] = t < s.n_tokens && d < D ? q[t * s.q_stride + head * D + d] * scale : 0.0f;
  }

  float m[kRows], l[kRows], acc[kRows][kChunks][4];
#pragma unroll
  for (int i = 0; i < kRows; ++i) {
    m[i] = -INFINITY;
    l[i] = 0.0f;
#pragma unroll
    for (int c = 0; c < kChunks; ++c)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[i][c][e] = 0.0f;
  }

  for (int64_t k0 = 0; k0 < n_keys; k0 += kKeys) {
    __syncthreads();  // the previous tile's reads of sK, sV and sP are done
    for (int r = warp; r < kKeys; r += kWarps) {
      const int64_t p = k0 + r;
      float* k_dst = sK + r * pitch;
      float* v_dst = sV + r * pitch;
      if (p < n_keys) {
        const int64_t pool_row = static_cast<int64_t>(kv.block_table[p / kv.block_tokens]) * kv.block_tokens +
                                 p % kv.block_tokens;
        const float* k_src = kv.k_pool + pool_row * kv_row + kv_head * D;
        const float* v_src = kv.v_pool + pool_row * kv_row + kv_head * D;
        for (int d = lane; d < D4; d += 32) {
          k_dst[d] = d < D ? k_src[d] : 0.0f;
          v_dst[d] = d < D ? v_src[d] : 0.0f;
        }
      } else {  // past the tile's last key: zeros (masked below; a zero V keeps 0 · V finite)
        for (int d = lane; d < D4; d += 32) k_dst[d] = v_dst[d] = 0.0f;
      }
    }
    __syncthreads();

    float score[kRows][kCols];
#pragma unroll
    for (int i = 0; i < kRows; ++i)
#pragma unroll
      for (int j = 0; j < kCols; ++j) score[i][j] = 0.0f;
    for (int d = 0; d < D4; d += 4) {
      float4 qv[kRows], kv4[kCols];
#pragma unroll
      for (int i = 0; i < kRows; ++i) qv[i] = *reinterpret_cast<const float4*>(sQ + (ty + kSide * i) * pitch + d);
#pragma unroll
      for (int j = 0; j < kCols; ++j) kv4[j] = *reinterpret_cast<const float4*>(sK + (tx + kSide * j) * pitch + d);
#pragma unroll
      for (int i = 0; i < kRows; ++i)
#pragma unroll
        for (int j = 0; j < kCols; ++j) {
          score[i][j] = fmaf(qv[i].x, kv4[j].x, score[i][j]);
          score[i][j] = fmaf(qv[i].y, kv4[j].y, score[i][j]);
          score[i][j] = fmaf(qv[i].z, kv4[j].z, score[i][j]);
          score[i][j] = fmaf(qv[i].w, kv4[j].w, score[i][j]);
        }
    }

#pragma unroll
    for (int i = 0; i < kRows; ++i) {
      float tile_max = -INFINITY;
#pragma unroll
      for (int j = 0; j < kCols; ++j) {
        if (k0 + tx + kSide * j > pos[i]) score[i][j] = -INFINITY;  // causal (and past the tile's keys)
        tile_max = fmaxf(tile_max, score[i][j]);
      }
      const float m_new = fmaxf(m[i], half_warp_max(tile_max));
      const float base = m_new == -INFINITY ? 0.0f : m_new;  // a row with no key yet stays at zero
      const float rescale = expf(m[i] - base);                // 0 while m[i] is −inf
      float sum = 0.0f;
#pragma unroll
      for (int j = 0; j < kCols; ++j) {
        const float p = expf(score[i][j] - base);
        sP[(ty + kSide * i) * kPPitch + tx + kSide * j] = p;
        sum += p;
      }
      l[i] = l[i] * rescale + half_warp_sum(sum);
      m[i] = m_new;
#pragma unroll
      for (int c = 0; c < kChunks; ++c)
#pragma unroll
        for (int e = 0; e < 4; ++e) acc[i][c][e] *= rescale;
    }
    __syncthreads();  // P complete

    for (int k = 0; k < kKeys; k += 4) {
      float p[kRows][4];
#pragma unroll
      for (int i = 0; i < kRows; ++i) {
        const float4 p4 = *reinterpret_cast<const float4*>(sP + (ty + kSide * i) * kPPitch + k);
        p[i][0] = p4.x;
        p[i][1] = p4.y;
        p[i][2] = p4.z;
        p[i][3] = p4.w;
      }
#pragma unroll
      for (int kk = 0; kk < 4; ++kk)
#pragma unroll
        for (int c = 0; c < kChunks; ++c) {
          const int d = 4 * tx + kDimChunk * c;
          if (d < D4) {
            const float4 v = *reinterpret_cast<const float4*>(sV + (k + kk) * pitch + d);
#pragma unroll
            for (int i = 0; i < kRows; ++i) {
              acc[i][c][0] = fmaf(p[i][kk], v.x, acc[i][c][0]);
              acc[i][c][1] = fmaf(p[i][kk], v.y, acc[i][c][1]);
              acc[i][c][2] = fmaf(p[i][kk], v.z, acc[i][c][2]);
              acc[i][c][3] = fmaf(p[i][kk], v.w, acc[i][c][3]);
            }
          }
        }
    }
  }

#pragma unroll
  for (int i = 0; i < kRows; ++i) {
    const int64_t t = q0 + ty + kSide * i;
    if (t >= s.n_tokens) continue;
    float* o = out + (t * s.n_heads + head) * D;
#pragma unroll
    for (int c = 0; c < kChunks; ++c)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int d = 4 * tx + kDimChunk * c + e;
        if (d < D) o[d] = acc[i][c][e] / l[i];
      }
  }
}

template <int kChunks>
void launch(const AttentionShape& s, const float* q, const PagedKv& kv, float scale, float* out, cudaStream_t stream) {
  const int pitch = row_pitch(s.head_dim);
  const size_t bytes = shared_bytes<kChunks>(pitch);
  int device = 0, max_bytes = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err == cudaSuccess) err = cudaDeviceGetAttribute(&max_bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
  if (err != cudaSuccess) throw std::runtime_error(std::string("attention_prefill_paged: ") + cudaGetErrorString(err));
  if (bytes > static_cast<size_t>(max_bytes))
    throw std::runtime_error("attention_prefill_paged: head_dim " + std::to_string(s.head_dim) + " needs " +
                             std::to_string(bytes) + " bytes of shared memory, the device allows " +
                             std::to_string(max_bytes));
  err = cudaFuncSetAttribute(prefill_kernel<kChunks>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes));
  if (err != cudaSuccess) throw std::runtime_error(std::string("attention_prefill_paged: ") + cudaGetErrorString(err));
  const dim3 grid(static_cast<unsigned>(s.n_heads), static_cast<unsigned>((s.n_tokens + kQueryTile - 1) / kQueryTile));
  prefill_kernel<kChunks><<<grid, kThreads, bytes, stream>>>(s, q, kv, scale, out, pitch);
}

using Launch = void (*)(const AttentionShape&, const float*, const PagedKv&, float, float*, cudaStream_t);
constexpr Launch kLaunch[kMaxChunks] = {launch<1>, launch<2>, launch<3>, launch<4>};  // by ceil(head_dim / 64)

}  // namespace

void attention_prefill_paged(const AttentionShape& s, const float* q, const PagedKv& kv, float scale, float* out,
                             cudaStream_t stream) {
  if (s.head_dim < 1 || s.head_dim > kMaxHeadDim) throw std::invalid_argument("attention_prefill_paged: head_dim must be in [1, 256]");
  if (s.n_kv_heads < 1 || s.n_heads % s.n_kv_heads != 0) throw std::invalid_argument("attention_prefill_paged: n_heads must be a multiple of n_kv_heads");
  if (kv.block_tokens < 1) throw std::invalid_argument("attention_prefill_paged: block_tokens must be ≥ 1");
  if (s.n_tokens > kMaxGridY * kQueryTile) throw std::invalid_argument("attention_prefill_paged: too many tokens for one call");
  if (s.n_tokens == 0 || s.n_heads == 0) return;
  kLaunch[(s.head_dim + kDimChunk - 1) / kDimChunk - 1](s, q, kv, scale, out, stream);
}

}  // namespace nemotron::cuda
