// Mamba2 mixer forward over a batch. The projections run once over all rows; then each sequence's slice
// continues its own conv and SSM state: a one-token slice by the single-step recurrence (slices in
// parallel), a longer one by the chunked SSD scan (parallel inside).
#include "model/mamba2_block.h"

#include <cmath>

#include "model/dense.h"
#include "ops/conv1d.h"
#include "ops/rmsnorm_gated.h"
#include "ops/ssd_chunk_scan.h"
#include "ops/ssd_state_update.h"

namespace nemotron {
namespace {

// softplus as torch computes it (threshold 20: beyond it exp(−x) is below float resolution).
float softplus(float x) { return x > 20.0f ? x : std::log1p(std::exp(x)); }

std::vector<float> optional_floats(WeightStore& store, const std::string& name, bool present, int64_t n) {
  return present ? store.floats(name, {n}) : std::vector<float>{};
}

// Bfloat16 SSM state is widened for the step and rounded once at its end. The float32 copy (1 MB per
// layer at the 0.5b shape) lives in a buffer per thread: decode slices run on every thread, every
// layer, every step, and a fresh allocation of that size would fault its pages in each time.
struct SsmStateAccess {
  const MambaStateView& view;
  std::vector<float>& widened;

  float* begin() {
    if (view.ssm) return view.ssm;
    widened.resize(static_cast<size_t>(view.ssm_elements));
    for (size_t i = 0; i < widened.size(); ++i) widened[i] = bf16_to_float(view.ssm_bf16[i]);
    return widened.data();
  }
  void commit() {
    if (view.ssm) return;
    for (size_t i = 0; i < widened.size(); ++i) view.ssm_bf16[i] = float_to_bf16(widened[i]);
  }
};

struct MambaScratch {
  const HParams& hp;
  const Mamba2Weights& w;
  const float* zxbcdt;  // [n_rows, d_in_proj]
  float* conv_out;      // [n_rows, conv_dim]
  float* dt;            // [n_rows, n_heads]
  float* y;             // [n_rows, d_inner]
};

// conv → dt → SSD for one sequence's rows, continuing its state.
void mamba_slice(const MambaScratch& m, const BatchSlice& slice, int64_t mamba_layer) {
  const HParams& hp = m.hp;
  const int64_t T = slice.n_tokens, r0 = slice.first_row, d_inner = hp.d_inner(), conv_dim = hp.conv_dim();
  const int64_t nh = hp.n_mamba_heads, d_in_proj = hp.d_in_proj(), gN = hp.n_groups * hp.d_state;
  const MambaStateView state = slice.state->mamba(mamba_layer);

  // xBC → silu(conv) [T, conv_dim] = x [T, n_heads, head_dim] | B [T, n_groups, d_state] | C [same]
  const float* xBC = m.zxbcdt + r0 * d_in_proj + d_inner;
  const float* dt_raw = xBC + conv_dim;
  float* conv_out = m.conv_out + r0 * conv_dim;
  const ConvShape cs{T, conv_dim, hp.conv_kernel, d_in_proj};
  const float* conv_bias = m.w.conv_bias.empty() ? nullptr : m.w.conv_bias.data();
  if (T == 1) {
    cpu::conv1d_update(cs, xBC, m.w.conv_weight.data(), conv_bias, state.conv, conv_out);
  } else {
    cpu::conv1d_prefill(cs, xBC, m.w.conv_weight.data(), conv_bias, state.conv, conv_out);
  }

  // dt [T, n_heads] = clamp(softplus(dt + dt_bias), time_step_limit)
  float* dt = m.dt + r0 * nh;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < nh; ++h) {
      const float v = softplus(dt_raw[t * d_in_proj + h] + m.w.dt_bias[h]);
      dt[t * nh + h] = std::fmin(std::fmax(v, hp.dt_min), hp.dt_max);
    }

  // SSD: y [T, n_heads, head_dim] = C·h + D·x, state carried in the sequence's slot
  const SsdShape ss{nh, hp.mamba_head_dim, hp.n_groups, hp.d_state, hp.chunk_size};
  const SsdInputs si{T, conv_out, conv_out + d_inner, conv_out + d_inner + gN, conv_dim, dt, m.w.A.data(), m.w.D.data()};
  thread_local std::vector<float> widened;
  SsmStateAccess ssm{state, widened};
  float* ssm_state = ssm.begin();
  if (T == 1) {
    cpu::ssd_state_update(ss, si, ssm_state, m.y + r0 * d_inner);
  } else {
    cpu::ssd_chunk_scan(ss, si, ssm_state, m.y + r0 * d_inner);
  }
  ssm.commit();
}

}  // namespace

Mamba2Weights Mamba2Weights::bind(WeightStore& store, const HParams& hp, const std::string& p) {
  Mamba2Weights w;
  const int64_t H = hp.hidden_size, nh = hp.n_mamba_heads;
  w.in_proj = store.matrix(p + "in_proj.weight", {hp.d_in_proj(), H});
  w.out_proj = store.matrix(p + "out_proj.weight", {H, hp.d_inner()});
  w.in_proj_bias = optional_floats(store, p + "in_proj.bias", hp.mamba_proj_bias, hp.d_in_proj());
  w.out_proj_bias = optional_floats(store, p + "out_proj.bias", hp.mamba_proj_bias, H);
  w.conv_weight = store.floats(p + "conv1d.weight", {hp.conv_dim(), 1, hp.conv_kernel});
  w.conv_bias = optional_floats(store, p + "conv1d.bias", hp.use_conv_bias, hp.conv_dim());
  w.A = store.floats(p + "A_log", {nh});
  for (float& a : w.A) a = -std::exp(a);
  w.D = store.floats(p + "D", {nh});
  w.dt_bias = store.floats(p + "dt_bias", {nh});
  w.norm = store.floats(p + "norm.weight", {hp.d_inner()});
  return w;
}

void mamba2_forward(const BlockInput& in, const Mamba2Weights& w, int64_t mamba_layer) {
  const HParams& hp = in.hp;
  const int64_t n = in.n_rows, d_inner = hp.d_inner(), d_in_proj = hp.d_in_proj();

  // [n, hidden] → zxbcdt [n, d_in_proj] = z [n, d_inner] | xBC [n, conv_dim] | dt [n, n_heads]
  std::vector<float> zxbcdt(static_cast<size_t>(n * d_in_proj));
  dense(in, in.h, w.in_proj, w.in_proj_bias, zxbcdt.data());
  std::vector<float> conv_out(static_cast<size_t>(n * hp.conv_dim())), dt(static_cast<size_t>(n * hp.n_mamba_heads));
  std::vector<float> y(static_cast<size_t>(n * d_inner));
  const MambaScratch m{hp, w, zxbcdt.data(), conv_out.data(), dt.data(), y.data()};

  // Several decode slices: one per thread (the ops' own parallel loops then run serially inside, with
  // the same arithmetic). A lone decode slice and prefill slices each use every thread.
  const int64_t n_decode = in.n_decode_rows, n_slices = static_cast<int64_t>(in.slices.size());
  if (n_decode > 1) {
#pragma omp parallel for schedule(dynamic)
    for (int64_t i = 0; i < n_decode; ++i) mamba_slice(m, in.slices[i], mamba_layer);
  }
  for (int64_t i = n_decode > 1 ? n_decode : 0; i < n_slices; ++i) mamba_slice(m, in.slices[i], mamba_layer);

  // gated RMSNorm per group (in place), then out_proj → [n, hidden]
  const GatedNormShape gs{n, d_inner, hp.n_groups, d_inner, d_in_proj};
  cpu::rmsnorm_gated(gs, y.data(), zxbcdt.data(), w.norm.data(), hp.norm_eps, y.data());
  dense(in, y.data(), w.out_proj, w.out_proj_bias, in.out);
}

}  // namespace nemotron
