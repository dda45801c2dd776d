// A read-only memory map of one checkpoint file (RAII). Weights are used in place from it, in their
// stored dtype, so a bf16 checkpoint costs its file size in (page-cache) memory and no more.
#pragma once
#include <cstdint>
#include <string>

namespace nemotron {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws Error(NT_IO_ERROR) naming the path
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const unsigned char* data() const { return static_cast<const unsigned char*>(base_); }
  int64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* base_ = nullptr;
  int64_t size_ = 0;
};

}  // namespace nemotron
