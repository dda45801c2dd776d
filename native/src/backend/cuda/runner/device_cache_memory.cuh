// The cache pools' bytes in device memory (cache/cache_memory.h). Zeroing and copies are ordered on the
// model's stream, so a fork's slot copy or a copy-on-write block lands before the next step reads it.
// They hold the model's stream lock: work another thread queued while a decode step is being captured
// into a CUDA graph would become part of the graph.
#pragma once
#include <cuda_runtime.h>

#include <mutex>
#include <vector>

#include "backend/cuda/runner/device_buffer.cuh"
#include "cache/cache_memory.h"

namespace nemotron::cuda {

class DeviceCacheMemory final : public CacheMemory {
 public:
  DeviceCacheMemory(int device, cudaStream_t stream, std::mutex& stream_lock)
      : device_(device), stream_(stream), stream_lock_(stream_lock) {}

  void* allocate(int64_t bytes, const char* what) override {
    const std::lock_guard<std::mutex> lock(stream_lock_);
    check_cuda(cudaSetDevice(device_), "cudaSetDevice");
    buffers_.emplace_back(bytes, what);
    void* p = buffers_.back().as();
    check_cuda(cudaMemsetAsync(p, 0, static_cast<size_t>(bytes), stream_), "zeroing the cache");
    check_cuda(cudaStreamSynchronize(stream_), "zeroing the cache");
    return p;
  }
  void zero(void* p, int64_t bytes) override {
    const std::lock_guard<std::mutex> lock(stream_lock_);
    check_cuda(cudaSetDevice(device_), "cudaSetDevice");
    check_cuda(cudaMemsetAsync(p, 0, static_cast<size_t>(bytes), stream_), "zeroing a state slot");
  }
  void copy(void* dst, const void* src, int64_t bytes) override {
    const std::lock_guard<std::mutex> lock(stream_lock_);
    check_cuda(cudaSetDevice(device_), "cudaSetDevice");
    check_cuda(cudaMemcpyAsync(dst, src, static_cast<size_t>(bytes), cudaMemcpyDeviceToDevice, stream_),
               "copying cache rows");
  }

 private:
  int device_;
  cudaStream_t stream_;
  std::mutex& stream_lock_;
  std::vector<DeviceBuffer> buffers_;
};

}  // namespace nemotron::cuda
