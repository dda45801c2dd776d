// The one case list of the rmsnorm_gated tests, shared by every backend's test (CPU and CUDA):
// n_groups 1 and > 1, odd group sizes, y and z as strided views into a wider row (as z sits inside the
// in_proj output), out aliasing y, and a group wider than a CUDA block (threads loop).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace nemotron::test {

struct GatedNormCase {
  int64_t n_tokens, d_inner, n_groups, y_pad, z_pad;  // row stride = d_inner + pad
  bool in_place;                                      // out aliases y (needs y_pad == 0)
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " d_inner=" + std::to_string(d_inner) +
           " n_groups=" + std::to_string(n_groups) + " y_pad=" + std::to_string(y_pad) +
           " z_pad=" + std::to_string(z_pad) + " in_place=" + std::to_string(in_place);
  }
};

inline std::vector<GatedNormCase> gated_norm_cases() {
  return {{1, 1, 1, 0, 0, false},     {1, 7, 1, 3, 5, false},      {3, 12, 4, 0, 0, true},
          {2, 15, 3, 1, 2, false},    {1, 2048, 8, 0, 4128, false}, {9, 2048, 8, 0, 4128, true},
          {37, 640, 5, 17, 0, false}, {64, 1024, 1, 0, 100, true},  {65, 96, 32, 0, 0, false},
          {3, 8192, 1, 0, 0, false}};
}

}  // namespace nemotron::test
