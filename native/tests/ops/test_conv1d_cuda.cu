// conv1d on CUDA against ref:: on fresh random inputs. Decode step: cuda::conv1d_update_batched against
// ref::conv1d_update run on each sequence alone (conv states scattered in one pool in reversed order,
// padded input rows, channel counts off the block size, kernel 2 to 4, with and without bias, the 0.5b
// and 9B-v2 conv widths); out and the shifted states are compared, and a second step checks that the
// state carries. Prefill: cuda::conv1d_prefill against ref::conv1d_prefill from a random state, for
// lengths below, at and past kernel − 1 (part of the old state surviving), across token tiles, past
// the grid's y limit, kernels 1 to 8, padded rows; and prefill a + b equals a then b bit for bit.
#include <cuda_runtime.h>

#include <algorithm>
#include <string>

#include "backend/cuda/conv1d.cuh"
#include "cuda_support.h"
#include "ops/conv1d.h"

namespace nemotron {
namespace {
using namespace test;

constexpr double kTol = 1e-6;  // ≤ 8 products and one expf per output
constexpr float kSentinel = -777.0f;  // prefill out before the call: a row left unwritten fails
constexpr int64_t kGuard = 5;         // floats around the prefill state (random) and after out (kSentinel)

// The first n entries of v: compared apart from the kSentinel guard after them, which would otherwise
// inflate max_rel_error's scale and hide errors.
std::vector<float> head_of(const std::vector<float>& v, int64_t n) { return {v.begin(), v.begin() + n}; }
bool guard_intact(const std::vector<float>& v, int64_t n) {
  return std::all_of(v.begin() + n, v.end(), [](float e) { return e == kSentinel; });
}

struct Case {
  int64_t n_seqs, conv_dim, kernel, row_pad;
  bool bias;
  std::string describe() const {
    return "{n_seqs=" + std::to_string(n_seqs) + " conv_dim=" + std::to_string(conv_dim) +
           " kernel=" + std::to_string(kernel) + " row_pad=" + std::to_string(row_pad) +
           (bias ? " bias}" : " no-bias}");
  }
};

std::vector<Case> cases() {
  return {
      {1, 192, 4, 0, true},     // tiny-a
      {3, 37, 2, 5, false},     // fewer channels than a block, kernel 2
      {4, 300, 3, 1, true},     // a partial second block, kernel 3
      {5, 4096, 4, 0, true},    // the 0.5b shape's xBC
      {2, 12288, 4, 8, true},   // NVIDIA-Nemotron-Nano-9B-v2's xBC
  };
}

void check_against_reference(const Case& c) {
  Rng rng(c.n_seqs * 131 + c.conv_dim * 7 + c.kernel);
  const int64_t hist = c.kernel - 1, stride = c.conv_dim + c.row_pad, state_size = c.conv_dim * hist;
  const ConvShape one{1, c.conv_dim, c.kernel, stride};
  const ConvShape batch{c.n_seqs, c.conv_dim, c.kernel, stride};
  const std::vector<float> weight = rng.uniform(c.conv_dim * c.kernel, -1.0f, 1.0f);
  const std::vector<float> bias = rng.uniform(c.conv_dim, -0.5f, 0.5f);
  std::vector<float> pool = rng.uniform((c.n_seqs + 1) * state_size, -1.0f, 1.0f);  // one spare slot
  DeviceArray<float> d_x(c.n_seqs * stride), d_w(weight.size()), d_b(bias.size()), d_pool(pool.size()),
      d_out(c.n_seqs * c.conv_dim);
  DeviceArray<float*> d_states(c.n_seqs);
  if (!(d_x.ok() && d_w.ok() && d_b.ok() && d_pool.ok() && d_out.ok() && d_states.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  std::vector<float*> states(c.n_seqs);
  for (int64_t i = 0; i < c.n_seqs; ++i) states[i] = d_pool.get() + (c.n_seqs - i) * state_size;
  CUDA_CHECK(d_w.upload(weight));
  CUDA_CHECK(d_b.upload(bias));
  CUDA_CHECK(d_pool.upload(pool));
  CUDA_CHECK(d_states.upload(states));
  std::vector<float> want_pool = pool;
  for (int step = 0; step < 2; ++step) {
    const std::vector<float> x = rng.uniform(c.n_seqs * stride, -2.0f, 2.0f);
    std::vector<float> want(c.n_seqs * c.conv_dim), got(want.size(), NAN), got_pool(pool.size(), NAN);
    for (int64_t i = 0; i < c.n_seqs; ++i)
      ref::conv1d_update(one, x.data() + i * stride, weight.data(), c.bias ? bias.data() : nullptr,
                         want_pool.data() + (c.n_seqs - i) * state_size, want.data() + i * c.conv_dim);
    CUDA_CHECK(d_x.upload(x));
    cuda::conv1d_update_batched(batch, d_x.get(), d_w.get(), c.bias ? d_b.get() : nullptr, d_states.get(), d_out.get(),
                                /*stream=*/nullptr);
    CUDA_CHECK(cudaGetLastError());
    CUDA_CHECK(d_out.download(got));
    CUDA_CHECK(d_pool.download(got_pool));
    CHECK_CLOSE(got, want, kTol);
    CHECK_CLOSE(got_pool, want_pool, kTol);  // shifted states, and the spare slot untouched
  }
}

struct PrefillCase {
  int64_t n_tokens, conv_dim, kernel, row_pad;
  bool bias;
  int64_t split;  // > 0: also run as a prefill of split tokens, then one of the rest
  std::string describe() const {
    return "{n_tokens=" + std::to_string(n_tokens) + " conv_dim=" + std::to_string(conv_dim) +
           " kernel=" + std::to_string(kernel) + " row_pad=" + std::to_string(row_pad) +
           (bias ? " bias" : " no-bias") + " split=" + std::to_string(split) + "}";
  }
};

std::vector<PrefillCase> prefill_cases() {
  constexpr int64_t kPastGridY = 16 * 65535 + 40;  // more token tiles of 16 than grid.y holds
  return {
      {1, 192, 4, 0, true, 0},             // one token: two of three state entries survive
      {2, 37, 4, 5, false, 1},             // kernel − 2, split 1 + 1
      {3, 300, 4, 3, true, 2},             // kernel − 1: the state is all new
      {4, 257, 4, 0, false, 1},            // kernel
      {37, 4096, 4, 2, true, 17},          // three token tiles, split inside the second
      {300, 12288, 4, 8, true, 2},         // NVIDIA-Nemotron-Nano-9B-v2's xBC, split inside the window
      {300, 12288, 4, 0, false, 150},
      {5, 100, 2, 1, true, 3},             // kernel 2
      {1, 100, 3, 0, false, 0},            // kernel 3, one token (kernel − 2)
      {33, 50, 8, 1, true, 5},             // the largest kernel
      {7, 20, 1, 0, true, 3},              // kernel 1: no state at all
      {kPastGridY, 3, 4, 1, true, 16 * 65535},  // the grid-stride loop over token tiles
  };
}

void check_prefill(const PrefillCase& c) {
  Rng rng(c.n_tokens * 17 + c.conv_dim * 3 + c.kernel + c.split);
  const int64_t hist = c.kernel - 1, stride = c.conv_dim + c.row_pad, state_size = c.conv_dim * hist;
  const int64_t out_size = c.n_tokens * c.conv_dim;
  const std::vector<float> x = rng.uniform(c.n_tokens * stride, -2.0f, 2.0f);
  const std::vector<float> weight = rng.uniform(c.conv_dim * c.kernel, -1.0f, 1.0f);
  const std::vector<float> bias = rng.uniform(c.conv_dim, -0.5f, 0.5f);
  const std::vector<float> state = rng.uniform(state_size + 2 * kGuard, -1.0f, 1.0f);  // guard | state | guard
  const float* b = c.bias ? bias.data() : nullptr;

  std::vector<float> want(out_size + kGuard, kSentinel), want_state = state;
  ref::conv1d_prefill({c.n_tokens, c.conv_dim, c.kernel, stride}, x.data(), weight.data(), b,
                      want_state.data() + kGuard, want.data());

  DeviceArray<float> d_x(x.size()), d_w(weight.size()), d_b(bias.size()), d_state(state.size()), d_out(want.size());
  if (!(d_x.ok() && d_w.ok() && d_b.ok() && d_state.ok() && d_out.ok())) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(d_x.upload(x));
  CUDA_CHECK(d_w.upload(weight));
  CUDA_CHECK(d_b.upload(bias));
  const float* d_bias = c.bias ? d_b.get() : nullptr;
  const std::vector<float> sentinels(want.size(), kSentinel);

  // One call over all tokens.
  CUDA_CHECK(d_state.upload(state));
  CUDA_CHECK(d_out.upload(sentinels));
  cuda::conv1d_prefill({c.n_tokens, c.conv_dim, c.kernel, stride}, d_x.get(), d_w.get(), d_bias,
                       d_state.get() + kGuard, d_out.get(), /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> whole(want.size()), whole_state(state.size());
  CUDA_CHECK(d_out.download(whole));
  CUDA_CHECK(d_state.download(whole_state));
  CHECK_CLOSE(head_of(whole, out_size), head_of(want, out_size), kTol);
  CHECK(guard_intact(whole, out_size));
  CHECK_CLOSE(whole_state, want_state, kTol);  // the new state, and the guards untouched
  if (c.split == 0) return;

  // The same tokens as split + (n_tokens − split): each output sees the same inputs in the same order,
  // so the results must be identical (tolerance 0), not merely close.
  const int64_t rest = c.n_tokens - c.split;
  CUDA_CHECK(d_state.upload(state));
  CUDA_CHECK(d_out.upload(sentinels));
  cuda::conv1d_prefill({c.split, c.conv_dim, c.kernel, stride}, d_x.get(), d_w.get(), d_bias, d_state.get() + kGuard,
                       d_out.get(), /*stream=*/nullptr);
  cuda::conv1d_prefill({rest, c.conv_dim, c.kernel, stride}, d_x.get() + c.split * stride, d_w.get(), d_bias,
                       d_state.get() + kGuard, d_out.get() + c.split * c.conv_dim, /*stream=*/nullptr);
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> parts(want.size()), parts_state(state.size());
  CUDA_CHECK(d_out.download(parts));
  CUDA_CHECK(d_state.download(parts_state));
  CHECK_CLOSE(head_of(parts, out_size), head_of(want, out_size), kTol);
  CHECK(guard_intact(parts, out_size));
  CHECK_CLOSE(parts_state, want_state, kTol);
  CHECK_CLOSE(parts, whole, 0.0);
  CHECK_CLOSE(parts_state, whole_state, 0.0);
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_conv1d_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("conv1d_cuda", nemotron::cases(), nemotron::check_against_reference);
  nemotron::test::run_cases("conv1d_prefill_cuda", nemotron::prefill_cases(), nemotron::check_prefill);
  return nemotron::test::finish("test_conv1d_cuda");
}
