// bench_linear: cpu::linear_decode and cpu::linear_prefill with bf16 weights at the 0.5b model's in_proj shape
// (4352x1024) and one with a long k (1024x4352), each against two limits measured in the same run: memory
// read bandwidth (weight bytes / time) and the FMA peak of a register-blocked loop (FLOP / time). Decode
// calls read their weights from memory, as a decode step does; prefill calls reuse one copy. All threads.
// Times are the best of several sweeps: on a shared machine compare runs, not single rows.
// Usage: bench_linear  (finishes in about fifteen seconds; no arguments)
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "machine/limits.h"
#include "ops/linear.h"

namespace nemotron {
namespace {

// Decode weights rotate through this much memory so that no call finds them in the last-level cache.
constexpr int64_t kFootprintBytes = int64_t{1} << 30;
constexpr int64_t kCallsPerSweep = 32;  // a timed decode sweep: 32 calls on successive copies (≫ the LLC)
constexpr int kDecodeSweeps = 10;       // best of: the first passes also fault pages in
constexpr int kPrefillRepeats = 3;

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

struct Shape {
  const char* name;
  int64_t out, in;
};

struct Limits {
  double bandwidth_gbs, peak_gflops;
};

using LinearFn = void (*)(const float*, int64_t, const WeightView&, const float*, float*);

void print_row(const Shape& sh, const char* path, int64_t n_tokens, double seconds, const Limits& limits) {
  const double gbs = sh.out * sh.in * 2 / seconds / 1e9;
  const double gflops = 2.0 * n_tokens * sh.out * sh.in / seconds / 1e9;
  std::printf("%-22s %-7s %5lld %9.1f us %7.1f GB/s %5.1f %% %8.1f GFLOP/s %5.1f %%\n", sh.name, path,
              static_cast<long long>(n_tokens), seconds * 1e6, gbs, 100.0 * gbs / limits.bandwidth_gbs, gflops,
              100.0 * gflops / limits.peak_gflops);
}

void bench_shape(const Shape& sh, const Limits& limits) {
  const int64_t n_weights = sh.out * sh.in;
  const int64_t n_copies = std::max<int64_t>(1, kFootprintBytes / (n_weights * 2));
  std::vector<uint16_t> weights(n_copies * n_weights);
  for (int64_t i = 0; i < static_cast<int64_t>(weights.size()); ++i)
    weights[i] = float_to_bf16(static_cast<float>((i * 2654435761u) % 2001) / 1000.0f - 1.0f);
  auto view = [&](int64_t copy) { return WeightView{weights.data() + copy * n_weights, DType::BF16, sh.out, sh.in}; };

  constexpr int64_t kPrefillTokens = 1024;
  const std::vector<float> x(kPrefillTokens * sh.in, 0.5f);
  std::vector<float> y(kPrefillTokens * sh.out);

  // Decode: a different weight copy each call, so the weights come from memory.
  int64_t copy = 0;
  for (int64_t n_tokens : {1, 4, 16, 64}) {
    const double s = best_seconds(kDecodeSweeps, [&] {
      for (int64_t c = 0; c < kCallsPerSweep; ++c, copy = (copy + 1) % n_copies)
        cpu::linear_decode(x.data(), n_tokens, view(copy), nullptr, y.data());
    });
    print_row(sh, "decode", n_tokens, s / kCallsPerSweep, limits);
  }
  // Prefill: compute-bound, one copy.
  for (int64_t n_tokens : {int64_t{64}, kPrefillTokens}) {
    const double s =
        best_seconds(kPrefillRepeats, [&] { cpu::linear_prefill(x.data(), n_tokens, view(0), nullptr, y.data()); });
    print_row(sh, "prefill", n_tokens, s, limits);
  }
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  const int n_threads = omp_get_max_threads();
  const double bandwidth = machine::read_bandwidth_gbs(n_threads);
  const double peak = machine::fma_peak_gflops(n_threads);
  std::printf("threads %d: read bandwidth %.1f GB/s, FMA peak %.1f GFLOP/s (float32)\n", n_threads, bandwidth,
              peak);
  std::printf("%-22s %-7s %5s %12s %12s %7s %16s %7s\n", "weights out x in", "path", "tokens", "time/call",
              "weights", "of bw", "compute", "of peak");
  const Limits limits{bandwidth, peak};
  bench_shape({"bf16 in_proj 4352x1024", 4352, 1024}, limits);
  bench_shape({"bf16 1024x4352", 1024, 4352}, limits);
  return 0;
}
