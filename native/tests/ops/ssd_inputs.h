// Random Mamba2 SSD inputs laid out the way the model hands them over: x | B | C as strided views into
// one conv-output row per token (plus padding), dt after softplus, A = −exp(A_log) < 0, D, an initial
// state. Shared by test_ssd_chunk_scan and test_ssd_state_update.
#pragma once
#include <string>
#include <vector>

#include "ops/ssd.h"
#include "test_support.h"

namespace nemotron::test {

// Decay regimes: `slow` keeps a long memory (dt·A in [−0.2, −0.001]) so that state carried across chunks
// dominates y; fast decays (dt·A down to −32) check that vanishing decays stay finite and exact enough.
struct SsdCase {
  int64_t n_tokens, n_heads, head_dim, n_groups, d_state, chunk_size;
  bool initial_state, slow = true;
  int64_t pad = 3;  // extra floats at the end of each conv-output row
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " n_heads=" + std::to_string(n_heads) + " head_dim=" +
           std::to_string(head_dim) + " n_groups=" + std::to_string(n_groups) + " d_state=" + std::to_string(d_state) +
           " chunk_size=" + std::to_string(chunk_size) + " initial_state=" + std::to_string(initial_state) +
           " slow=" + std::to_string(slow);
  }
};

struct SsdData {
  SsdShape shape;
  int64_t n_tokens, stride;
  std::vector<float> xbc, dt, A, D, state;
  explicit SsdData(const SsdCase& c)
      : shape{c.n_heads, c.head_dim, c.n_groups, c.d_state, c.chunk_size}, n_tokens(c.n_tokens),
        stride(c.n_heads * c.head_dim + 2 * c.n_groups * c.d_state + c.pad) {
    Rng rng(c.n_tokens * 2654435761u + c.n_heads * 97 + c.head_dim * 13 + c.d_state + c.chunk_size);
    xbc = rng.uniform(c.n_tokens * stride);
    dt = c.slow ? rng.uniform(c.n_tokens * c.n_heads, 0.01f, 0.2f) : rng.uniform(c.n_tokens * c.n_heads, 0.1f, 2.0f);
    A = c.slow ? rng.uniform(c.n_heads, -1.0f, -0.1f) : rng.uniform(c.n_heads, -16.0f, -1.0f);
    D = rng.uniform(c.n_heads);
    const int64_t state_size = c.n_heads * c.head_dim * c.d_state;
    state = c.initial_state ? rng.uniform(state_size) : std::vector<float>(state_size, 0.0f);
  }
  // Tokens [t0, t0 + n) as SsdInputs.
  SsdInputs inputs(int64_t t0, int64_t n) const {
    const float* row = xbc.data() + t0 * stride;
    const int64_t d_inner = shape.n_heads * shape.head_dim, group_span = shape.n_groups * shape.d_state;
    return {n, row, row + d_inner, row + d_inner + group_span, stride, dt.data() + t0 * shape.n_heads, A.data(),
            D.data()};
  }
  int64_t y_size(int64_t n) const { return n * shape.n_heads * shape.head_dim; }
};

}  // namespace nemotron::test
