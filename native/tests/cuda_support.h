// What the CUDA op tests share: a CUDA_CHECK that fails the running case, device memory with RAII, and
// the skip rule (exit 77, ctest's SKIP_RETURN_CODE, with a message, when no device is usable: a skip is
// visible, never a pass).
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "test_support.h"

namespace nemotron::test {

#define CUDA_CHECK(call)                                                                                 \
  do {                                                                                                   \
    const cudaError_t err_ = (call);                                                                     \
    if (err_ != cudaSuccess) {                                                                           \
      ::nemotron::test::report_failure(__FILE__, __LINE__, std::string(#call) + ": " + cudaGetErrorString(err_)); \
      return;                                                                                            \
    }                                                                                                    \
  } while (0)

constexpr int kSkipExitCode = 77;

// Device memory owning its elements (RAII over cudaMalloc / cudaFree).
template <class T>
class DeviceArray {
 public:
  explicit DeviceArray(size_t n) : n_(n) { ok_ = cudaMalloc(&data_, std::max<size_t>(n, 1) * sizeof(T)) == cudaSuccess; }
  ~DeviceArray() { cudaFree(data_); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  T* get() const { return data_; }
  bool ok() const { return ok_; }
  cudaError_t upload(const std::vector<T>& v) { return cudaMemcpy(data_, v.data(), n_ * sizeof(T), cudaMemcpyHostToDevice); }
  cudaError_t download(std::vector<T>& v) const { return cudaMemcpy(v.data(), data_, n_ * sizeof(T), cudaMemcpyDeviceToHost); }

 private:
  T* data_ = nullptr;
  size_t n_;
  bool ok_ = false;
};

// True when a CUDA device is usable; otherwise prints why `test_name` is skipped.
inline bool cuda_device_usable(const char* test_name) {
  int n_devices = 0;
  const cudaError_t err = cudaGetDeviceCount(&n_devices);
  if (err == cudaSuccess && n_devices > 0) return true;
  std::printf("SKIPPED %s: no CUDA device (%s)\n", test_name, err != cudaSuccess ? cudaGetErrorString(err) : "device count 0");
  return false;
}

}  // namespace nemotron::test
