// A CUDA device's limits, measured now, for the benches' ratios: read bandwidth of a streaming reduction
// over a buffer far larger than L2, and the bfloat16 GEMM peak cuBLAS reaches on a large square product
// (float32 accumulation and output, as the model's prefill GEMMs). About a second on an H100.
#pragma once

namespace nemotron::cuda {

struct DeviceLimits {
  double read_gb_s;
  double bf16_gemm_tflop_s;
};

// Throws Error(NT_INTERNAL / NT_OUT_OF_MEMORY) when a CUDA or cuBLAS call fails.
DeviceLimits measure_device_limits(int device);

}  // namespace nemotron::cuda
