// attention: cpu::attention_causal against the two-pass double reference with GQA (n_kv_heads 1, > 1 and
// = n_heads), n_past 0 and > 0, key counts around the 64-key block, strided q, and peaked scores (so the
// running max matters). Invariant: prefill of a+b tokens equals a then b equals one token at a time
// (each later call sees the earlier tokens through n_past).
#include <cmath>

#include "ops/attention.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 online softmax over ≤ ~300 keys against double: ~1e-7 relative per step, a few 1e-7 overall;
// 1e-5 is a wide margin, while a wrong KV head, mask or rescale is O(1e-1).
constexpr double kAttentionTol = 1e-5;
// Splitting the tokens changes nothing in any token's arithmetic: only rounding-identical paths.
constexpr double kSplitTol = 1e-6;

struct Case {
  int64_t n_tokens, n_past, n_heads, n_kv_heads, head_dim, q_pad;
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " n_past=" + std::to_string(n_past) + " n_heads=" +
           std::to_string(n_heads) + " n_kv_heads=" + std::to_string(n_kv_heads) + " head_dim=" +
           std::to_string(head_dim) + " q_pad=" + std::to_string(q_pad);
  }
};

std::vector<Case> cases() {
  return {
      // n_tokens, n_past, n_heads, n_kv_heads, head_dim, q_pad
      {1, 0, 1, 1, 1, 0},   {1, 5, 4, 1, 8, 0},     {3, 0, 4, 2, 5, 3},   {7, 60, 6, 3, 16, 0},
      {64, 0, 4, 4, 16, 0}, {65, 0, 8, 2, 32, 17},  {1, 200, 16, 4, 64, 0}, {40, 100, 16, 4, 64, 1024},
      {130, 1, 2, 1, 7, 0},
  };
}

struct Inputs {
  AttentionShape s;
  std::vector<float> q, k, v;
  explicit Inputs(const Case& c)
      : s{c.n_tokens, c.n_past, c.n_heads, c.n_kv_heads, c.head_dim, c.n_heads * c.head_dim + c.q_pad} {
    Rng rng(c.n_tokens * 998244353 + c.n_past * 1009 + c.n_heads * 31 + c.head_dim);
    // ±2 entries make scores of a few units after scaling: softmax far from uniform.
    q = rng.uniform(c.n_tokens * s.q_stride, -2.0f, 2.0f);
    k = rng.uniform((c.n_past + c.n_tokens) * c.n_kv_heads * c.head_dim, -2.0f, 2.0f);
    v = rng.uniform(k.size());
  }
  float scale() const { return 1.0f / std::sqrt(static_cast<float>(s.head_dim)); }
  int64_t out_size(int64_t n) const { return n * s.n_heads * s.head_dim; }
};

void check_against_reference(const Case& c) {
  const Inputs in(c);
  std::vector<float> want(in.out_size(c.n_tokens)), got(want.size(), NAN);
  ref::attention_causal(in.s, in.q.data(), in.k.data(), in.v.data(), in.scale(), want.data());
  cpu::attention_causal(in.s, in.q.data(), in.k.data(), in.v.data(), in.scale(), got.data());
  CHECK_CLOSE(got, want, kAttentionTol);
}

// The cache already holds all n_past + n_tokens positions; a later call just starts at a larger n_past.
void check_split_and_steps(const Case& c) {
  const Inputs in(c);
  std::vector<float> whole(in.out_size(c.n_tokens));
  cpu::attention_causal(in.s, in.q.data(), in.k.data(), in.v.data(), in.scale(), whole.data());
  auto run = [&](int64_t t0, int64_t n, float* out) {
    AttentionShape part = in.s;
    part.n_tokens = n;
    part.n_past = c.n_past + t0;
    cpu::attention_causal(part, in.q.data() + t0 * in.s.q_stride, in.k.data(), in.v.data(), in.scale(), out);
  };
  const int64_t a = c.n_tokens / 2;
  std::vector<float> split(whole.size(), NAN), steps(whole.size(), NAN);
  run(0, a, split.data());
  run(a, c.n_tokens - a, split.data() + in.out_size(a));
  for (int64_t t = 0; t < c.n_tokens; ++t) run(t, 1, steps.data() + in.out_size(t));
  CHECK_CLOSE(split, whole, kSplitTol);
  CHECK_CLOSE(steps, whole, kSplitTol);
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  test::run_cases("attention", cases(), check_against_reference);
  test::run_cases("attention split/steps", cases(), check_split_and_steps);
  return test::finish("test_attention");
}
