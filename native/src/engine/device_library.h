// The CUDA backend library, opened at run time (dlopen) when a model asks for it: a core built and
// shipped once runs on machines with and without CUDA. Closed when the last model using it is freed.
#pragma once
#include <memory>
#include <string>

#include "backend/device_model.h"

namespace nemotron {

class DeviceLibrary {
 public:
  // Opens the library at `path` (null: $NEMOTRON_CUDA_LIBRARY, then libnemotron_cuda.so beside the
  // library holding the core, then the loader's search path). Throws Error(NT_UNSUPPORTED) saying
  // where it looked and what failed.
  explicit DeviceLibrary(const char* path);
  ~DeviceLibrary();
  DeviceLibrary(const DeviceLibrary&) = delete;
  DeviceLibrary& operator=(const DeviceLibrary&) = delete;

  // Throws Error with the backend's code and message (NT_UNSUPPORTED when the device is not usable).
  std::unique_ptr<DeviceModel> create(const DeviceModelSpec& spec) const;
  const std::string& path() const { return path_; }

 private:
  void* handle_ = nullptr;
  CreateDeviceModelFn create_ = nullptr;
  std::string path_;
};

}  // namespace nemotron
