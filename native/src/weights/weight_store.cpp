// WeightStore: validation of tensor descriptors against the mapped files (or of in-memory tensors), and
// binding by name.
#include "weights/weight_store.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

#include "engine/status.h"

namespace nemotron {
namespace {

std::string shape_text(const int64_t* dims, int64_t n) {
  std::string s = "[";
  for (int64_t i = 0; i < n; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

int64_t checked_numel(const nt_tensor_desc& d, const std::string& name) {
  int64_t numel = 1;
  for (int32_t i = 0; i < d.n_dims; ++i) {
    require(d.shape[i] >= 0, NT_BAD_CHECKPOINT, "tensor " + name + " has a negative dimension");
    if (d.shape[i] != 0 && numel > std::numeric_limits<int64_t>::max() / 8 / d.shape[i])
      fail(NT_BAD_CHECKPOINT, "tensor " + name + " has an impossibly large shape");
    numel *= d.shape[i];
  }
  return numel;
}

}  // namespace

OwnedTensor OwnedTensor::allocate(std::string name, DType dtype, std::vector<int64_t> shape) {
  constexpr size_t kAlign = 64;  // a cache line: kernels' vector loads never straddle one needlessly
  int64_t numel = 1;
  for (int64_t d : shape) {
    require(d >= 0 && (d == 0 || numel <= std::numeric_limits<int64_t>::max() / 8 / d), NT_BAD_CHECKPOINT,
            "tensor " + name + " has an impossible shape");
    numel *= d;
  }
  OwnedTensor t{std::move(name), dtype, std::move(shape), numel * dtype_size(dtype), nullptr};
  const size_t size = (static_cast<size_t>(t.n_bytes) + kAlign - 1) / kAlign * kAlign;
  t.data.reset(static_cast<unsigned char*>(std::aligned_alloc(kAlign, std::max(size, kAlign))));
  if (!t.data) throw std::bad_alloc();
  return t;
}

WeightStore::WeightStore(const char* const* file_paths, int32_t n_files, const nt_tensor_desc* tensors,
                         int32_t n_tensors) {
  require(n_files >= 0 && n_tensors >= 0 && (n_files == 0 || file_paths) && (n_tensors == 0 || tensors),
          NT_INVALID_ARGUMENT, "nt_model_load: null file or tensor arrays");
  files_.reserve(static_cast<size_t>(n_files));
  for (int32_t i = 0; i < n_files; ++i) {
    require(file_paths[i] != nullptr, NT_INVALID_ARGUMENT, "nt_model_load: null file path");
    files_.emplace_back(file_paths[i]);
  }
  entries_.reserve(static_cast<size_t>(n_tensors));
  for (int32_t i = 0; i < n_tensors; ++i) {
    const nt_tensor_desc& d = tensors[i];
    require(std::memchr(d.name, '\0', NT_MAX_NAME) != nullptr, NT_INVALID_ARGUMENT, "tensor name not terminated");
    const std::string name(d.name);
    require(d.file_index >= 0 && d.file_index < n_files, NT_INVALID_ARGUMENT,
            "tensor " + name + " refers to file #" + std::to_string(d.file_index));
    const MappedFile& file = files_[static_cast<size_t>(d.file_index)];
    check_desc(d, file.path());
    require(d.offset >= 0 && d.offset <= file.size() && d.n_bytes <= file.size() - d.offset, NT_BAD_CHECKPOINT,
            "tensor " + name + " lies outside " + file.path() + " (bytes " + std::to_string(d.offset) + ".." +
                std::to_string(d.offset + d.n_bytes) + " of " + std::to_string(file.size()) + "): truncated file?");
    add_entry(d, file.data() + d.offset, false);
  }
}

std::unique_ptr<WeightStore> WeightStore::from_memory(std::vector<OwnedTensor> tensors) {
  std::unique_ptr<WeightStore> store(new WeightStore());
  store->entries_.reserve(tensors.size());
  store->owned_.reserve(tensors.size());
  for (OwnedTensor& t : tensors) {
    require(t.name.size() < NT_MAX_NAME, NT_BAD_CHECKPOINT, "tensor name too long: " + t.name);
    require(t.shape.size() <= 4, NT_BAD_CHECKPOINT,
            "tensor " + t.name + " has " + std::to_string(t.shape.size()) + " dimensions");
    require(t.data != nullptr, NT_BAD_CHECKPOINT, "tensor " + t.name + " has no data");
    nt_tensor_desc d{};
    std::memcpy(d.name, t.name.c_str(), t.name.size() + 1);
    d.file_index = -1;
    d.dtype = static_cast<int32_t>(t.dtype);
    d.n_dims = static_cast<int32_t>(t.shape.size());
    std::copy(t.shape.begin(), t.shape.end(), d.shape);
    d.n_bytes = t.n_bytes;
    check_desc(d, "memory");
    store->add_entry(d, t.data.get(), true);
    store->owned_.push_back(std::move(t));
  }
  return store;
}

void WeightStore::check_desc(const nt_tensor_desc& d, const std::string& where) {
  const std::string name(d.name);
  require(d.dtype == NT_F32 || d.dtype == NT_F16 || d.dtype == NT_BF16, NT_BAD_CHECKPOINT,
          "tensor " + name + " in " + where + " has an unsupported dtype code " + std::to_string(d.dtype));
  require(d.n_dims >= 0 && d.n_dims <= 4, NT_BAD_CHECKPOINT, "tensor " + name + " has " + std::to_string(d.n_dims) + " dimensions");
  const int64_t numel = checked_numel(d, name);
  const int64_t expected_bytes = numel * dtype_size(static_cast<DType>(d.dtype));
  require(d.n_bytes == expected_bytes, NT_BAD_CHECKPOINT,
          "tensor " + name + " in " + where + " has " + std::to_string(d.n_bytes) + " bytes but its shape " +
              shape_text(d.shape, d.n_dims) + " needs " + std::to_string(expected_bytes));
}

void WeightStore::add_entry(const nt_tensor_desc& d, const unsigned char* data, bool in_memory) {
  require(index_.emplace(d.name, entries_.size()).second, NT_BAD_CHECKPOINT,
          std::string("tensor ") + d.name + " appears twice");
  entries_.push_back(Entry{d, data, in_memory, false});
}

WeightStore::Entry& WeightStore::bind(const std::string& name, std::initializer_list<int64_t> expected_shape) {
  auto it = index_.find(name);
  require(it != index_.end(), NT_BAD_CHECKPOINT, "the checkpoint has no tensor " + name);
  Entry& e = entries_[it->second];
  const bool same = static_cast<size_t>(e.desc.n_dims) == expected_shape.size() &&
                    std::equal(expected_shape.begin(), expected_shape.end(), e.desc.shape);
  require(same, NT_BAD_CHECKPOINT,
          "tensor " + name + " has shape " + shape_text(e.desc.shape, e.desc.n_dims) + " but the config implies " +
              shape_text(expected_shape.begin(), static_cast<int64_t>(expected_shape.size())));
  e.bound = true;
  return e;
}

WeightView WeightStore::matrix(const std::string& name, std::initializer_list<int64_t> expected_shape) {
  Entry& e = bind(name, expected_shape);
  const DType dtype = static_cast<DType>(e.desc.dtype);
  const unsigned char* data = e.data;
  // Kernels load whole elements: a misaligned tensor (legal in safetensors, rare in practice) gets an
  // aligned copy instead of undefined behaviour.
  if (reinterpret_cast<uintptr_t>(data) % static_cast<uintptr_t>(dtype_size(dtype)) != 0) {
    realigned_.emplace_back(data, data + e.desc.n_bytes);
    data = realigned_.back().data();
    owned_bytes_ += e.desc.n_bytes;
  } else if (e.in_memory) {
    owned_bytes_ += e.desc.n_bytes;
  } else {
    mapped_bytes_ += e.desc.n_bytes;
  }
  const int64_t rows = e.desc.n_dims > 0 ? e.desc.shape[0] : 1;
  const int64_t numel = e.desc.n_bytes / dtype_size(dtype);
  return WeightView{data, dtype, rows, rows > 0 ? numel / rows : 0};
}

std::vector<float> WeightStore::floats(const std::string& name, std::initializer_list<int64_t> expected_shape) {
  Entry& e = bind(name, expected_shape);
  const DType dtype = static_cast<DType>(e.desc.dtype);
  const int64_t numel = e.desc.n_bytes / dtype_size(dtype);
  std::vector<float> out(static_cast<size_t>(numel));
  for (int64_t i = 0; i < numel; ++i) {
    if (dtype == DType::F32) {
      std::memcpy(&out[i], e.data + 4 * i, 4);
    } else {
      uint16_t h;
      std::memcpy(&h, e.data + 2 * i, 2);
      out[i] = dtype == DType::BF16 ? bf16_to_float(h) : f16_to_float(h);
    }
  }
  owned_bytes_ += numel * 4;
  return out;
}

void WeightStore::finish_binding() const {
  for (const Entry& e : entries_)
    require(e.bound, NT_BAD_CHECKPOINT, std::string("unexpected tensor ") + e.desc.name + " (not used by this config)");
}

}  // namespace nemotron
