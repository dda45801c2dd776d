// ssd_state_update: the CPU decode step against ref::ssd_state_update, one step and a run of steps with
// the state carried, n_groups 1 and > 1, zero and non-zero state, fast decays, and a state large enough
// for the multi-threaded path (the 0.5b shape: 32 heads × 64 × 128).
#include "ops/ssd_state_update.h"
#include "ssd_inputs.h"

namespace nemotron {
namespace {
using namespace test;

// One float32 step: d_state-term dot products, a few ulp each; over 12 carried steps errors stay ~1e-7
// relative. 5e-6 is a wide margin; a wrong group, decay or D term is O(1e-2).
constexpr double kStepTol = 5e-6;
constexpr int64_t kMaxSteps = 12;

std::vector<SsdCase> cases() {
  return {
      // n_tokens (steps), n_heads, head_dim, n_groups, d_state, chunk_size (unused), initial_state, slow
      {1, 1, 1, 1, 1, 1, false},  {1, 3, 5, 1, 6, 1, true},   {3, 4, 5, 2, 7, 1, true},
      {5, 4, 16, 4, 16, 1, true, false}, {kMaxSteps, 6, 8, 3, 10, 1, false},
      {2, 32, 64, 8, 128, 1, true},  // 65 536 state elements: the parallel path
  };
}

void check_against_reference(const SsdCase& c) {
  const SsdData d(c);
  std::vector<float> want(d.y_size(c.n_tokens)), want_state = d.state;
  std::vector<float> got(want.size(), NAN), got_state = d.state;
  for (int64_t t = 0; t < c.n_tokens; ++t) {
    ref::ssd_state_update(d.shape, d.inputs(t, 1), want_state.data(), want.data() + d.y_size(t));
    cpu::ssd_state_update(d.shape, d.inputs(t, 1), got_state.data(), got.data() + d.y_size(t));
  }
  CHECK_CLOSE(got, want, kStepTol);
  CHECK_CLOSE(got_state, want_state, kStepTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  nemotron::test::run_cases("ssd_state_update", nemotron::cases(), nemotron::check_against_reference);
  return nemotron::test::finish("test_ssd_state_update");
}
