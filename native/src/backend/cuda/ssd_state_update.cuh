// CUDA decode step of the Mamba2 recurrence for a batch of sequences: the contract of
// ops/ssd_state_update.h applied to each sequence, every pointer in device memory. Row i of the inputs
// (x, B, C at row stride in.stride; dt [n, n_heads]) belongs to sequence i, whose state
// [n_heads, head_dim, d_state] float32 is states[i] (a device array of device pointers: each sequence's
// slot in the state pool) and is updated in place; y [n, n_heads, head_dim]. n = in.n_tokens.
#pragma once
#include <cuda_runtime.h>

#include "ops/ssd.h"

namespace nemotron::cuda {
void ssd_state_update_batched(const SsdShape& s, const SsdInputs& in, float* const* states, float* y,
                              cudaStream_t stream);
}  // namespace nemotron::cuda
