// bench_cuda_model: the whole model on a CUDA device through the C API, random bfloat16 weights of a
// config's shape (default NVIDIA-Nemotron-Nano-9B-v2), against the device's limits measured in the same
// run (measure_device_limits: read bandwidth, cuBLAS bf16 GEMM peak).
//   prefill P: one fresh sequence fed P tokens at once (last row's logits back), best of 3;
//              ratio = achieved FLOP/s / GEMM peak, FLOPs = 2 · matrix parameters (embedding excluded)
//              + causal attention's 2 · P · q_dim per token and attention layer.
//   decode B:  B sequences with a 64-token prompt each, then timed steps as the engine runs them: every
//              sequence's next token drawn (nt_model_sample_batch, temperature 0.7, top_p 0.95; on the
//              host, or on the GPU with NEMOTRON_CUDA_SAMPLING=1) and fed, all B in one
//              nt_model_feed_batch; ratio = achieved bytes/s /
//              read bandwidth, bytes per step = weights read (embedding excluded) + B · (Mamba state read
//              and written + K/V read).
// Usage: bench_cuda_model [--shape 9b|tiny] [--prefill 512,2048,8192] [--decode 1,8,64] [--steps N]
//                         [--activations bf16|f32]   (nt_activation_precision; default bf16)
//        (the CUDA library from $NEMOTRON_CUDA_LIBRARY, as for any model)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backend/cuda/limits.cuh"
#include "engine/status.h"
#include "nemotron/nemotron.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

[[noreturn]] void die(const char* what, const nt_error& e) {
  std::fprintf(stderr, "bench_cuda_model: %s: %s\n", what, e.message);
  std::exit(1);
}

nt_config shape_config(const std::string& shape) {
  nt_config c{};
  c.conv_kernel = 4;
  c.use_conv_bias = 1;
  c.norm_eps = 1e-5f;
  c.dt_min = 0.0f;
  c.dt_max = INFINITY;
  const char* pattern;
  if (shape == "9b") {  // NVIDIA-Nemotron-Nano-9B-v2's config.json
    c.vocab_size = 131072; c.hidden_size = 4480; c.n_heads = 40; c.n_kv_heads = 8; c.attn_head_dim = 128;
    c.intermediate_size = 15680; c.mamba_n_heads = 128; c.mamba_head_dim = 80; c.n_groups = 8; c.d_state = 128;
    c.chunk_size = 128;
    pattern = "M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-";
  } else if (shape == "tiny") {
    c.vocab_size = 512; c.hidden_size = 64; c.n_heads = 4; c.n_kv_heads = 2; c.attn_head_dim = 24;
    c.intermediate_size = 160; c.mamba_n_heads = 8; c.mamba_head_dim = 16; c.n_groups = 2; c.d_state = 16;
    c.chunk_size = 16;
    pattern = "M-*-MM*-M-";
  } else {
    std::fprintf(stderr, "bench_cuda_model: unknown shape '%s' (known: 9b, tiny)\n", shape.c_str());
    std::exit(2);
  }
  c.n_layers = static_cast<int32_t>(std::strlen(pattern));
  std::snprintf(c.layer_kinds, sizeof c.layer_kinds, "%s", pattern);
  return c;
}

std::vector<int> int_list(const char* text) {
  std::vector<int> out;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    const long v = std::strtol(p, &end, 10);
    if (end == p || v <= 0) {
      std::fprintf(stderr, "bench_cuda_model: bad list '%s'\n", text);
      std::exit(2);
    }
    out.push_back(static_cast<int>(v));
    p = *end == ',' ? end + 1 : end;
  }
  return out;
}

struct Costs {
  double matrix_params;   // every matrix but the embedding
  double weight_bytes;    // read per decode step
  double q_dim;
  int n_attention;
  double state_bytes, kv_bytes_per_token;
};

Costs costs(const nt_config& c, const nt_model_stats& stats) {
  Costs k{};
  const double H = c.hidden_size, d_inner = double(c.mamba_n_heads) * c.mamba_head_dim;
  const double d_in_proj = 2 * d_inner + 2.0 * c.n_groups * c.d_state + c.mamba_n_heads;
  k.q_dim = double(c.n_heads) * c.attn_head_dim;
  const double kv_dim = double(c.n_kv_heads) * c.attn_head_dim;
  for (int i = 0; i < c.n_layers; ++i) {
    switch (c.layer_kinds[i]) {
      case 'M': k.matrix_params += H * d_in_proj + d_inner * H; break;
      case '*': k.matrix_params += H * (k.q_dim + 2 * kv_dim) + k.q_dim * H; ++k.n_attention; break;
      case '-': k.matrix_params += 2 * H * c.intermediate_size; break;
      default: break;
    }
  }
  k.matrix_params += double(c.vocab_size) * H;  // lm_head
  k.weight_bytes = k.matrix_params * 2;
  k.state_bytes = double(stats.state_bytes_per_sequence);
  k.kv_bytes_per_token = double(stats.kv_bytes_per_token);
  return k;
}

struct Row {
  std::string what;
  double tok_s, ratio;
  const char* limit;
};

}  // namespace

int main(int argc, char** argv) {
  std::string shape = "9b";
  std::vector<int> prefills = {512, 2048, 8192}, batches = {1, 8, 64};
  int steps = 32;
  int32_t activations = NT_ACTIVATIONS_BF16;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: bench_cuda_model [--shape 9b|tiny] [--prefill 512,2048,8192] [--decode 1,8,64] [--steps 32]\n"
                  "                        [--activations bf16|f32]\n");
      return 0;
    }
    if (i + 1 >= argc) { std::fprintf(stderr, "bench_cuda_model: %s needs a value\n", a.c_str()); return 2; }
    if (a == "--shape") shape = argv[++i];
    else if (a == "--prefill") prefills = int_list(argv[++i]);
    else if (a == "--decode") batches = int_list(argv[++i]);
    else if (a == "--steps") steps = int_list(argv[++i]).front();
    else if (a == "--activations") {
      const std::string v = argv[++i];
      if (v != "bf16" && v != "f32") { std::fprintf(stderr, "bench_cuda_model: --activations bf16|f32\n"); return 2; }
      activations = v == "f32" ? NT_ACTIVATIONS_F32 : NT_ACTIVATIONS_BF16;
    }
    else { std::fprintf(stderr, "bench_cuda_model: unknown option %s\n", a.c_str()); return 2; }
  }

  nemotron::cuda::DeviceLimits limits{};
  try {
    limits = nemotron::cuda::measure_device_limits(0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_cuda_model: measuring the device's limits: %s\n", e.what());
    return 1;
  }
  std::printf("limits: read %.0f GB/s, bf16 GEMM %.0f TFLOP/s\n", limits.read_gb_s, limits.bf16_gemm_tflop_s);

  const nt_config config = shape_config(shape);
  int max_batch = 1, longest = 64;
  for (int b : batches) max_batch = std::max(max_batch, b);
  for (int p : prefills) longest = std::max(longest, p);
  nt_model_options options{};
  options.ssm_state_dtype = NT_F32;
  options.backend = NT_BACKEND_CUDA;
  options.activation_precision = activations;
  options.state_slots = max_batch + 2;
  nt_error err{};
  const auto t_load = std::chrono::steady_clock::now();
  nt_model* model = nullptr;
  // The cache: a state slot per sequence, KV for the longest prompt and every decode sequence with
  // headroom (sizes as the core computes them, cache/cache_pools.h).
  {
    const int64_t d_inner = int64_t{config.mamba_n_heads} * config.mamba_head_dim;
    const int64_t conv_dim = d_inner + 2 * int64_t{config.n_groups} * config.d_state;
    int64_t n_mamba = 0, n_attention = 0;
    for (int i = 0; i < config.n_layers; ++i) {
      n_mamba += config.layer_kinds[i] == 'M';
      n_attention += config.layer_kinds[i] == '*';
    }
    const int64_t slot = n_mamba * (conv_dim * (config.conv_kernel - 1) * 4 + d_inner * config.d_state * 4);
    const int64_t kv_token = n_attention * 2 * int64_t{config.n_kv_heads} * config.attn_head_dim * 4;
    const int64_t tokens = int64_t{longest} + 2 * 256 + int64_t{max_batch} * (64 + steps + 64 + 32);
    options.cache_bytes = slot * options.state_slots + kv_token * tokens;
  }
  if (nt_model_create_random(&config, 1234, &options, &model, &err) != NT_OK) die("creating the model", err);
  nt_model_stats stats{};
  if (nt_model_stats_get(model, &stats, &err) != NT_OK) die("stats", err);
  std::printf("model: %s shape on %s, %.2f GB of weights on the device, %s activations in prefill GEMMs, loaded in "
              "%.1f s\n", shape.c_str(), nt_model_device_name(model), stats.device_weight_bytes / 1e9,
              activations == NT_ACTIVATIONS_F32 ? "float32-accurate" : "bf16", seconds_since(t_load));
  const Costs k = costs(config, stats);

  std::vector<Row> rows;
  std::vector<float> logits(static_cast<size_t>(config.vocab_size));
  auto tokens_of = [&](int n, int seed) {
    std::vector<int32_t> t(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) t[static_cast<size_t>(i)] = (i * 7919 + seed * 104729) % config.vocab_size;
    return t;
  };

  // Warm-up: cuBLAS heuristics, scratch growth, first-touch of the cache.
  for (int p : {64, 512}) {
    nt_sequence* seq = nullptr;
    if (nt_sequence_create(model, &seq, &err) != NT_OK) die("sequence", err);
    const std::vector<int32_t> t = tokens_of(p, 1);
    if (nt_sequence_feed(seq, t.data(), p, logits.data(), 1, config.vocab_size, &err) != NT_OK) die("warm-up", err);
    nt_sequence_free(seq);
  }

  for (int p : prefills) {
    double best = 1e30;
    for (int r = 0; r < 3; ++r) {
      nt_sequence* seq = nullptr;
      if (nt_sequence_create(model, &seq, &err) != NT_OK) die("sequence", err);
      const std::vector<int32_t> t = tokens_of(p, r + 2);
      const auto t0 = std::chrono::steady_clock::now();
      if (nt_sequence_feed(seq, t.data(), p, logits.data(), 1, config.vocab_size, &err) != NT_OK) die("prefill", err);
      best = std::min(best, seconds_since(t0));
      nt_sequence_free(seq);
    }
    const double flops_per_token = 2 * k.matrix_params + 2.0 * p * k.q_dim * k.n_attention;
    const double tok_s = p / best;
    rows.push_back({"prefill " + std::to_string(p), tok_s, tok_s * flops_per_token / (limits.bf16_gemm_tflop_s * 1e12),
                    "bf16 GEMM peak"});
    std::printf("prefill %5d: %9.0f tok/s (%.1f ms)\n", p, tok_s, best * 1e3);
  }

  for (int b : batches) {
    std::vector<nt_sequence*> seqs(static_cast<size_t>(b));
    std::vector<std::vector<int32_t>> prompts;
    for (int i = 0; i < b; ++i) {
      if (nt_sequence_create(model, &seqs[static_cast<size_t>(i)], &err) != NT_OK) die("sequence", err);
      prompts.push_back(tokens_of(64, 100 + i));
    }
    std::vector<nt_batch_entry> entries(static_cast<size_t>(b));
    for (int i = 0; i < b; ++i) entries[static_cast<size_t>(i)] = {seqs[static_cast<size_t>(i)], prompts[static_cast<size_t>(i)].data(), 64, 1};
    if (nt_model_feed_batch(model, entries.data(), b, &err) != NT_OK) die("decode prompts", err);
    std::vector<int32_t> next(static_cast<size_t>(b));
    // A step as the engine runs it: every sequence's next token drawn (temperature 0.7, top_p 0.95:
    // the whole sampler runs), then fed.
    std::vector<nt_sampling> sampling(static_cast<size_t>(b));
    std::vector<nt_sample_result> drawn(static_cast<size_t>(b));
    for (int i = 0; i < b; ++i) {
      nt_sampling& p = sampling[static_cast<size_t>(i)];
      p = nt_sampling{};
      p.temperature = 0.7f;
      p.top_p = 0.95f;
      p.repetition_penalty = 1.0f;
      p.seed = static_cast<uint64_t>(i);
      p.n_logprobs = -1;
    }
    auto step = [&](int s) {
      for (int i = 0; i < b; ++i) sampling[static_cast<size_t>(i)].step = static_cast<uint64_t>(s);
      if (nt_model_sample_batch(model, seqs.data(), sampling.data(), b, drawn.data(), &err) != NT_OK) die("sampling", err);
      for (int i = 0; i < b; ++i) {
        next[static_cast<size_t>(i)] = drawn[static_cast<size_t>(i)].token;
        entries[static_cast<size_t>(i)] = {seqs[static_cast<size_t>(i)], &next[static_cast<size_t>(i)], 1, 1};
      }
      if (nt_model_feed_batch(model, entries.data(), b, &err) != NT_OK) die("decode", err);
    };
    for (int s = 0; s < 3; ++s) step(s);
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < steps; ++s) step(s + 3);
    const double seconds = seconds_since(t0);
    const double tok_s = double(b) * steps / seconds;
    const double context = 64 + 3 + steps / 2.0;
    const double bytes_per_step = k.weight_bytes + b * (2 * k.state_bytes + context * k.kv_bytes_per_token);
    const double ratio = bytes_per_step * steps / seconds / (limits.read_gb_s * 1e9);
    rows.push_back({"decode batch " + std::to_string(b), tok_s, ratio, "read bandwidth"});
    std::printf("decode batch %3d: %9.0f tok/s (%.2f ms per step)\n", b, tok_s, seconds / steps * 1e3);
    for (nt_sequence* s : seqs) nt_sequence_free(s);
  }
  nt_model_free(model);

  std::printf("\n%-18s %12s %8s  %s\n", "bench", "tokens/s", "ratio", "of the limit (same run)");
  for (const Row& r : rows) std::printf("%-18s %12.0f %7.1f%%  %s\n", r.what.c_str(), r.tok_s, 100 * r.ratio, r.limit);
  return 0;
}
