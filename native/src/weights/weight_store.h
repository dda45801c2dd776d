// The checkpoint's tensors, located by Java (nt_tensor_desc) and re-validated here against the mapped
// files: every offset and byte count must lie inside its file and match shape × dtype, so no later
// read can leave the mapping. Or tensors held in memory the store owns (from_memory: random weights),
// validated the same way. The model binds tensors by name with the shape its config implies; any tensor
// left unbound at the end is an error (finish_binding).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "nemotron/nemotron.h"
#include "ops/tensor_view.h"
#include "weights/mapped_file.h"

namespace nemotron {

// A tensor whose bytes live in memory (not in a mapped file): allocated once, uninitialised, 64-byte
// aligned; its producer fills `data` in place, then hands it to WeightStore::from_memory.
struct OwnedTensor {
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;  // at most 4 dimensions, as the checkpoint would store it
  int64_t n_bytes = 0;
  std::unique_ptr<unsigned char[], Free> data;

  // Throws std::bad_alloc when the memory is not there (guarded() reports NT_OUT_OF_MEMORY).
  static OwnedTensor allocate(std::string name, DType dtype, std::vector<int64_t> shape);
  int64_t numel() const { return n_bytes / dtype_size(dtype); }
};

class WeightStore {
 public:
  WeightStore(const char* const* file_paths, int32_t n_files, const nt_tensor_desc* tensors, int32_t n_tensors);
  // A store over tensors it takes ownership of (no copies); the same checks as for a checkpoint
  // (dtype, dimensions, bytes = shape × dtype, unique names) fail with NT_BAD_CHECKPOINT.
  static std::unique_ptr<WeightStore> from_memory(std::vector<OwnedTensor> tensors);

  // A matrix [rows, cols] used in place (shape given as the checkpoint stores it, e.g. conv1d [c, 1, k]
  // is bound with expected_shape {c, 1, k} and viewed as [c, k]).
  WeightView matrix(const std::string& name, std::initializer_list<int64_t> expected_shape);
  // A small tensor converted to float32 (norm weights, biases, A_log, D, dt_bias, conv kernels).
  std::vector<float> floats(const std::string& name, std::initializer_list<int64_t> expected_shape);
  bool has(const std::string& name) const { return index_.count(name) != 0; }
  // Fails with NT_BAD_CHECKPOINT naming the first tensor the model did not use.
  void finish_binding() const;

  // Bytes of the bound matrices used in place from mapped files; bytes the store owns for bound tensors
  // (float32 copies of small tensors, realigned copies, in-memory matrices).
  int64_t mapped_bytes() const { return mapped_bytes_; }
  // The mapped checkpoint files (a device backend on unified memory uses the weights in place).
  const std::vector<MappedFile>& files() const { return files_; }
  int64_t owned_bytes() const { return owned_bytes_; }

 private:
  struct Entry {
    nt_tensor_desc desc;
    const unsigned char* data;
    bool in_memory;  // data is one of owned_, not inside a mapped file
    bool bound;
  };
  WeightStore() = default;
  // Checks d's dtype, dimensions and byte count (`where`: the file, or "memory", for messages).
  static void check_desc(const nt_tensor_desc& d, const std::string& where);
  void add_entry(const nt_tensor_desc& d, const unsigned char* data, bool in_memory);
  Entry& bind(const std::string& name, std::initializer_list<int64_t> expected_shape);

  std::vector<MappedFile> files_;
  std::vector<OwnedTensor> owned_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::vector<unsigned char>> realigned_;  // copies of tensors whose file offset was misaligned
  int64_t mapped_bytes_ = 0;
  int64_t owned_bytes_ = 0;
};

}  // namespace nemotron
