// Contract: the chunked SSD scan (Mamba2 prefill), mamba's stages chunk_cumsum → chunk_state →
// state_passing → chunk_scan, run from a per-sequence initial state.
//   in     see ssd.h; any n_tokens ≥ 1 (the last chunk may be partial)
//   state  [n_heads, head_dim, d_state] float32: initial state in, final state out
//   y      [n_tokens, n_heads, head_dim] float32 contiguous: C·h + D·x (gate and norm come after)
// Precision: float32 throughout; decays are exp of segment sums accumulated directly (never the
// difference of two long cumsums, which loses digits when |cumsum| is large).
// ref::ssd_chunk_scan is the sequential recurrence in double (the math of ssd.h, no chunks).
#pragma once
#include "ops/ssd.h"

namespace nemotron {
namespace ref { void ssd_chunk_scan(const SsdShape& s, const SsdInputs& in, float* state, float* y); }
namespace cpu { void ssd_chunk_scan(const SsdShape& s, const SsdInputs& in, float* state, float* y); }
}  // namespace nemotron
