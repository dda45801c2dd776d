// CUDA runtime errors as the core's errors: out of memory is NT_OUT_OF_MEMORY (the caller can give the
// cache less memory), everything else NT_INTERNAL naming the call that failed.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "engine/status.h"

namespace nemotron::cuda {

inline void check_cuda(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return;
  cudaGetLastError();  // clear a sticky-free error so the next call starts clean
  fail(err == cudaErrorMemoryAllocation ? NT_OUT_OF_MEMORY : NT_INTERNAL,
       std::string(what) + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

}  // namespace nemotron::cuda
