// Contract: linear (a dense layer y = x · Wᵀ + b).
//   x    [n_tokens, in]          float32, contiguous
//   w    [out, in]               F32 / F16 / BF16 as stored (WeightView), used in place
//   bias [out] or nullptr        float32
//   y    [n_tokens, out]         float32, contiguous; must not alias x
// Accumulation in float32 (reference: double). Every weight element is read once per call
// for the whole token block, so decode and prefill share one kernel.
#pragma once
#include "ops/tensor_view.h"

namespace nemotron {
namespace ref { void linear(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y); }
namespace cpu { void linear(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y); }
}  // namespace nemotron
