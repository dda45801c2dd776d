// The checkpoint's tensors, located by Java (nt_tensor_desc) and re-validated here against the mapped
// files: every offset and byte count must lie inside its file and match shape × dtype, so no later
// read can leave the mapping. The model binds tensors by name with the shape its config implies;
// any tensor left unbound at the end is an error (finish_binding).
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "nemotron/nemotron.h"
#include "ops/tensor_view.h"
#include "weights/mapped_file.h"

namespace nemotron {

class WeightStore {
 public:
  WeightStore(const char* const* file_paths, int32_t n_files, const nt_tensor_desc* tensors, int32_t n_tensors);

  // A matrix [rows, cols] used in place (shape given as the checkpoint stores it, e.g. conv1d [c, 1, k]
  // is bound with expected_shape {c, 1, k} and viewed as [c, k]).
  WeightView matrix(const std::string& name, std::initializer_list<int64_t> expected_shape);
  // A small tensor converted to float32 (norm weights, biases, A_log, D, dt_bias, conv kernels).
  std::vector<float> floats(const std::string& name, std::initializer_list<int64_t> expected_shape);
  bool has(const std::string& name) const { return index_.count(name) != 0; }
  // Fails with NT_BAD_CHECKPOINT naming the first tensor the model did not use.
  void finish_binding() const;

  int64_t mapped_bytes() const { return mapped_bytes_; }
  int64_t owned_bytes() const { return owned_bytes_; }

 private:
  struct Entry {
    nt_tensor_desc desc;
    const unsigned char* data;
    bool bound;
  };
  Entry& bind(const std::string& name, std::initializer_list<int64_t> expected_shape);

  std::vector<MappedFile> files_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::vector<unsigned char>> realigned_;  // copies of tensors whose file offset was misaligned
  int64_t mapped_bytes_ = 0;
  int64_t owned_bytes_ = 0;
};

}  // namespace nemotron
