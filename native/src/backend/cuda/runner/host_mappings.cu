// HostMappings: cudaHostRegister(ReadOnly | Mapped) per range, since the checkpoint is mapped PROT_READ.
#include "backend/cuda/runner/host_mappings.cuh"

#include <cuda_runtime.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace nemotron::cuda {

HostMappings::HostMappings(const std::vector<HostRange>& ranges) {
  const int64_t page = sysconf(_SC_PAGESIZE);
  for (const HostRange& r : ranges) {
    const int64_t bytes = r.bytes / page * page;  // the mapping's last partial page may not be registrable
    if (bytes <= 0) continue;
    void* host = const_cast<void*>(r.data);
    cudaError_t err = cudaHostRegister(host, static_cast<size_t>(bytes),
                                       cudaHostRegisterMapped | cudaHostRegisterReadOnly);
    void* device = nullptr;
    if (err == cudaSuccess) {
      err = cudaHostGetDevicePointer(&device, host, 0);
      if (err != cudaSuccess) cudaHostUnregister(host);
    }
    if (err != cudaSuccess) {
      cudaGetLastError();
      refused_ += std::string(refused_.empty() ? "" : "; ") + cudaGetErrorString(err);
      continue;
    }
    mappings_.push_back({static_cast<const unsigned char*>(r.data), static_cast<const unsigned char*>(device), bytes});
  }
}

HostMappings::~HostMappings() {
  for (const Mapping& m : mappings_) cudaHostUnregister(const_cast<unsigned char*>(m.host));
}

const void* HostMappings::device_pointer(const void* host, int64_t bytes) const {
  const auto* p = static_cast<const unsigned char*>(host);
  for (const Mapping& m : mappings_)
    if (p >= m.host && p + bytes <= m.host + m.bytes) return m.device + (p - m.host);
  return nullptr;
}

bool weights_in_place(int device) {
  if (const char* forced = std::getenv("NEMOTRON_CUDA_WEIGHTS_IN_PLACE")) return std::strcmp(forced, "0") != 0;
  int integrated = 0, can_map = 0;
  if (cudaDeviceGetAttribute(&integrated, cudaDevAttrIntegrated, device) != cudaSuccess ||
      cudaDeviceGetAttribute(&can_map, cudaDevAttrCanMapHostMemory, device) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return integrated != 0 && can_map != 0;
}

}  // namespace nemotron::cuda
