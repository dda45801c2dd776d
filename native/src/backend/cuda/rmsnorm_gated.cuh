// CUDA grouped gated RMSNorm (Mamba2, norm_before_gate = false): the contract is ops/rmsnorm_gated.h,
// with every pointer in device memory. One entry point; the launch is asynchronous on `stream`.
#pragma once
#include <cuda_runtime.h>

#include "ops/rmsnorm_gated.h"

namespace nemotron::cuda {
void rmsnorm_gated(const GatedNormShape& s, const float* y, const float* z, const float* weight, float eps, float* out,
                   cudaStream_t stream);
}  // namespace nemotron::cuda
