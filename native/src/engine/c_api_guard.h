// The one place exceptions stop: every C entry point runs its body through guarded(), which maps each
// exception to (status code, message) so that nothing throws across include/nemotron/nemotron.h.
#pragma once
#include <cstdio>
#include <exception>
#include <new>

#include "engine/status.h"
#include "nemotron/nemotron.h"

namespace nemotron {

inline void set_error(nt_error* error, int32_t code, const char* message) {
  if (error == nullptr) return;
  error->code = code;
  std::snprintf(error->message, sizeof error->message, "%s", message);
}

template <typename Body>
int32_t guarded(nt_error* error, Body&& body) {
  try {
    body();
    set_error(error, NT_OK, "");
    return NT_OK;
  } catch (const Error& e) {
    set_error(error, e.code(), e.what());
    return e.code();
  } catch (const std::bad_alloc&) {
    set_error(error, NT_OUT_OF_MEMORY, "out of memory");
    return NT_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    set_error(error, NT_INTERNAL, e.what());
    return NT_INTERNAL;
  } catch (...) {
    set_error(error, NT_INTERNAL, "unknown native exception");
    return NT_INTERNAL;
  }
}

}  // namespace nemotron
