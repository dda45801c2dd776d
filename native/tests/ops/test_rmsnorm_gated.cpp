// rmsnorm_gated: cpu::rmsnorm_gated against ref::rmsnorm_gated with n_groups 1 and > 1, odd group sizes,
// y and z as strided views into a wider row (as z sits inside the in_proj output), and out aliasing y.
#include "ops/rmsnorm_gated.h"
#include "ops/rmsnorm_gated_cases.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

using Case = GatedNormCase;
inline std::vector<Case> cases() { return gated_norm_cases(); }

void check_against_reference(const Case& c) {
  const GatedNormInputs in = gated_norm_inputs(c);
  const std::vector<float>& y = in.y;
  std::vector<float> got = c.in_place ? y : std::vector<float>(in.want.size(), NAN);
  cpu::rmsnorm_gated(in.shape, c.in_place ? got.data() : y.data(), in.z.data(), in.weight.data(), kGatedNormEps,
                     got.data());
  CHECK_CLOSE(got, in.want, kGatedNormTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  nemotron::test::run_cases("rmsnorm_gated", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_rmsnorm_gated");
}
