// DeviceLibrary: dlopen with the search order of device_library.h, and every failure as a message that
// says what to install or set.
#include "engine/device_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <vector>

#include "engine/status.h"

namespace nemotron {
namespace {

constexpr const char* kLibraryName = "libnemotron_cuda.so";

// The directory of the shared object (or executable) this function was linked into.
std::string own_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&own_directory), &info) == 0 || info.dli_fname == nullptr) return "";
  const std::string file = info.dli_fname;
  const size_t slash = file.rfind('/');
  return slash == std::string::npos ? "" : file.substr(0, slash + 1);
}

std::vector<std::string> candidates(const char* path) {
  if (path && *path) return {path};
  std::vector<std::string> out;
  if (const char* env = std::getenv("NEMOTRON_CUDA_LIBRARY"); env && *env) out.push_back(env);
  if (const std::string dir = own_directory(); !dir.empty()) out.push_back(dir + kLibraryName);
  out.push_back(kLibraryName);
  return out;
}

}  // namespace

DeviceLibrary::DeviceLibrary(const char* path) {
  std::string tried;
  for (const std::string& candidate : candidates(path)) {
    // RTLD_LOCAL: the backend's symbols (and its copies of CUDA's) stay out of everyone else's way.
    handle_ = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_) {
      path_ = candidate;
      break;
    }
    const char* why = dlerror();
    tried += "\n  " + candidate + ": " + (why ? why : "not found");
  }
  require(handle_ != nullptr, NT_UNSUPPORTED,
          std::string("the CUDA backend library could not be loaded; tried:") + tried +
              "\nBuild it where the CUDA toolkit with cuBLAS is installed (cmake -DNEMOTRON_CUDA=ON) and point "
              "NEMOTRON_CUDA_LIBRARY at libnemotron_cuda.so, or run on the CPU");
  create_ = reinterpret_cast<CreateDeviceModelFn>(dlsym(handle_, kCreateDeviceModelSymbol));
  if (create_ == nullptr) {
    dlclose(handle_);
    handle_ = nullptr;
    fail(NT_UNSUPPORTED, path_ + " is not a nemotron4j backend library (no " + kCreateDeviceModelSymbol + ")");
  }
}

DeviceLibrary::~DeviceLibrary() {
  if (handle_) dlclose(handle_);
}

std::unique_ptr<DeviceModel> DeviceLibrary::create(const DeviceModelSpec& spec) const {
  int32_t code = NT_INTERNAL;
  std::vector<char> message(NT_MAX_MESSAGE, '\0');
  DeviceModel* model = create_(&spec, &code, message.data(), static_cast<int64_t>(message.size()));
  if (model == nullptr) fail(code, std::string(message.data()) + " (backend " + path_ + ")");
  return std::unique_ptr<DeviceModel>(model);
}

}  // namespace nemotron
