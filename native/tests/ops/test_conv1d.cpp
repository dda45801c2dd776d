// conv1d: cpu::conv1d_prefill / conv1d_update against the reference (outputs and the new conv state) for
// kernel 2, 3, 4, fewer tokens than kernel − 1, strided x, with and without bias, zero and non-zero
// initial state. Invariant: prefill of a+b equals prefill of a then b equals token-by-token updates.
#include "ops/conv1d.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// At most 4 float32 products, a bias and a SiLU: a few ulp; 1e-6 relative to the output scale.
constexpr double kConvTol = 1e-6;
// Split and token-by-token runs do the same float32 operations in the same order: equal to rounding.
constexpr double kSplitTol = 1e-6;

struct Case {
  int64_t n_tokens, conv_dim, kernel, x_pad;
  bool bias, initial_state;
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " conv_dim=" + std::to_string(conv_dim) +
           " kernel=" + std::to_string(kernel) + " x_pad=" + std::to_string(x_pad) + " bias=" + std::to_string(bias) +
           " initial_state=" + std::to_string(initial_state);
  }
};

std::vector<Case> cases() {
  std::vector<Case> list;
  // conv_dim 3 (odd), 37, 600 (crosses the 512-channel block); tokens 1, 2 (< kernel − 1 for kernel 4), 5, 40
  const int64_t shapes[][3] = {{1, 3, 0}, {2, 37, 5}, {5, 600, 0}, {40, 600, 64}, {3, 1025, 7}};
  for (const auto& sh : shapes)
    for (int64_t kernel : {2, 3, 4})
      list.push_back({sh[0], sh[1], kernel, sh[2], kernel != 3, sh[0] != 5});
  return list;
}

struct Inputs {
  ConvShape s;
  std::vector<float> x, weight, bias, state;
  explicit Inputs(const Case& c) : s{c.n_tokens, c.conv_dim, c.kernel, c.conv_dim + c.x_pad} {
    Rng rng(c.n_tokens * 15485863 + c.conv_dim * 7 + c.kernel);
    x = rng.uniform(c.n_tokens * s.x_stride, -2.0f, 2.0f);
    weight = rng.uniform(c.conv_dim * c.kernel);
    bias = rng.uniform(c.conv_dim);
    state = c.initial_state ? rng.uniform(c.conv_dim * (c.kernel - 1), -2.0f, 2.0f)
                            : std::vector<float>(c.conv_dim * (c.kernel - 1), 0.0f);
  }
  const float* bias_or_null(const Case& c) const { return c.bias ? bias.data() : nullptr; }
};

// ConvShape for tokens [t0, t0 + n) of the inputs.
ConvShape tokens(const ConvShape& s, int64_t n) { return {n, s.conv_dim, s.kernel, s.x_stride}; }

void check_against_reference(const Case& c) {
  const Inputs in(c);
  std::vector<float> want(c.n_tokens * c.conv_dim), want_state = in.state;
  ref::conv1d_prefill(in.s, in.x.data(), in.weight.data(), in.bias_or_null(c), want_state.data(), want.data());
  std::vector<float> got(want.size(), NAN), got_state = in.state;
  cpu::conv1d_prefill(in.s, in.x.data(), in.weight.data(), in.bias_or_null(c), got_state.data(), got.data());
  CHECK_CLOSE(got, want, kConvTol);
  CHECK_CLOSE(got_state, want_state, kConvTol);

  // The reference's own decode kernel agrees with its prefill, so it can anchor cpu::conv1d_update.
  std::vector<float> ref_steps(want.size()), ref_step_state = in.state;
  for (int64_t t = 0; t < c.n_tokens; ++t)
    ref::conv1d_update(tokens(in.s, 1), in.x.data() + t * in.s.x_stride, in.weight.data(), in.bias_or_null(c),
                       ref_step_state.data(), ref_steps.data() + t * c.conv_dim);
  CHECK_CLOSE(ref_steps, want, kConvTol);
  CHECK_CLOSE(ref_step_state, want_state, kConvTol);
}

// Invariant: prefill(a + b) == prefill(a) then prefill(b) == one cpu::conv1d_update per token.
void check_split_and_steps(const Case& c) {
  const Inputs in(c);
  std::vector<float> whole(c.n_tokens * c.conv_dim), whole_state = in.state;
  cpu::conv1d_prefill(in.s, in.x.data(), in.weight.data(), in.bias_or_null(c), whole_state.data(), whole.data());

  for (int64_t a = 1; a < c.n_tokens; a += std::max<int64_t>(1, c.n_tokens / 3)) {
    std::vector<float> split(whole.size(), NAN), split_state = in.state;
    cpu::conv1d_prefill(tokens(in.s, a), in.x.data(), in.weight.data(), in.bias_or_null(c), split_state.data(),
                        split.data());
    cpu::conv1d_prefill(tokens(in.s, c.n_tokens - a), in.x.data() + a * in.s.x_stride, in.weight.data(),
                        in.bias_or_null(c), split_state.data(), split.data() + a * c.conv_dim);
    CHECK_CLOSE(split, whole, kSplitTol);
    CHECK_CLOSE(split_state, whole_state, kSplitTol);
  }

  std::vector<float> steps(whole.size(), NAN), step_state = in.state;
  for (int64_t t = 0; t < c.n_tokens; ++t)
    cpu::conv1d_update(tokens(in.s, 1), in.x.data() + t * in.s.x_stride, in.weight.data(), in.bias_or_null(c),
                       step_state.data(), steps.data() + t * c.conv_dim);
  CHECK_CLOSE(steps, whole, kSplitTol);
  CHECK_CLOSE(step_state, whole_state, kSplitTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  test::run_cases("conv1d", cases(), check_against_reference);
  test::run_cases("conv1d split/steps", cases(), check_split_and_steps);
  return test::finish("test_conv1d");
}
