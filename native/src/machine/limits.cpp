// Measured machine limits: memory read and copy bandwidth over buffers several times the last-level
// cache, and the float32 FMA peak of independent register-resident chains in the widest ISA (GCC
// function multiversioning, as backend/cpu/linear.cpp dispatches its kernels). Every measurement is the
// best of a few passes within a time budget: the first pass also faults pages in and wakes the threads.
#include "machine/limits.h"

#include <omp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "backend/cpu/simd.h"
#include "ops/linear.h"

namespace nemotron::machine {
namespace {

constexpr int64_t kMinFootprintBytes = int64_t{256} << 20;  // also where the last-level cache is unknown
constexpr int64_t kMaxFootprintBytes = int64_t{1} << 30;
constexpr int64_t kCacheMultiple = 2;  // a stream twice the cache size finds (almost) nothing cached
constexpr double kBudgetSeconds = 0.4;  // timed passes of one measurement (allocation comes on top)
constexpr int kMinRepeats = 2, kMaxRepeats = 20;  // enough to outlast a burst of other work

int threads_or_all(int n_threads) { return n_threads > 0 ? n_threads : omp_get_num_procs(); }

// Bytes that no level of cache holds: a multiple of the last-level cache glibc reports (it may report
// the whole package's, or nothing), within [256 MiB, 1 GiB].
int64_t footprint_bytes() {
#ifdef _SC_LEVEL3_CACHE_SIZE
  const long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
#else
  const long l3 = 0;
#endif
  const int64_t wanted = l3 > 0 ? kCacheMultiple * static_cast<int64_t>(l3) : 0;
  return std::clamp(wanted, kMinFootprintBytes, kMaxFootprintBytes);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The fastest of kMinRepeats..kMaxRepeats runs of f, stopping once kBudgetSeconds have passed.
template <class F> double best_seconds(F f) {
  double best = 1e30;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < kMaxRepeats && (r < kMinRepeats || seconds_since(start) < kBudgetSeconds); ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float[], FreeDeleter>;

// Uninitialised floats in transparent huge pages where the kernel grants them (faulting in 2 MiB at a
// time instead of 4 KiB keeps the setup of a 1 GiB buffer well under the measurement's own time), first
// touched by the threads (static schedule) that will read them, so pages land on their NUMA nodes.
Buffer touched_floats(int64_t n, int n_threads) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t bytes = (static_cast<size_t>(n) * sizeof(float) + kHugePage - 1) / kHugePage * kHugePage;
  Buffer buf(static_cast<float*>(std::aligned_alloc(kHugePage, bytes)));
  if (!buf) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(buf.get(), bytes, MADV_HUGEPAGE);  // advice only: 4 KiB pages when refused
#endif
  float* p = buf.get();
#pragma omp parallel for num_threads(n_threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) p[i] = 1.0f;
  return buf;
}

// The compiler must assume the value is read (Google Benchmark's DoNotOptimize): loops stay.
void keep(float value) { asm volatile("" : : "r,m"(value) : "memory"); }

// [begin, end) of n items for thread t of nt: contiguous equal shares.
void share(int64_t n, int t, int nt, int64_t* begin, int64_t* end) {
  *begin = n * t / nt;
  *end = n * (t + 1) / nt;
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

// One thread's loop; *flops = the float32 operations it performs. No OpenMP inside (see simd.h).
#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target("default"))) float fma_peak_loop(int64_t iters, int64_t* flops) {
  *flops = iters * 8 * 4 * 2;  // SSE2 has no FMA: multiply + add, 8 chains of 4 lanes
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

}  // namespace

// Several vector accumulators per thread (a plain float reduction would be bound by add latency, not
// memory) and software prefetch ahead of the loads (as the GEMV does: without it one core cannot keep
// enough misses in flight to reach its share).
double read_bandwidth_gbs(int n_threads) {
  constexpr int64_t kLanes = 4, kChains = 8;  // baseline SSE2 / NEON vectors: loads are not the limit
  constexpr int64_t kPrefetchFloats = 1024;   // 4 KB ahead
  using V = cpu::simd::Vec<kLanes>::f32;
  const int nt = threads_or_all(n_threads);
  const int64_t bytes = footprint_bytes();
  const int64_t n_steps = bytes / static_cast<int64_t>(sizeof(float) * kLanes * kChains);
  const Buffer buf = touched_floats(n_steps * kLanes * kChains, nt);
  const float* data = buf.get();
  float sink = 0.0f;
  const double s = best_seconds([&] {
#pragma omp parallel num_threads(nt) reduction(+ : sink)
    {
      V acc[kChains] = {};
#pragma omp for schedule(static)
      for (int64_t i = 0; i < n_steps; ++i) {
        const float* p = data + i * kChains * kLanes;  // 128 bytes: two cache lines
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
  keep(sink);
  return static_cast<double>(n_steps * kLanes * kChains * sizeof(float)) / s / 1e9;
}

// Each thread copies its own contiguous share with memcpy (for shares this large glibc streams the
// stores past the caches, so the bytes counted are the bytes that move).
double copy_bandwidth_gbs(int n_threads) {
  const int nt = threads_or_all(n_threads);
  const int64_t n = footprint_bytes() / 2 / static_cast<int64_t>(sizeof(float));  // per buffer
  const Buffer src = touched_floats(n, nt);
  const Buffer dst = touched_floats(n, nt);
  const double s = best_seconds([&] {
#pragma omp parallel num_threads(nt)
    {
      int64_t begin, end;
      share(n, omp_get_thread_num(), omp_get_num_threads(), &begin, &end);
      std::memcpy(dst.get() + begin, src.get() + begin, static_cast<size_t>(end - begin) * sizeof(float));
    }
  });
  keep(dst[n / 2]);
  return 2.0 * static_cast<double>(n) * sizeof(float) / s / 1e9;
}

double fma_peak_gflops(int n_threads) {
  constexpr int64_t kIters = 10'000'000;  // 10–80 ms a pass per thread, depending on the ISA
  const int nt = threads_or_all(n_threads);
  int64_t total_flops = 0;
  float sink = 0.0f;
  const double s = best_seconds([&] {
    int64_t flops = 0;
#pragma omp parallel num_threads(nt) reduction(+ : sink, flops)
    {
      int64_t thread_flops = 0;
      sink += fma_peak_loop(kIters, &thread_flops);
      flops += thread_flops;
    }
    total_flops = flops;
  });
  keep(sink);
  return static_cast<double>(total_flops) / s / 1e9;
}

}  // namespace nemotron::machine

namespace nemotron::machine {

double gemm_peak_gflops(int n_threads) {
  constexpr int64_t kOut = 4096, kIn = 4096, kTokens = 512;
  const int threads = n_threads > 0 ? n_threads : omp_get_num_procs();
  omp_set_num_threads(threads);
  // Values do not matter for speed; bf16 1.0 and x = 0.5 keep every product finite.
  std::vector<uint16_t> weights(static_cast<size_t>(kOut * kIn), 0x3f80);
  std::vector<float> x(static_cast<size_t>(kTokens * kIn), 0.5f), y(static_cast<size_t>(kTokens * kOut));
  WeightView w;
  w.data = weights.data();
  w.dtype = DType::BF16;
  w.rows = kOut;
  w.cols = kIn;
  double best = 1e30;
  for (int pass = 0; pass < 2; ++pass) {  // the first also faults the pages in
    const auto t0 = std::chrono::steady_clock::now();
    cpu::linear_prefill(x.data(), kTokens, w, nullptr, y.data());
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return 2.0 * kOut * kIn * kTokens / best / 1e9;
}

}  // namespace nemotron::machine
