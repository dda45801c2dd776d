// Mamba2 mixer forward for one sequence. Prefill (n_tokens > 1) runs the chunked SSD scan; decode
// (one token) the single-step recurrence; both continue the sequence's conv and SSM state.
#include "model/mamba2_block.h"

#include <cmath>

#include "ops/conv1d.h"
#include "ops/linear.h"
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

// Bfloat16 SSM state is widened for the step and rounded once at its end.
struct SsmStateAccess {
  MambaLayerState& layer;
  DType dtype;
  std::vector<float> widened;

  float* begin() {
    if (dtype != DType::BF16) return layer.ssm.data();
    widened.resize(layer.ssm_bf16.size());
    for (size_t i = 0; i < widened.size(); ++i) widened[i] = bf16_to_float(layer.ssm_bf16[i]);
    return widened.data();
  }
  void commit() {
    if (dtype != DType::BF16) return;
    for (size_t i = 0; i < widened.size(); ++i) layer.ssm_bf16[i] = float_to_bf16(widened[i]);
  }
};

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

void mamba2_forward(const BlockInput& in, const Mamba2Weights& w, MambaLayerState& state, DType ssm_dtype) {
  const HParams& hp = in.hp;
  const int64_t T = in.n_tokens, d_inner = hp.d_inner(), conv_dim = hp.conv_dim(), nh = hp.n_mamba_heads;
  const int64_t d_in_proj = hp.d_in_proj(), gN = hp.n_groups * hp.d_state;

  // [T, hidden] → zxbcdt [T, d_in_proj] = z [T, d_inner] | xBC [T, conv_dim] | dt [T, n_heads]
  std::vector<float> zxbcdt(static_cast<size_t>(T * d_in_proj));
  cpu::linear(in.h, T, w.in_proj, w.in_proj_bias.empty() ? nullptr : w.in_proj_bias.data(), zxbcdt.data());
  const float* z = zxbcdt.data();
  const float* xBC = z + d_inner;
  const float* dt_raw = xBC + conv_dim;

  // xBC → silu(conv) [T, conv_dim] = x [T, n_heads, head_dim] | B [T, n_groups, d_state] | C [same]
  std::vector<float> conv_out(static_cast<size_t>(T * conv_dim));
  const ConvShape cs{T, conv_dim, hp.conv_kernel, d_in_proj};
  const float* conv_bias = w.conv_bias.empty() ? nullptr : w.conv_bias.data();
  if (T == 1) {
    cpu::conv1d_update(cs, xBC, w.conv_weight.data(), conv_bias, state.conv.data(), conv_out.data());
  } else {
    cpu::conv1d_prefill(cs, xBC, w.conv_weight.data(), conv_bias, state.conv.data(), conv_out.data());
  }

  // dt [T, n_heads] = clamp(softplus(dt + dt_bias), time_step_limit)
  std::vector<float> dt(static_cast<size_t>(T * nh));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < nh; ++h) {
      const float v = softplus(dt_raw[t * d_in_proj + h] + w.dt_bias[h]);
      dt[t * nh + h] = std::fmin(std::fmax(v, hp.dt_min), hp.dt_max);
    }

  // SSD: y [T, n_heads, head_dim] = C·h + D·x, state carried in the sequence's slot
  const SsdShape ss{nh, hp.mamba_head_dim, hp.n_groups, hp.d_state, hp.chunk_size};
  const float* x = conv_out.data();
  const SsdInputs si{T, x, x + d_inner, x + d_inner + gN, conv_dim, dt.data(), w.A.data(), w.D.data()};
  std::vector<float> y(static_cast<size_t>(T * d_inner));
  SsmStateAccess ssm{state, ssm_dtype, {}};
  float* ssm_state = ssm.begin();
  if (T == 1) {
    cpu::ssd_state_update(ss, si, ssm_state, y.data());
  } else {
    cpu::ssd_chunk_scan(ss, si, ssm_state, y.data());
  }
  ssm.commit();

  // gated RMSNorm per group (in place), then out_proj → [T, hidden]
  const GatedNormShape gs{T, d_inner, hp.n_groups, d_inner, d_in_proj};
  cpu::rmsnorm_gated(gs, y.data(), z, w.norm.data(), hp.norm_eps, y.data());
  cpu::linear(y.data(), T, w.out_proj, w.out_proj_bias.empty() ? nullptr : w.out_proj_bias.data(), in.out);
}

}  // namespace nemotron
