// Owners of device and pinned host memory (RAII over cudaMalloc / cudaMallocHost). reserve() grows a
// buffer to at least the asked size, dropping its contents: scratch that a step sizes for its rows.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <string>
#include <utility>

#include "backend/cuda/runner/cuda_check.cuh"

namespace nemotron::cuda {

template <bool kPinnedHost>
class Buffer {
 public:
  Buffer() = default;
  // Exactly `bytes` (weights, cache pools).
  explicit Buffer(int64_t bytes, const char* what) { allocate(bytes, what); }
  ~Buffer() { release(); }
  Buffer(Buffer&& other) noexcept : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // Scratch: at least `bytes`, rounded up to whole MiB so that a slowly growing batch does not
  // reallocate at every step. Contents are lost when it grows.
  // Returns whether it moved (so that what captured its address, a CUDA graph, knows to start over).
  bool reserve(int64_t bytes, const char* what) {
    if (bytes <= bytes_) return false;
    allocate((bytes + (int64_t{1} << 20) - 1) / (int64_t{1} << 20) * (int64_t{1} << 20), what);
    return true;
  }
  template <class T = void>
  T* as() const { return static_cast<T*>(data_); }
  int64_t bytes() const { return bytes_; }

 private:
  void allocate(int64_t bytes, const char* what) {
    release();
    if (bytes <= 0) return;
    const cudaError_t err = kPinnedHost ? cudaMallocHost(&data_, static_cast<size_t>(bytes))
                                        : cudaMalloc(&data_, static_cast<size_t>(bytes));
    if (err != cudaSuccess) data_ = nullptr;
    check_cuda(err, (std::string("allocating ") + std::to_string(bytes >> 20) + " MiB for " + what).c_str());
    bytes_ = bytes;
  }
  void release() {
    if (data_) kPinnedHost ? cudaFreeHost(data_) : cudaFree(data_);
    data_ = nullptr;
    bytes_ = 0;
  }
  void* data_ = nullptr;
  int64_t bytes_ = 0;
};

using DeviceBuffer = Buffer<false>;
using PinnedBuffer = Buffer<true>;

}  // namespace nemotron::cuda
