// CudaModel: weights uploaded at construction, then per pass: one copy of the step's layout to the
// device, embed, per layer (block → residual add fused with the next pre-norm), norm_f and lm_head for
// the wanted rows, one copy of their logits back. Everything is queued on the model's stream (a decode
// pass as one graph launch); the pass waits only for its logits.
#include "backend/cuda/runner/cuda_model.cuh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "backend/cuda/attention.cuh"
#include "backend/cuda/conv1d.cuh"
#include "backend/cuda/elementwise.cuh"
#include "backend/cuda/linear.cuh"
#include "backend/cuda/rmsnorm_gated.cuh"
#include "backend/cuda/sampling.cuh"
#include "backend/cuda/ssd_chunk_scan.cuh"
#include "backend/cuda/ssd_state_update.cuh"

namespace nemotron::cuda {
namespace {

int select_device(int index) {
  int n_devices = 0;
  const cudaError_t err = cudaGetDeviceCount(&n_devices);
  if (err != cudaSuccess) {
    cudaGetLastError();
    fail(NT_UNSUPPORTED, std::string("no usable CUDA driver or device: ") + cudaGetErrorString(err));
  }
  require(index < n_devices, NT_UNSUPPORTED,
          "cuda:" + std::to_string(index) + " does not exist; this machine has " + std::to_string(n_devices) +
              " CUDA device(s)");
  check_cuda(cudaSetDevice(index), "cudaSetDevice");
  return index;
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  check_cuda(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  return std::string(prop.name) + " (cuda:" + std::to_string(device) + ", sm_" + std::to_string(prop.major) +
         std::to_string(prop.minor) + ")";
}

int64_t count_layers(const HParams& hp, LayerKind kind) {
  return std::count(hp.layers.begin(), hp.layers.end(), kind);  // HParams::count lives in the core
}

float* f32(const DeviceBuffer& b, int64_t offset_floats = 0) { return b.as<float>() + offset_floats; }

}  // namespace

CudaModel::CudaModel(const DeviceModelSpec& spec)
    : hp_(*spec.hp),
      device_(select_device(spec.device_index)),
      name_(device_name(device_)),
      cache_memory_(device_, stream_.get(), stream_lock_) {
  const char* graphs = std::getenv("NEMOTRON_CUDA_GRAPHS");
  graphs_enabled_ = graphs == nullptr || std::strcmp(graphs, "0") != 0;
  n_mamba_layers_ = count_layers(hp_, LayerKind::Mamba);
  n_attention_layers_ = count_layers(hp_, LayerKind::Attention);
  require(hp_.attn_head_dim <= 256, NT_UNSUPPORTED, "the CUDA attention kernels take head_dim <= 256");
  if (weights_in_place(device_) && spec.n_mapped_files > 0) {
    mappings_ = std::make_unique<HostMappings>(
        std::vector<HostRange>(spec.mapped_files, spec.mapped_files + spec.n_mapped_files));
    if (!mappings_->refused().empty())
      std::fprintf(stderr, "nemotron4j: the GPU cannot map the checkpoint in place (%s); copying those weights\n",
                   mappings_->refused().c_str());
  }
  int64_t* progress = spec.upload_progress;
  const auto report = [progress](int64_t done, int64_t total) {
    if (progress == nullptr) return;
    __atomic_store_n(&progress[1], total, __ATOMIC_RELAXED);
    __atomic_store_n(&progress[0], done, __ATOMIC_RELAXED);
  };
  weights_ = std::make_unique<DeviceWeights>(*spec.model, mappings_.get(), report);
  device_sampling_ = spec.device_sampling;
  state_slots_ = spec.state_slots;
  if (device_sampling_)
    slot_logits_ = DeviceBuffer(state_slots_ * hp_.vocab_size * 4, "the sequences' last logits");
  if (weights_->in_place_bytes() > 0) name_ += ", weights in place";
  dense_ = std::make_unique<DenseRunner>(
      stream_.get(), spec.f32_activations ? ActivationPrecision::F32 : ActivationPrecision::BF16);
}

void CudaModel::forward(const DeviceStep& step) {
  const std::lock_guard<std::mutex> lock(stream_lock_);
  check_cuda(cudaSetDevice(device_), "cudaSetDevice");
  const int64_t V = hp_.vocab_size;
  int64_t longest = 0;
  for (int64_t i = 0; i < step.n_feeds; ++i) longest = std::max(longest, step.feeds[i].n_tokens);
  for (int64_t start = 0; start < longest; start += kMaxTokensPerPass) {
    // This pass's part of every feed that reaches it, the one-token parts first.
    std::vector<PassFeed> pass;
    int64_t n_decode = 0, rows = 0;
    for (int decode_first = 1; decode_first >= 0; --decode_first)
      for (int64_t i = 0; i < step.n_feeds; ++i) {
        const DeviceFeed& f = step.feeds[i];
        if (f.n_tokens <= start) continue;
        const int64_t n = std::min(kMaxTokensPerPass, f.n_tokens - start);
        if ((n == 1) != (decode_first == 1)) continue;
        const int64_t first_wanted = f.n_tokens - f.n_logit_rows;
        const int64_t wanted = std::max<int64_t>(0, start + n - std::max(first_wanted, start));
        float* out = wanted > 0 && f.logits ? f.logits + (start + n - wanted - first_wanted) * V : nullptr;
        pass.push_back({&f, f.tokens + start, n, f.n_past + start, rows, out, wanted});
        rows += n;
        if (n == 1) ++n_decode;
      }
    run_pass(step, pass, n_decode);
  }
}

bool CudaModel::reserve_scratch(const std::vector<PassFeed>& feeds, int64_t n_decode, const StepLayout& layout) {
  const HParams& hp = hp_;
  const int64_t R = layout.n_rows, H = hp.hidden_size;
  bool moved = false;
  const int64_t q_dim = hp.n_heads * hp.attn_head_dim, qkv_dim = q_dim + 2 * hp.n_kv_heads * hp.attn_head_dim;
  const int64_t wide = std::max({hp.d_in_proj(), qkv_dim, hp.intermediate_size, int64_t{1}});
  const int64_t inner = std::max({hp.d_inner(), q_dim, int64_t{1}});
  const int64_t dense_in = std::max({H, hp.d_inner(), q_dim, hp.intermediate_size});
  moved |= scratch_.x.reserve(R * H * 4, "activations");
  moved |= scratch_.h.reserve(R * H * 4, "activations");
  moved |= scratch_.delta.reserve(R * H * 4, "activations");
  moved |= scratch_.wide.reserve(R * wide * 4, "activations");
  moved |= scratch_.conv_out.reserve(R * std::max<int64_t>(hp.conv_dim(), 1) * 4, "activations");
  moved |= scratch_.dt.reserve(R * std::max<int64_t>(hp.n_mamba_heads, 1) * 4, "activations");
  moved |= scratch_.y.reserve(R * inner * 4, "activations");
  moved |= scratch_.bf16.reserve(dense_->scratch_elements(std::max(R, layout.n_logit_rows), dense_in) * 2, "activations");
  int64_t longest_prefill = 0;
  for (size_t i = static_cast<size_t>(n_decode); i < feeds.size(); ++i)
    longest_prefill = std::max(longest_prefill, feeds[i].n_tokens);
  if (n_mamba_layers_ > 0 && longest_prefill > 0) {
    const SsdShape ss{hp.n_mamba_heads, hp.mamba_head_dim, hp.n_groups, hp.d_state, hp.chunk_size};
    moved |= scratch_.ssd.reserve(static_cast<int64_t>(ssd_chunk_scan_workspace_bytes(ss, longest_prefill)), "the scan");
  }
  const int64_t L = std::max<int64_t>(layout.n_logit_rows, 1);
  moved |= scratch_.logit_rows.reserve(L * H * 4, "logits");
  moved |= scratch_.logit_normed.reserve(L * H * 4, "logits");
  moved |= scratch_.logits.reserve(L * hp.vocab_size * 4, "logits");
  scratch_.logits_host.reserve(L * hp.vocab_size * 4, "logits");
  moved |= scratch_.layout.reserve(layout.bytes(), "the step layout");
  scratch_.layout_host.reserve(layout.bytes(), "the step layout");
  return moved;
}

void CudaModel::run_pass(const DeviceStep& step, const std::vector<PassFeed>& feeds, int64_t n_decode) {
  const cudaStream_t s = stream_.get();
  const bool decode_only = graphs_enabled_ && n_decode == static_cast<int64_t>(feeds.size());
  const StepLayout layout(feeds, n_decode, n_mamba_layers_, step.kv_block_tokens, n_attention_layers_ > 0,
                          /*bucket_decode_tables=*/decode_only);
  if (reserve_scratch(feeds, n_decode, layout)) graphs_.clear();  // they hold the old addresses

  // The previous pass has finished with the pinned layout (it waited for its logits).
  std::memcpy(scratch_.layout_host.as(), layout.host(), static_cast<size_t>(layout.bytes()));
  check_cuda(cudaMemcpyAsync(scratch_.layout.as(), scratch_.layout_host.as(), static_cast<size_t>(layout.bytes()),
                             cudaMemcpyHostToDevice, s),
             "copying the step layout");

  const GraphExec* graph = nullptr;
  if (decode_only) {
    const auto key = std::make_tuple(layout.n_rows, layout.max_decode_blocks, layout.n_logit_rows);
    auto found = graphs_.find(key);
    if (found == graphs_.end()) {
      try {
        found = graphs_.emplace(key, capture(step, feeds, n_decode, layout)).first;
      } catch (const Error& e) {
        // Nothing captured has run: the pass goes on eagerly, and so do the later ones.
        graphs_enabled_ = false;
        std::fprintf(stderr, "nemotron4j: CUDA graphs are off for this model: %s\n", e.what());
      }
    }
    if (graphs_enabled_) graph = found->second.get();
  }
  if (graph) {
    check_cuda(cudaGraphLaunch(graph->get(), s), "launching a decode graph");
  } else {
    enqueue_pass(step, feeds, n_decode, layout);
  }
  copy_logits_out(feeds, layout);
}

std::unique_ptr<GraphExec> CudaModel::capture(const DeviceStep& step, const std::vector<PassFeed>& feeds,
                                              int64_t n_decode, const StepLayout& layout) {
  const cudaStream_t s = stream_.get();
  // Thread-local mode: only this thread's calls are checked; other threads' stream work waits on
  // stream_lock_, which forward() holds.
  check_cuda(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal), "starting a graph capture");
  cudaGraph_t graph = nullptr;
  try {
    enqueue_pass(step, feeds, n_decode, layout);
  } catch (...) {
    cudaStreamEndCapture(s, &graph);
    if (graph) cudaGraphDestroy(graph);
    cudaGetLastError();
    throw;
  }
  check_cuda(cudaStreamEndCapture(s, &graph), "capturing a decode step");
  cudaGraphExec_t exec = nullptr;
  const cudaError_t err = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  check_cuda(err, "instantiating a decode graph");
  return std::make_unique<GraphExec>(exec);
}

void CudaModel::enqueue_pass(const DeviceStep& step, const std::vector<PassFeed>& feeds, int64_t n_decode,
                             const StepLayout& layout) {
  const HParams& hp = hp_;
  const cudaStream_t s = stream_.get();
  const int64_t R = layout.n_rows, H = hp.hidden_size;
  const DeviceWeights& w = *weights_;
  embed_rows(on_device<int32_t>(layout.tokens), R, w.embedding.data, w.embedding.dtype, H, f32(scratch_.x), s);
  rmsnorm(f32(scratch_.x), R, H, w.layer_norm[0], hp.norm_eps, f32(scratch_.h), s);
  for (size_t l = 0; l < hp.layers.size(); ++l) {
    // The ordinal of layer l among its kind.
    const LayerKind kind = hp.layers[l];
    const int64_t ordinal = std::count(hp.layers.begin(), hp.layers.begin() + static_cast<int64_t>(l), kind);
    switch (kind) {
      case LayerKind::Mamba:
        mamba_layer(ordinal, feeds, n_decode, layout);
        break;
      case LayerKind::Attention:
        attention_layer(ordinal, step, feeds, n_decode, layout);
        break;
      case LayerKind::Mlp:
        mlp_layer(ordinal, R);
        break;
      case LayerKind::Moe:
        fail(NT_UNSUPPORTED, "MoE layers are not supported");
    }
    if (l + 1 < hp.layers.size()) {
      add_rmsnorm(f32(scratch_.x), f32(scratch_.delta), R, H, w.layer_norm[l + 1], hp.norm_eps, f32(scratch_.h), s);
    } else {
      add_in_place(f32(scratch_.x), f32(scratch_.delta), R * H, s);
    }
  }
  logits(layout);
}

void CudaModel::mamba_layer(int64_t m, const std::vector<PassFeed>& feeds, int64_t n_decode, const StepLayout& layout) {
  const HParams& hp = hp_;
  const cudaStream_t s = stream_.get();
  const DeviceMambaWeights& w = weights_->mamba[static_cast<size_t>(m)];
  const int64_t R = layout.n_rows, d_inner = hp.d_inner(), conv_dim = hp.conv_dim(), d_in_proj = hp.d_in_proj();
  const int64_t nh = hp.n_mamba_heads, gN = hp.n_groups * hp.d_state;
  float* zxbcdt = f32(scratch_.wide);  // [R, d_in_proj] = z | xBC | dt
  float* conv_out = f32(scratch_.conv_out);
  float* dt = f32(scratch_.dt);
  float* y = f32(scratch_.y);

  dense_->run(f32(scratch_.h), R, w.in_proj, w.in_proj_bias, zxbcdt, scratch_.bf16.as<uint16_t>());
  mamba_dt(zxbcdt + d_inner + conv_dim, R, nh, d_in_proj, w.dt_bias, hp.dt_min, hp.dt_max, dt, s);
  const SsdShape ss{nh, hp.mamba_head_dim, hp.n_groups, hp.d_state, hp.chunk_size};
  if (n_decode > 0) {
    const ConvShape cs{n_decode, conv_dim, hp.conv_kernel, d_in_proj};
    conv1d_update_batched(cs, zxbcdt + d_inner, w.conv_weight, w.conv_bias,
                          on_device<float*>(layout.conv_states) + m * n_decode, conv_out, s);
    const SsdInputs in{n_decode, conv_out, conv_out + d_inner, conv_out + d_inner + gN, conv_dim, dt, w.A, w.D};
    ssd_state_update_batched(ss, in, on_device<float*>(layout.ssm_states) + m * n_decode, y, s);
  }
  for (size_t i = static_cast<size_t>(n_decode); i < feeds.size(); ++i) {
    const PassFeed& f = feeds[i];
    const int64_t r0 = f.first_row, T = f.n_tokens;
    const MambaStateView& state = f.feed->mamba[m];
    const ConvShape cs{T, conv_dim, hp.conv_kernel, d_in_proj};
    float* out = conv_out + r0 * conv_dim;
    conv1d_prefill(cs, zxbcdt + r0 * d_in_proj + d_inner, w.conv_weight, w.conv_bias, state.conv, out, s);
    const SsdInputs in{T, out, out + d_inner, out + d_inner + gN, conv_dim, dt + r0 * nh, w.A, w.D};
    ssd_chunk_scan(ss, in, state.ssm, y + r0 * d_inner, scratch_.ssd.as(), s);
  }
  const GatedNormShape gs{R, d_inner, hp.n_groups, d_inner, d_in_proj};
  rmsnorm_gated(gs, y, zxbcdt, w.norm, hp.norm_eps, y, s);
  dense_->run(y, R, w.out_proj, w.out_proj_bias, f32(scratch_.delta), scratch_.bf16.as<uint16_t>());
}

void CudaModel::attention_layer(int64_t a, const DeviceStep& step, const std::vector<PassFeed>& feeds,
                                int64_t n_decode, const StepLayout& layout) {
  const HParams& hp = hp_;
  const cudaStream_t s = stream_.get();
  const DeviceAttentionWeights& w = weights_->attention[static_cast<size_t>(a)];
  const int64_t R = layout.n_rows, hd = hp.attn_head_dim;
  const int64_t q_dim = hp.n_heads * hd, kv_dim = hp.n_kv_heads * hd, qkv_dim = q_dim + 2 * kv_dim;
  float* qkv = f32(scratch_.wide);  // [R, q | k | v]
  float* attended = f32(scratch_.y);
  // The pools are written through here: the step hands them out read-only to keep the core's view.
  float* k_pool = const_cast<float*>(step.k_pools[a]);
  float* v_pool = const_cast<float*>(step.v_pools[a]);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));

  dense_->run(f32(scratch_.h), R, w.qkv, w.qkv_bias, qkv, scratch_.bf16.as<uint16_t>());
  kv_scatter(qkv + q_dim, qkv + q_dim + kv_dim, R, kv_dim, qkv_dim, on_device<int64_t>(layout.pool_rows), k_pool,
             v_pool, s);
  if (n_decode > 0) {
    const PagedDecodeBatch b{n_decode,     hp.n_heads, hp.n_kv_heads, hd,
                             qkv_dim,      k_pool,     v_pool,        step.kv_block_tokens,
                             on_device<int32_t>(layout.decode_tables), layout.max_decode_blocks,
                             on_device<int32_t>(layout.context_lens)};
    attention_decode_paged(b, qkv, scale, attended, s);
  }
  for (size_t i = static_cast<size_t>(n_decode); i < feeds.size(); ++i) {
    const PassFeed& f = feeds[i];
    const AttentionShape as{f.n_tokens, f.n_past, hp.n_heads, hp.n_kv_heads, hd, qkv_dim};
    const PagedKv kv{k_pool, v_pool, step.kv_block_tokens,
                     on_device<int32_t>(layout.prefill_tables[i - static_cast<size_t>(n_decode)])};
    attention_prefill_paged(as, qkv + f.first_row * qkv_dim, kv, scale, attended + f.first_row * q_dim, s);
  }
  dense_->run(attended, R, w.o_proj, w.o_bias, f32(scratch_.delta), scratch_.bf16.as<uint16_t>());
}

void CudaModel::mlp_layer(int64_t m, int64_t n_rows) {
  const DeviceMlpWeights& w = weights_->mlp[static_cast<size_t>(m)];
  float* up = f32(scratch_.wide);
  dense_->run(f32(scratch_.h), n_rows, w.up_proj, w.up_bias, up, scratch_.bf16.as<uint16_t>());
  relu_squared(up, n_rows * hp_.intermediate_size, stream_.get());
  dense_->run(up, n_rows, w.down_proj, w.down_bias, f32(scratch_.delta), scratch_.bf16.as<uint16_t>());
}

void CudaModel::logits(const StepLayout& layout) {
  const cudaStream_t s = stream_.get();
  const int64_t L = layout.n_logit_rows, H = hp_.hidden_size;
  if (L == 0) return;
  gather_rows(f32(scratch_.x), on_device<int32_t>(layout.logit_rows), L, H, f32(scratch_.logit_rows), s);
  rmsnorm(f32(scratch_.logit_rows), L, H, weights_->norm_f, hp_.norm_eps, f32(scratch_.logit_normed), s);
  dense_->run(f32(scratch_.logit_normed), L, weights_->lm_head, nullptr, f32(scratch_.logits),
              scratch_.bf16.as<uint16_t>());
  if (device_sampling_)
    scatter_rows(f32(scratch_.logits), on_device<int32_t>(layout.logit_slots), L, hp_.vocab_size,
                 slot_logits_.as<float>(), s);
}

void CudaModel::copy_logits_out(const std::vector<PassFeed>& feeds, const StepLayout& layout) {
  const cudaStream_t s = stream_.get();
  const int64_t L = layout.n_logit_rows, V = hp_.vocab_size;
  check_cuda(cudaGetLastError(), "launching the forward pass's kernels");
  // Logits leave the device only for the feeds that want them on the host.
  const bool to_host = std::any_of(feeds.begin(), feeds.end(),
                                   [](const PassFeed& f) { return f.n_logit_rows > 0 && f.logits != nullptr; });
  if (to_host)
    check_cuda(cudaMemcpyAsync(scratch_.logits_host.as(), scratch_.logits.as(), static_cast<size_t>(L * V * 4),
                               cudaMemcpyDeviceToHost, s),
               "copying the logits");
  check_cuda(cudaStreamSynchronize(s), "the forward pass");
  const float* host = scratch_.logits_host.as<float>();
  int64_t row = 0;
  for (const PassFeed& f : feeds) {
    if (f.n_logit_rows == 0) continue;
    if (f.logits) std::memcpy(f.logits, host + row * V, static_cast<size_t>(f.n_logit_rows * V) * 4);
    row += f.n_logit_rows;
  }
}

void CudaModel::copy_last_logits(int32_t from_slot, int32_t to_slot) {
  const std::lock_guard<std::mutex> lock(stream_lock_);
  check_cuda(cudaSetDevice(device_), "cudaSetDevice");
  require(device_sampling_ && from_slot >= 0 && to_slot >= 0 && from_slot < state_slots_ && to_slot < state_slots_,
          NT_INTERNAL, "copy_last_logits: no such slot");
  const int64_t V = hp_.vocab_size;
  check_cuda(cudaMemcpyAsync(slot_logits_.as<float>() + to_slot * V, slot_logits_.as<float>() + from_slot * V,
                             static_cast<size_t>(V * 4), cudaMemcpyDeviceToDevice, stream_.get()),
             "copying a fork's logits");
}

void CudaModel::sample(const int32_t* slots, const SamplingParams* params, int64_t n, SampleResult* results) {
  const std::lock_guard<std::mutex> lock(stream_lock_);
  check_cuda(cudaSetDevice(device_), "cudaSetDevice");
  require(device_sampling_, NT_INTERNAL, "sample: this model samples on the host");
  if (n == 0) return;
  const cudaStream_t s = stream_.get();
  const int64_t V = hp_.vocab_size;

  // One arena: slots | parameters | results | each draw's id arrays; the parameters point into the
  // device copy. Only the arrays a draw reads are copied (the history only when a penalty is on).
  std::vector<unsigned char> host;
  const auto place = [&](int64_t bytes) {
    const int64_t at = (static_cast<int64_t>(host.size()) + 15) / 16 * 16;
    host.resize(static_cast<size_t>(at + bytes));
    return at;
  };
  const int64_t slots_at = place(n * 4), params_at = place(n * static_cast<int64_t>(sizeof(DeviceSamplingParams)));
  const int64_t results_at = place(n * static_cast<int64_t>(sizeof(SampleResult)));
  std::vector<DeviceSamplingParams> device_params(static_cast<size_t>(n));
  struct Arrays {
    int64_t bias_ids, bias_values, suppressed, prompt, output;
  };
  std::vector<Arrays> at(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    SamplingParams p = params[i];
    const bool penalties = p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f || p.repetition_penalty != 1.0f;
    if (p.repetition_penalty == 1.0f) p.n_prompt = 0;
    if (!penalties) p.n_output = 0;
    at[i] = {place(p.n_bias * 4), place(p.n_bias * 4), place(p.n_suppressed * 4), place(p.n_prompt * 4),
             place(p.n_output * 4)};
    device_params[i].params = p;
  }
  sampling_.arena.reserve(static_cast<int64_t>(host.size()), "sampling");
  sampling_.arena_host.reserve(static_cast<int64_t>(host.size()), "sampling");
  unsigned char* device = sampling_.arena.as<unsigned char>();
  const auto copy_in = [&](int64_t offset, const void* src, int64_t bytes) {
    if (bytes > 0) std::memcpy(host.data() + offset, src, static_cast<size_t>(bytes));
    return bytes > 0 ? device + offset : nullptr;
  };
  copy_in(slots_at, slots, n * 4);
  for (int64_t i = 0; i < n; ++i) {
    SamplingParams& p = device_params[i].params;
    p.bias_ids = reinterpret_cast<const int32_t*>(copy_in(at[i].bias_ids, p.bias_ids, p.n_bias * 4));
    p.bias_values = reinterpret_cast<const float*>(copy_in(at[i].bias_values, p.bias_values, p.n_bias * 4));
    p.suppressed_ids = reinterpret_cast<const int32_t*>(copy_in(at[i].suppressed, p.suppressed_ids, p.n_suppressed * 4));
    p.prompt_ids = reinterpret_cast<const int32_t*>(copy_in(at[i].prompt, p.prompt_ids, p.n_prompt * 4));
    p.output_ids = reinterpret_cast<const int32_t*>(copy_in(at[i].output, p.output_ids, p.n_output * 4));
  }
  copy_in(params_at, device_params.data(), n * static_cast<int64_t>(sizeof(DeviceSamplingParams)));
  std::memcpy(sampling_.arena_host.as(), host.data(), host.size());
  check_cuda(cudaMemcpyAsync(device, sampling_.arena_host.as(), host.size(), cudaMemcpyHostToDevice, s),
             "copying the sampling parameters");

  sampling_.rows.reserve(n * V * 4, "sampling");
  sampling_.workspace.reserve(static_cast<int64_t>(sample_workspace_bytes(n, V)), "sampling");
  gather_rows(slot_logits_.as<float>(), reinterpret_cast<const int32_t*>(device + slots_at), n, V,
              sampling_.rows.as<float>(), s);
  sample_batch(sampling_.rows.as<float>(), n, V, reinterpret_cast<const DeviceSamplingParams*>(device + params_at),
               reinterpret_cast<SampleResult*>(device + results_at), sampling_.workspace.as(), s);
  check_cuda(cudaGetLastError(), "launching the sampler");
  auto* results_host = sampling_.arena_host.as<unsigned char>() + results_at;
  check_cuda(cudaMemcpyAsync(results_host, device + results_at, static_cast<size_t>(n) * sizeof(SampleResult),
                             cudaMemcpyDeviceToHost, s),
             "copying the draws");
  check_cuda(cudaStreamSynchronize(s), "sampling");
  std::memcpy(results, results_host, static_cast<size_t>(n) * sizeof(SampleResult));
  for (int64_t i = 0; i < n; ++i)
    require(results[i].token >= 0, NT_INTERNAL,
            "draw " + std::to_string(i) + ": the model's logits hold NaN or +inf (or every token was suppressed)");
}

}  // namespace nemotron::cuda
