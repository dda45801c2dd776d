// The one case list of the rmsnorm_gated tests, shared by every backend's test (CPU and CUDA):
// n_groups 1 and > 1, odd group sizes, y and z as strided views into a wider row (as z sits inside the
// in_proj output), out aliasing y, and a group wider than a CUDA block (threads loop); and each case's
// inputs with the reference output, so every backend's test checks the same numbers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ops/rmsnorm_gated.h"
#include "test_support.h"

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

// float32 silu and a group sum of ≤ 8192 squares: a few 1e-7 relative; 1e-5 leaves margin for expf / __expf.
constexpr double kGatedNormTol = 1e-5;
constexpr float kGatedNormEps = 0.05f;  // large enough that a dropped or misplaced eps shows (mean square ~1)

struct GatedNormInputs {
  GatedNormShape shape;
  std::vector<float> y, z, weight, want;  // want: ref::rmsnorm_gated's output [n_tokens, d_inner]
};

inline GatedNormInputs gated_norm_inputs(const GatedNormCase& c) {
  Rng rng(c.n_tokens * 104729 + c.d_inner * 31 + c.n_groups);
  GatedNormInputs in{{c.n_tokens, c.d_inner, c.n_groups, c.d_inner + c.y_pad, c.d_inner + c.z_pad}, {}, {}, {}, {}};
  in.y = rng.uniform(c.n_tokens * in.shape.y_stride, -2.0f, 2.0f);
  in.z = rng.uniform(c.n_tokens * in.shape.z_stride, -4.0f, 4.0f);
  in.weight = rng.uniform(c.d_inner, 0.5f, 1.5f);
  in.want.resize(c.n_tokens * c.d_inner);
  ref::rmsnorm_gated(in.shape, in.y.data(), in.z.data(), in.weight.data(), kGatedNormEps, in.want.data());
  return in;
}

}  // namespace nemotron::test
