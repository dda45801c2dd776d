// The model's weights in device memory, uploaded once from the bound host weights (NemotronH): matrices
// keep the checkpoint's dtype (bfloat16 or float32), small tensors are float32. The attention layer's
// q, k and v projections are stacked into one [q + 2·kv, hidden] matrix so that one GEMM reads them.
// With host mappings (unified memory, host_mappings.cuh), a matrix inside a mapped checkpoint file is
// read in place instead (the stacked q/k/v and the small float32 tensors are still copies).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "backend/cuda/dense.cuh"
#include "backend/cuda/runner/device_buffer.cuh"
#include "backend/cuda/runner/host_mappings.cuh"
#include "model/nemotron_h.h"

namespace nemotron::cuda {

struct DeviceMambaWeights {
  DeviceMatrix in_proj, out_proj;
  const float *in_proj_bias, *out_proj_bias;  // null when absent
  const float *conv_weight, *conv_bias;       // conv_bias null when absent
  const float *A, *D, *dt_bias, *norm;
};

struct DeviceAttentionWeights {
  DeviceMatrix qkv, o_proj;
  const float *qkv_bias, *o_bias;  // null when absent
};

struct DeviceMlpWeights {
  DeviceMatrix up_proj, down_proj;
  const float *up_bias, *down_bias;
};

class DeviceWeights {
 public:
  // progress(matrix bytes done, of total) is called after each matrix. Throws Error: NT_UNSUPPORTED for
  // float16 matrices, NT_OUT_OF_MEMORY when the device cannot hold the weights.
  // in_place: null, or the mapped files registered with the device.
  DeviceWeights(const NemotronH& model, const HostMappings* in_place,
                const std::function<void(int64_t, int64_t)>& progress);

  std::vector<DeviceMambaWeights> mamba;
  std::vector<DeviceAttentionWeights> attention;
  std::vector<DeviceMlpWeights> mlp;
  std::vector<const float*> layer_norm;  // per layer: the block's pre-norm [hidden]
  DeviceMatrix embedding, lm_head;
  const float* norm_f = nullptr;
  int64_t bytes() const { return bytes_; }                  // copied into device memory
  int64_t in_place_bytes() const { return in_place_bytes_; }  // read in place from the mapped files

 private:
  DeviceMatrix matrix(const WeightView& w);
  DeviceMatrix stacked(const std::vector<const WeightView*>& parts);
  const float* floats(const std::vector<float>& v);  // null for an empty vector
  void* upload(const void* host, int64_t bytes);

  std::vector<DeviceBuffer> buffers_;
  const HostMappings* in_place_;
  int64_t bytes_ = 0, in_place_bytes_ = 0;
  int64_t matrices_done_ = 0, total_ = 0;  // progress: the matrices' bytes
  std::function<void(int64_t, int64_t)> progress_;
};

}  // namespace nemotron::cuda
