// CUDA bf16 decode GEMV. One warp per output row: the lanes stream the row in 16-byte pieces (8 bf16
// weights per lane per step, 512 contiguous bytes per warp: coalesced), widen them to float32 by a
// shift, and FMA them with each token's x (which the L1/L2 cache serves to every warp of the block);
// a warp-shuffle sum per token ends the row. Rows whose length or alignment does not allow 16-byte
// pieces are read one element per lane instead. The weights are read exactly once per call.
#include "backend/cuda/linear.cuh"

#include <stdexcept>

namespace nemotron::cuda {
namespace {

constexpr int kWarp = 32;
constexpr int kRowsPerBlock = 8;  // one per warp

__device__ __forceinline__ float bf16_to_float(uint32_t bits16) { return __uint_as_float(bits16 << 16); }

template <int T>
__global__ void __launch_bounds__(kRowsPerBlock* kWarp) decode_gemv(const float* __restrict__ x,
                                                                    const uint16_t* __restrict__ w, int64_t rows,
                                                                    int64_t cols, const float* __restrict__ bias,
                                                                    float* __restrict__ y, bool vectorized) {
  const int lane = threadIdx.x % kWarp;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  if (row >= rows) return;
  const uint16_t* wr = w + row * cols;
  float acc[T];
#pragma unroll
  for (int t = 0; t < T; ++t) acc[t] = 0.0f;
  if (vectorized) {  // cols % 8 == 0: the 8-element pieces tile the row, lane l takes pieces l, l + 32, …
    for (int64_t k = lane * 8; k + 8 <= cols; k += kWarp * 8) {
      const uint4 packed = *reinterpret_cast<const uint4*>(wr + k);
      const uint32_t words[4] = {packed.x, packed.y, packed.z, packed.w};
      float wf[8];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        wf[2 * i] = bf16_to_float(words[i] & 0xffffu);
        wf[2 * i + 1] = bf16_to_float(words[i] >> 16);
      }
#pragma unroll
      for (int t = 0; t < T; ++t) {
        const float4 a = *reinterpret_cast<const float4*>(x + t * cols + k);
        const float4 b = *reinterpret_cast<const float4*>(x + t * cols + k + 4);
        acc[t] += wf[0] * a.x + wf[1] * a.y + wf[2] * a.z + wf[3] * a.w + wf[4] * b.x + wf[5] * b.y + wf[6] * b.z +
                  wf[7] * b.w;
      }
    }
  } else {
    for (int64_t i = lane; i < cols; i += kWarp) {
      const float wi = bf16_to_float(wr[i]);
#pragma unroll
      for (int t = 0; t < T; ++t) acc[t] += wi * x[t * cols + i];
    }
  }
#pragma unroll
  for (int t = 0; t < T; ++t) {
    float v = acc[t];
#pragma unroll
    for (int offset = kWarp / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
    if (lane == 0) y[t * rows + row] = v + (bias ? bias[row] : 0.0f);
  }
}

template <int T>
void launch(const float* x, const uint16_t* w, int64_t rows, int64_t cols, const float* bias, float* y, bool vec,
            cudaStream_t stream) {
  const unsigned blocks = static_cast<unsigned>((rows + kRowsPerBlock - 1) / kRowsPerBlock);
  decode_gemv<T><<<blocks, kRowsPerBlock * kWarp, 0, stream>>>(x, w, rows, cols, bias, y, vec);
}

}  // namespace

void linear_bf16_decode(const float* x, int64_t n_tokens, const uint16_t* w, int64_t rows, int64_t cols,
                        const float* bias, float* y, cudaStream_t stream) {
  if (n_tokens < 1 || n_tokens > kMaxDecodeTokens)
    throw std::invalid_argument("linear_bf16_decode: n_tokens must be in [1, 8]");
  if (rows == 0) return;
  // 16-byte pieces need every row and every x row to start 16-byte aligned.
  const bool vec = cols % 8 == 0 && reinterpret_cast<uintptr_t>(w) % 16 == 0 && reinterpret_cast<uintptr_t>(x) % 16 == 0;
  switch (n_tokens) {
    case 1: return launch<1>(x, w, rows, cols, bias, y, vec, stream);
    case 2: return launch<2>(x, w, rows, cols, bias, y, vec, stream);
    case 3: return launch<3>(x, w, rows, cols, bias, y, vec, stream);
    case 4: return launch<4>(x, w, rows, cols, bias, y, vec, stream);
    case 5: return launch<5>(x, w, rows, cols, bias, y, vec, stream);
    case 6: return launch<6>(x, w, rows, cols, bias, y, vec, stream);
    case 7: return launch<7>(x, w, rows, cols, bias, y, vec, stream);
    default: return launch<8>(x, w, rows, cols, bias, y, vec, stream);
  }
}

}  // namespace nemotron::cuda
