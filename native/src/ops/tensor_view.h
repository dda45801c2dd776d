// Plain views shared by every op contract: a weight matrix in its stored dtype, and the dtype tag.
// Ops never own memory; the model and the sequence state own it (RAII) and hand out views.
#pragma once
#include <cstdint>

namespace nemotron {

// Storage dtypes a checkpoint may use. Values match nt_dtype in include/nemotron/nemotron.h.
enum class DType : int32_t { F32 = 0, F16 = 1, BF16 = 2 };

inline int64_t dtype_size(DType t) { return t == DType::F32 ? 4 : 2; }

// A row-major matrix [rows, cols] in its stored dtype, e.g. a Linear weight [out_features, in_features]
// used in place from the memory-mapped checkpoint (bf16 stays bf16: no doubling of memory).
struct WeightView {
  const void* data = nullptr;
  DType dtype = DType::F32;
  int64_t rows = 0;
  int64_t cols = 0;
};

// Scalar conversions used by references and by the scalar tails of the CPU kernels.
inline float bf16_to_float(uint16_t h) {
  uint32_t u = static_cast<uint32_t>(h) << 16;
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}

// Round-to-nearest-even, NaN kept quiet: the same rounding torch uses for .to(bfloat16).
inline uint16_t float_to_bf16(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

float f16_to_float(uint16_t h);  // defined in ops/tensor_view.cpp (IEEE half, subnormals included)

// Element i of a weight row, converted to float (reference paths only: slow, obvious).
inline float weight_at(const WeightView& w, int64_t row, int64_t col) {
  const int64_t i = row * w.cols + col;
  switch (w.dtype) {
    case DType::F32: return static_cast<const float*>(w.data)[i];
    case DType::BF16: return bf16_to_float(static_cast<const uint16_t*>(w.data)[i]);
    case DType::F16: return f16_to_float(static_cast<const uint16_t*>(w.data)[i]);
  }
  return 0.0f;
}

}  // namespace nemotron
