// CUDA sampling for a batch of sequences whose logits are on the device: the contract of
// ops/sampling.h (vLLM V1's stages and order, the same draw u = uniform_for_step(seed, step)) applied
// to each row of logits [n, vocab], so logits never leave the device; only the results come back.
// One block per sequence. Results agree with cpu::sample up to float rounding at the boundaries
// (a token whose probability mass sits exactly at a top_p / min_p / draw boundary).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "ops/sampling.h"

namespace nemotron::cuda {

// One sequence's parameters with every array (bias, suppressed, prompt and output ids) in device memory.
struct DeviceSamplingParams {
  SamplingParams params;  // the pointers inside point to device memory
};

// Scratch for n sequences of `vocab` logits (bytes, 256-byte aligned).
size_t sample_workspace_bytes(int64_t n, int64_t vocab);

// logits [n, vocab] (read only). params: device array [n]. results: device array [n].
// A row whose processed logits are all −inf or contain NaN / +inf gets token −1 (the caller reports it).
void sample_batch(const float* logits, int64_t n, int64_t vocab, const DeviceSamplingParams* params,
                  SampleResult* results, void* workspace, cudaStream_t stream);

}  // namespace nemotron::cuda
