// The CUDA backend library's entry point (backend/device_model.h): the core opens libnemotron_cuda.so
// and calls this to get a CudaModel. Nothing thrown may cross into the core's C code paths unreported,
// so every failure becomes (code, message).
#include <cstdio>
#include <exception>
#include <memory>
#include <new>

#include "backend/cuda/runner/cuda_model.cuh"

namespace {
void report(int32_t* code, char* message, int64_t capacity, int32_t value, const char* text) {
  if (code) *code = value;
  if (message && capacity > 0) std::snprintf(message, static_cast<size_t>(capacity), "%s", text);
}
}  // namespace

extern "C" __attribute__((visibility("default"))) nemotron::DeviceModel* nemotron_create_device_model(
    const nemotron::DeviceModelSpec* spec, int32_t* code, char* message, int64_t message_capacity) {
  try {
    if (spec == nullptr || spec->abi_version != nemotron::kDeviceAbiVersion) {
      report(code, message, message_capacity, NT_UNSUPPORTED,
             "libnemotron_cuda.so was built for another version of the nemotron4j core; rebuild both together");
      return nullptr;
    }
    // Ownership passes to the core's unique_ptr (engine/device_library.cpp).
    return std::make_unique<nemotron::cuda::CudaModel>(*spec).release();
  } catch (const nemotron::Error& e) {
    report(code, message, message_capacity, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    report(code, message, message_capacity, NT_OUT_OF_MEMORY, "out of host memory while loading onto the GPU");
  } catch (const std::exception& e) {
    report(code, message, message_capacity, NT_INTERNAL, e.what());
  }
  return nullptr;
}
