// CUDA chunked SSD scan (Mamba2 prefill) for one sequence: the contract of ops/ssd_chunk_scan.h with
// every pointer in device memory. state [n_heads, head_dim, d_state] float32: the initial state is read
// from it (the sequence's slot) and the final state written back; y [n_tokens, n_heads, head_dim].
// Few launches (chunk cumsum, chunk states, state passing, chunk output), float32 accumulation and
// state. Scratch comes from `workspace` (at least ssd_chunk_scan_workspace_bytes, 256-byte aligned).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "ops/ssd.h"

namespace nemotron::cuda {
size_t ssd_chunk_scan_workspace_bytes(const SsdShape& s, int64_t n_tokens);
void ssd_chunk_scan(const SsdShape& s, const SsdInputs& in, float* state, float* y, void* workspace,
                    cudaStream_t stream);
}  // namespace nemotron::cuda
