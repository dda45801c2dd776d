// CUDA causal depthwise conv1d + SiLU, the decode step for a batch of sequences: the contract of
// ops/conv1d.h (conv1d_update) applied to each sequence, every pointer in device memory. Row i of x
// (row stride s.x_stride) belongs to sequence i, whose conv state [conv_dim, kernel − 1] is
// conv_states[i] (a device array of device pointers into the state pool); out [n, conv_dim] with
// n = s.n_tokens.
#pragma once
#include <cuda_runtime.h>

#include "ops/conv1d.h"

namespace nemotron::cuda {
// The prefill of one sequence: ops/conv1d.h's conv1d_prefill (x [n_tokens, conv_dim] at row stride
// s.x_stride; conv_state [conv_dim, kernel − 1] read as the inputs before x, then replaced by the last
// kernel − 1 inputs).
void conv1d_prefill(const ConvShape& s, const float* x, const float* weight, const float* bias, float* conv_state,
                    float* out, cudaStream_t stream);
void conv1d_update_batched(const ConvShape& s, const float* x, const float* weight, const float* bias,
                           float* const* conv_states, float* out, cudaStream_t stream);
}  // namespace nemotron::cuda
