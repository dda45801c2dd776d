// Where the cache pools keep their bytes: host memory for the CPU backend, device memory for a GPU
// (backend/device_model.h). The pools do their bookkeeping (free lists, reference counts, block
// tables) on the host either way and touch the bytes only through this interface: zeroing a fresh
// state slot, copying a slot for a fork and a block's rows for copy on write.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "cache/host_buffer.h"

namespace nemotron {

class CacheMemory {
 public:
  virtual ~CacheMemory() = default;
  // Zero-filled bytes that live as long as this object; throws Error(NT_OUT_OF_MEMORY) naming `what`.
  virtual void* allocate(int64_t bytes, const char* what) = 0;
  virtual void zero(void* p, int64_t bytes) = 0;
  virtual void copy(void* dst, const void* src, int64_t bytes) = 0;
};

// calloc'd host memory (pages committed on first touch, see host_buffer.h).
class HostCacheMemory final : public CacheMemory {
 public:
  void* allocate(int64_t bytes, const char* what) override {
    buffers_.emplace_back(static_cast<size_t>(bytes), what);
    return buffers_.back().as<void>();
  }
  void zero(void* p, int64_t bytes) override { std::memset(p, 0, static_cast<size_t>(bytes)); }
  void copy(void* dst, const void* src, int64_t bytes) override { std::memcpy(dst, src, static_cast<size_t>(bytes)); }

 private:
  std::vector<HostBuffer> buffers_;
};

}  // namespace nemotron
