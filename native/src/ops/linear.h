// Contract: linear (a dense layer y = x · Wᵀ + b).
//   x    [n_tokens, in]          float32, contiguous
//   w    [out, in]               F32 / F16 / BF16 as stored (WeightView), used in place
//   bias [out] or nullptr        float32
//   y    [n_tokens, out]         float32, contiguous; must not alias x
// Accumulation in float32 (reference: double). Every weight element is read from memory once per call for
// the whole token block.
//
// Batch invariance: linear_decode and linear_prefill each give every token row bit-identical results
// whatever else is in the call: how many other rows, where in x the row sits, and the thread count (and
// whichever of their internal kernels, tiles or blocks the row lands in). A sequence therefore gets the
// same bits alone and inside any continuous batch as long as the engine routes its rows to the same path.
// The two paths sum in different orders, so they differ from each other by float32 rounding; so do machines
// with different vector widths (the ISA is picked once per process, so one process is consistent).
//   linear_decode   dot products, vector lanes along k: one W-lane float32 accumulator per (row, token)
//                   pair adds W products per step, k ascending; then its lanes are added in a fixed tree,
//                   then the k-tail (in % 2W), then the bias. For decode steps (any number of rows):
//                   bandwidth-bound at 1–4 tokens, compute-bound from ~8.
//   linear_prefill  the packed, register-tiled GEMM: per output element, bias then the products in k order.
//                   For prompts (it overtakes decode from ~256 tokens).
//   linear          linear_decode below 256 tokens, else linear_prefill: for callers that want speed and
//                   not invariance across calls of different sizes.
#pragma once
#include "ops/tensor_view.h"

namespace nemotron {
namespace ref { void linear(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y); }
namespace cpu {
void linear_decode(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y);
void linear_prefill(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y);
void linear(const float* x, int64_t n_tokens, const WeightView& w, const float* bias, float* y);
}  // namespace cpu
}  // namespace nemotron
