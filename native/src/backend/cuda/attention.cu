// CUDA paged decode attention. One block per (query head, sequence), kWarps warps. Each warp walks the
// keys j ≡ warp (mod kWarps): the lanes split head_dim for the q·k dot (warp-shuffle sum), and keep a
// running max, sum and weighted V for their slice of head_dim (online softmax, float32). The warps'
// partials are merged through shared memory at the end. Queries of one KV head read the same K/V rows,
// which the L2 cache serves; a split over the key range (flash-decoding) for long contexts comes later.
#include "backend/cuda/attention.cuh"

#include <stdexcept>

namespace nemotron::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kWarp = 32;
constexpr int kMaxHeadDim = 256;
constexpr int kPerLane = kMaxHeadDim / kWarp;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

__global__ void __launch_bounds__(kWarps* kWarp) decode_kernel(PagedDecodeBatch b, const float* __restrict__ q,
                                                               float scale, float* __restrict__ out) {
  const int64_t head = blockIdx.x, seq = blockIdx.y;
  const int64_t kv_head = head / (b.n_heads / b.n_kv_heads);
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  const int64_t D = b.head_dim, len = b.context_lens[seq];
  const float* qh = q + seq * b.q_stride + head * D;
  const int32_t* table = b.block_tables + seq * b.max_blocks;
  const int64_t row = b.n_kv_heads * D;

  float qv[kPerLane], acc[kPerLane];
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int64_t d = lane + i * kWarp;
    qv[i] = d < D ? qh[d] * scale : 0.0f;
    acc[i] = 0.0f;
  }
  float m = -INFINITY, l = 0.0f;
  for (int64_t j = warp; j < len; j += kWarps) {
    const int64_t pool_row = static_cast<int64_t>(table[j / b.block_tokens]) * b.block_tokens + j % b.block_tokens;
    const float* k = b.k_pool + pool_row * row + kv_head * D;
    const float* v = b.v_pool + pool_row * row + kv_head * D;
    float part = 0.0f;
#pragma unroll
    for (int i = 0; i < kPerLane; ++i) {
      const int64_t d = lane + i * kWarp;
      if (d < D) part += qv[i] * k[d];
    }
    const float score = warp_sum(part);
    const float m_new = fmaxf(m, score);
    const float rescale = expf(m - m_new);  // 0 on the first key (m = −inf)
    const float p = expf(score - m_new);
    l = l * rescale + p;
#pragma unroll
    for (int i = 0; i < kPerLane; ++i) {
      const int64_t d = lane + i * kWarp;
      acc[i] = acc[i] * rescale + (d < D ? p * v[d] : 0.0f);
    }
    m = m_new;
  }

  // Merge the warps: each rescales to the block's max.
  __shared__ float warp_m[kWarps], warp_l[kWarps];
  __shared__ float warp_acc[kWarps][kMaxHeadDim];
  if (lane == 0) {
    warp_m[warp] = m;
    warp_l[warp] = l;
  }
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int64_t d = lane + i * kWarp;
    if (d < D) warp_acc[warp][d] = acc[i];
  }
  __syncthreads();
  float m_all = -INFINITY;
  for (int w = 0; w < kWarps; ++w) m_all = fmaxf(m_all, warp_m[w]);
  float l_all = 0.0f;
  for (int w = 0; w < kWarps; ++w) l_all += warp_m[w] == -INFINITY ? 0.0f : warp_l[w] * expf(warp_m[w] - m_all);
  for (int64_t d = threadIdx.x; d < D; d += kWarps * kWarp) {
    float sum = 0.0f;
    for (int w = 0; w < kWarps; ++w)
      if (warp_m[w] != -INFINITY) sum += warp_acc[w][d] * expf(warp_m[w] - m_all);
    out[(seq * b.n_heads + head) * D + d] = sum / l_all;
  }
}

}  // namespace

void attention_decode_paged(const PagedDecodeBatch& b, const float* q, float scale, float* out, cudaStream_t stream) {
  if (b.head_dim < 1 || b.head_dim > kMaxHeadDim) throw std::invalid_argument("attention_decode_paged: head_dim must be in [1, 256]");
  if (b.n_kv_heads < 1 || b.n_heads % b.n_kv_heads != 0) throw std::invalid_argument("attention_decode_paged: n_heads must be a multiple of n_kv_heads");
  if (b.n_seqs == 0 || b.n_heads == 0) return;
  const dim3 grid(static_cast<unsigned>(b.n_heads), static_cast<unsigned>(b.n_seqs));
  decode_kernel<<<grid, kWarps * kWarp, 0, stream>>>(b, q, scale, out);
}

}  // namespace nemotron::cuda
