// rmsnorm: cpu::rmsnorm against ref::rmsnorm over odd and model-sized widths, one token and many
// (the parallel path), out of place and in place (y aliasing x, as the model's residual stream does).
#include "ops/rmsnorm.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 sum of ≤ 4480 squares and one rsqrt: relative error a few 1e-7; 1e-5 is a wide margin that
// still catches any wrong index, eps or weight (all O(1e-2) or larger).
constexpr double kRmsnormTol = 1e-5;
constexpr float kEps = 0.05f;  // large enough that a dropped or misplaced eps shows (mean square ~1)

struct Case {
  int64_t n_tokens, dim;
  bool in_place;
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " dim=" + std::to_string(dim) +
           " in_place=" + std::to_string(in_place);
  }
};

std::vector<Case> cases() {
  return {{1, 1, false}, {1, 7, false},    {3, 33, true},     {1, 1024, false}, {17, 1024, true},
          {5, 4480, false}, {64, 1025, false}, {130, 512, true}, {2, 3, true}};
}

void check_against_reference(const Case& c) {
  Rng rng(c.n_tokens * 7919 + c.dim);
  const std::vector<float> x = rng.uniform(c.n_tokens * c.dim, -3.0f, 3.0f);
  const std::vector<float> weight = rng.uniform(c.dim, 0.5f, 1.5f);
  std::vector<float> want(x.size());
  ref::rmsnorm(x.data(), c.n_tokens, c.dim, weight.data(), kEps, want.data());
  std::vector<float> got = c.in_place ? x : std::vector<float>(x.size(), NAN);
  cpu::rmsnorm(c.in_place ? got.data() : x.data(), c.n_tokens, c.dim, weight.data(), kEps, got.data());
  CHECK_CLOSE(got, want, kRmsnormTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  nemotron::test::run_cases("rmsnorm", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_rmsnorm");
}
