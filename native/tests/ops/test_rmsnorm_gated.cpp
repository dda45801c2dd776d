// rmsnorm_gated: cpu::rmsnorm_gated against ref::rmsnorm_gated with n_groups 1 and > 1, odd group sizes,
// y and z as strided views into a wider row (as z sits inside the in_proj output), and out aliasing y.
#include "ops/rmsnorm_gated.h"
#include "ops/rmsnorm_gated_cases.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 silu and group sum of ≤ 1024 squares: a few 1e-7 relative; 1e-5 leaves margin for expf.
constexpr double kGatedNormTol = 1e-5;
constexpr float kEps = 0.05f;  // large enough that a dropped or misplaced eps shows (mean square ~1)

using Case = GatedNormCase;
inline std::vector<Case> cases() { return gated_norm_cases(); }

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
