// bench_linear: cpu::linear with bf16 weights at the 0.5b shape's in_proj-like and MLP-up shapes, as a
// fraction of two limits measured in the same run: memory read bandwidth (decode, 1 token: every weight
// byte once) and the FMA peak of a register-blocked loop (prefill, 1024 tokens). All threads.
// Usage: bench_linear  (finishes in seconds; no arguments)
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "backend/cpu/simd.h"
#include "ops/linear.h"

namespace nemotron {
namespace {

// Weights rotate through this much memory so that no call finds them in the last-level cache.
constexpr int64_t kFootprintBytes = int64_t{1} << 30;
constexpr int kRepeats = 5;  // best of: the first pass also faults pages in

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class F> double best_seconds(int repeats, F f) {
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

// Sums a buffer larger than any cache with several vector accumulators per thread (a plain float
// reduction would be bound by add latency, not memory) and software prefetch ahead of the loads (as the
// GEMV does: without it one core cannot keep enough misses in flight to reach its share).
double read_bandwidth_gbs() {
  constexpr int64_t kLanes = 4, kChains = 8;  // baseline SSE2 / NEON vectors: loads are not the limit
  constexpr int64_t kPrefetchFloats = 1024;   // 4 KB ahead
  using V = cpu::simd::Vec<kLanes>::f32;
  std::vector<float> buf(kFootprintBytes / sizeof(float), 1.0f);
  const int64_t n_steps = static_cast<int64_t>(buf.size()) / (kLanes * kChains);
  float sink = 0.0f;
  const double s = best_seconds(kRepeats, [&] {
#pragma omp parallel reduction(+ : sink)
    {
      V acc[kChains] = {};
#pragma omp for schedule(static)
      for (int64_t i = 0; i < n_steps; ++i) {
        const float* p = buf.data() + i * kChains * kLanes;  // 128 bytes: two cache lines
        __builtin_prefetch(p + kPrefetchFloats);
        __builtin_prefetch(p + kPrefetchFloats + 16);
        for (int64_t c = 0; c < kChains; ++c) {
          V v;
          cpu::simd::load<kLanes>(p + c * kLanes, v);
          acc[c] += v;
        }
      }
      for (int64_t c = 0; c < kChains; ++c) sink += acc[c][0];
    }
  });
  if (sink == 0.0f) std::printf(" ");  // keeps the loop from being optimised away
  return kFootprintBytes / s / 1e9;
}

// N independent FMA chains of W lanes each: enough to cover FMA latency on two ports.
template <int W, int N> NEMOTRON_INLINE float fma_chains(int64_t iters) {
  using V = typename cpu::simd::Vec<W>::f32;
  V acc[N];
  for (int j = 0; j < N; ++j) acc[j] = V{} + 0.001f * j;
  const V scale = V{} + 0.999999f, shift = V{} + 1e-6f;
  for (int64_t i = 0; i < iters; ++i)
#pragma GCC unroll 32
    for (int j = 0; j < N; ++j) acc[j] = acc[j] * scale + shift;
  float s = 0.0f;
  for (int j = 0; j < N; ++j) s += acc[j][0];
  return s;
}

#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target("default"))) float fma_peak_loop(int64_t iters, int64_t* flops) {
  *flops = iters * 8 * 4 * 2;
  return fma_chains<4, 8>(iters);
}
__attribute__((target("avx2,fma"))) float fma_peak_loop(int64_t iters, int64_t* flops) {
  *flops = iters * 12 * 8 * 2;
  return fma_chains<8, 12>(iters);
}
__attribute__((target("avx512f,fma"))) float fma_peak_loop(int64_t iters, int64_t* flops) {
  *flops = iters * 24 * 16 * 2;
  return fma_chains<16, 24>(iters);
}
#else
float fma_peak_loop(int64_t iters, int64_t* flops) {
  *flops = iters * 12 * 4 * 2;
  return fma_chains<4, 12>(iters);
}
#endif

double fma_peak_gflops() {
  constexpr int64_t kIters = 20'000'000;
  int64_t flops_per_thread = 0;
  float sink = 0.0f;
  const double s = best_seconds(kRepeats, [&] {
#pragma omp parallel reduction(+ : sink)
    sink += fma_peak_loop(kIters, &flops_per_thread);
  });
  if (sink == 0.0f) std::printf(" ");
  return flops_per_thread * omp_get_max_threads() / s / 1e9;
}

struct Shape {
  const char* name;
  int64_t out, in;
};

void bench_shape(const Shape& sh, double bandwidth_gbs, double peak_gflops) {
  const int64_t n_weights = sh.out * sh.in;
  const int64_t bytes = n_weights * 2;
  const int64_t n_copies = std::max<int64_t>(1, kFootprintBytes / bytes);
  std::vector<uint16_t> weights(n_copies * n_weights);
  for (int64_t i = 0; i < static_cast<int64_t>(weights.size()); ++i)
    weights[i] = float_to_bf16(static_cast<float>((i * 2654435761u) % 2001) / 1000.0f - 1.0f);
  auto view = [&](int64_t copy) { return WeightView{weights.data() + copy * n_weights, DType::BF16, sh.out, sh.in}; };

  constexpr int64_t kPrefillTokens = 1024;
  const std::vector<float> x(kPrefillTokens * sh.in, 0.5f);
  std::vector<float> y(kPrefillTokens * sh.out);

  // Decode: one token, a different weight copy each call.
  const double decode_s = best_seconds(kRepeats, [&] {
    for (int64_t c = 0; c < n_copies; ++c) cpu::linear(x.data(), 1, view(c), nullptr, y.data());
  }) / n_copies;
  const double gbs = bytes / decode_s / 1e9;
  std::printf("%-22s n_tokens=1     %8.1f us  %7.1f GB/s   %5.1f %% of read bandwidth\n", sh.name, decode_s * 1e6, gbs,
              100.0 * gbs / bandwidth_gbs);

  const double prefill_s = best_seconds(3, [&] { cpu::linear(x.data(), kPrefillTokens, view(0), nullptr, y.data()); });
  const double gflops = 2.0 * kPrefillTokens * n_weights / prefill_s / 1e9;
  std::printf("%-22s n_tokens=%-5lld %8.1f ms  %7.1f GFLOP/s %5.1f %% of FMA peak\n", sh.name,
              static_cast<long long>(kPrefillTokens), prefill_s * 1e3, gflops, 100.0 * gflops / peak_gflops);
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  const double bandwidth = read_bandwidth_gbs();
  const double peak = fma_peak_gflops();
  std::printf("threads %d: read bandwidth %.1f GB/s, FMA peak %.1f GFLOP/s (float32)\n", omp_get_max_threads(),
              bandwidth, peak);
  bench_shape({"bf16 in_proj 4352x1024", 4352, 1024}, bandwidth, peak);
  bench_shape({"bf16 mlp_up 4096x1024", 4096, 1024}, bandwidth, peak);
  return 0;
}
