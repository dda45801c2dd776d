// The mapped checkpoint files made visible to the GPU in place (cudaHostRegister, read-only, mapped):
// on a GPU that shares memory with the CPU (Jetson's integrated GPU), weights read through these
// pointers need no second copy. On a discrete GPU the same pointers work over PCIe (slowly): how the
// path is tested on a data-centre card (NEMOTRON_CUDA_WEIGHTS_IN_PLACE=1).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backend/device_model.h"

namespace nemotron::cuda {

class HostMappings {
 public:
  HostMappings() = default;
  // Registers each range (whole pages only); a range the driver refuses is left out and the reason kept.
  explicit HostMappings(const std::vector<HostRange>& ranges);
  ~HostMappings();
  HostMappings(const HostMappings&) = delete;
  HostMappings& operator=(const HostMappings&) = delete;

  // The device address of [host, host + bytes), or null when no registered range holds all of it.
  const void* device_pointer(const void* host, int64_t bytes) const;
  const std::string& refused() const { return refused_; }

 private:
  struct Mapping {
    const unsigned char* host;
    const unsigned char* device;
    int64_t bytes;
  };
  std::vector<Mapping> mappings_;
  std::string refused_;
};

// Whether weights should be used in place on this device: an integrated GPU that can map host memory,
// or NEMOTRON_CUDA_WEIGHTS_IN_PLACE=1 (to exercise the path anywhere).
bool weights_in_place(int device);

}  // namespace nemotron::cuda
