// rmsnorm_gated: cpu::rmsnorm_gated against ref::rmsnorm_gated with n_groups 1 and > 1, odd group sizes,
// y and z as strided views into a wider row (as z sits inside the in_proj output), and out aliasing y.
#include "ops/rmsnorm_gated.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 silu and group sum of ≤ 1024 squares: a few 1e-7 relative; 1e-5 leaves margin for expf.
constexpr double kGatedNormTol = 1e-5;
constexpr float kEps = 0.05f;  // large enough that a dropped or misplaced eps shows (mean square ~1)

struct Case {
  int64_t n_tokens, d_inner, n_groups, y_pad, z_pad;  // row stride = d_inner + pad
  bool in_place;                                      // out aliases y (needs y_pad == 0)
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " d_inner=" + std::to_string(d_inner) +
           " n_groups=" + std::to_string(n_groups) + " y_pad=" + std::to_string(y_pad) +
           " z_pad=" + std::to_string(z_pad) + " in_place=" + std::to_string(in_place);
  }
};

std::vector<Case> cases() {
  return {{1, 1, 1, 0, 0, false},     {1, 7, 1, 3, 5, false},      {3, 12, 4, 0, 0, true},
          {2, 15, 3, 1, 2, false},    {1, 2048, 8, 0, 4128, false}, {9, 2048, 8, 0, 4128, true},
          {37, 640, 5, 17, 0, false}, {64, 1024, 1, 0, 100, true},  {65, 96, 32, 0, 0, false}};
}

void check_against_reference(const Case& c) {
  Rng rng(c.n_tokens * 104729 + c.d_inner * 31 + c.n_groups);
  const GatedNormShape s{c.n_tokens, c.d_inner, c.n_groups, c.d_inner + c.y_pad, c.d_inner + c.z_pad};
  const std::vector<float> y = rng.uniform(c.n_tokens * s.y_stride, -2.0f, 2.0f);
  const std::vector<float> z = rng.uniform(c.n_tokens * s.z_stride, -4.0f, 4.0f);
  const std::vector<float> weight = rng.uniform(c.d_inner, 0.5f, 1.5f);
  std::vector<float> want(c.n_tokens * c.d_inner);
  ref::rmsnorm_gated(s, y.data(), z.data(), weight.data(), kEps, want.data());
  std::vector<float> got = c.in_place ? y : std::vector<float>(want.size(), NAN);
  cpu::rmsnorm_gated(s, c.in_place ? got.data() : y.data(), z.data(), weight.data(), kEps, got.data());
  CHECK_CLOSE(got, want, kGatedNormTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  nemotron::test::run_cases("rmsnorm_gated", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_rmsnorm_gated");
}
