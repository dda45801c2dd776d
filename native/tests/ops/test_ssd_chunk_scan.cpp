// ssd_chunk_scan: the chunked CPU scan against the sequential double recurrence (ref) for chunk boundaries
// ±1, several chunks with a partial last one, chunk_size 1, n_groups 1 and > 1, zero and non-zero initial
// state, slow and fast decays, and model-like sizes. Invariants: scan of a+b tokens equals scan of a then
// b (state carried) equals one cpu::ssd_state_update per token.
#include "ops/ssd_chunk_scan.h"
#include "ops/ssd_state_update.h"
#include "ssd_inputs.h"

namespace nemotron {
namespace {
using namespace test;

// float32 chunked scan vs the double sequential recurrence: sums of up to chunk_size · d_state terms and
// state carried over up to ~200 tokens; observed errors stay below 1e-6 relative to the output scale.
// 5e-6 keeps margin yet catches a decay off by 0.1 % (~5e-5); a wrong group or lost term is O(1e-1).
constexpr double kScanTol = 5e-6;
// Two float32 paths (different chunking, or chunked vs step-by-step): same error budget as above.
constexpr double kSplitTol = 5e-6;

std::vector<SsdCase> cases() {
  return {
      // n_tokens, n_heads, head_dim, n_groups, d_state, chunk_size, initial_state, slow
      {1, 3, 5, 1, 6, 8, false},     {7, 3, 5, 1, 6, 8, true},      {8, 4, 5, 2, 6, 8, true},
      {9, 4, 5, 2, 6, 8, false},     {29, 4, 16, 4, 16, 8, true},   {29, 4, 16, 1, 16, 8, true, false},
      {17, 2, 3, 1, 4, 1, true},     {64, 6, 8, 3, 10, 16, true},   {65, 6, 8, 2, 10, 16, false, false},
      {150, 8, 64, 2, 128, 64, true}, {200, 4, 32, 1, 64, 128, true},
  };
}

void check_against_reference(const SsdCase& c) {
  const SsdData d(c);
  std::vector<float> want(d.y_size(c.n_tokens)), want_state = d.state;
  ref::ssd_chunk_scan(d.shape, d.inputs(0, c.n_tokens), want_state.data(), want.data());
  std::vector<float> got(want.size(), NAN), got_state = d.state;
  cpu::ssd_chunk_scan(d.shape, d.inputs(0, c.n_tokens), got_state.data(), got.data());
  CHECK_CLOSE(got, want, kScanTol);
  CHECK_CLOSE(got_state, want_state, kScanTol);
}

void check_split_and_steps(const SsdCase& c) {
  const SsdData d(c);
  std::vector<float> whole(d.y_size(c.n_tokens)), whole_state = d.state;
  cpu::ssd_chunk_scan(d.shape, d.inputs(0, c.n_tokens), whole_state.data(), whole.data());

  // a runs through chunk boundaries of the whole scan, so the two halves are chunked differently.
  for (int64_t a = 1; a < c.n_tokens; a += std::max<int64_t>(1, c.n_tokens / 4)) {
    std::vector<float> split(whole.size(), NAN), split_state = d.state;
    cpu::ssd_chunk_scan(d.shape, d.inputs(0, a), split_state.data(), split.data());
    cpu::ssd_chunk_scan(d.shape, d.inputs(a, c.n_tokens - a), split_state.data(), split.data() + d.y_size(a));
    CHECK_CLOSE(split, whole, kSplitTol);
    CHECK_CLOSE(split_state, whole_state, kSplitTol);
  }

  std::vector<float> steps(whole.size(), NAN), step_state = d.state;
  for (int64_t t = 0; t < c.n_tokens; ++t)
    cpu::ssd_state_update(d.shape, d.inputs(t, 1), step_state.data(), steps.data() + d.y_size(t));
  CHECK_CLOSE(steps, whole, kSplitTol);
  CHECK_CLOSE(step_state, whole_state, kSplitTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  test::run_cases("ssd_chunk_scan", cases(), check_against_reference);
  test::run_cases("ssd_chunk_scan split/steps", cases(), check_split_and_steps);
  return test::finish("test_ssd_chunk_scan");
}
