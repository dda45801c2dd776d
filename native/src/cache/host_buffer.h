// A zero-filled block of host memory for the cache pools. calloc, not std::vector: large requests are
// served by fresh mmap pages that the kernel commits on first touch, so a generous cache budget costs
// memory only as the cache fills.
#pragma once
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/status.h"

namespace nemotron {

class HostBuffer {
 public:
  HostBuffer() = default;
  explicit HostBuffer(size_t n_bytes, const char* what) {
    if (n_bytes == 0) return;
    data_.reset(static_cast<unsigned char*>(std::calloc(n_bytes, 1)));
    require(data_ != nullptr, NT_OUT_OF_MEMORY,
            std::string("cannot reserve ") + std::to_string(n_bytes >> 20) + " MiB for the " + what +
                "; give the cache less memory");
    size_ = n_bytes;
  }
  template <class T> T* as() const { return reinterpret_cast<T*>(data_.get()); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::unique_ptr<unsigned char, Free> data_;
  size_t size_ = 0;
};

}  // namespace nemotron
