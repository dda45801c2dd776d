// Contract: one decode step of the Mamba2 recurrence (mamba's selective_state_update), in.n_tokens == 1.
//   state [n_heads, head_dim, d_state] float32 updated in place; y [n_heads, head_dim] = C·h + D·x.
#pragma once
#include "ops/ssd.h"

namespace nemotron {
namespace ref { void ssd_state_update(const SsdShape& s, const SsdInputs& in, float* state, float* y); }
namespace cpu { void ssd_state_update(const SsdShape& s, const SsdInputs& in, float* state, float* y); }
}  // namespace nemotron
