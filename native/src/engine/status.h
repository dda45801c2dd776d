// Errors inside the core are exceptions carrying an nt_status code; engine.cpp catches every one at the
// C API edge and turns it into (code, message). Nothing throws across include/nemotron/nemotron.h.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "nemotron/nemotron.h"

namespace nemotron {

class Error : public std::runtime_error {
 public:
  Error(int32_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int32_t code() const { return code_; }

 private:
  int32_t code_;
};

[[noreturn]] inline void fail(int32_t code, const std::string& message) { throw Error(code, message); }

inline void require(bool condition, int32_t code, const std::string& message) {
  if (!condition) fail(code, message);
}

}  // namespace nemotron
