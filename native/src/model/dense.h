// A dense layer over a batch's rows: the decode kernel for the one-token rows, the prefill GEMM for
// the rest (see block_context.h for why the split keeps every sequence's result batch-invariant).
#pragma once
#include "model/block_context.h"
#include "ops/linear.h"

namespace nemotron {

inline void dense(const BlockInput& in, const float* x, const WeightView& w, const std::vector<float>& bias, float* y) {
  const float* b = bias.empty() ? nullptr : bias.data();
  const int64_t d = in.n_decode_rows;
  if (d > 0) cpu::linear_decode(x, d, w, b, y);
  if (in.n_rows > d) cpu::linear_prefill(x + d * w.cols, in.n_rows - d, w, b, y + d * w.rows);
}

}  // namespace nemotron
