// machine/limits.h and nt_measure_limits: every limit positive, finite and within a range no machine
// this runs on falls outside (the bounds catch unit mistakes, a loop optimised away, a wrong byte count).
// About a second: each bandwidth measurement allocates and touches a buffer larger than the caches.
#include <cmath>
#include <cstdio>

#include "machine/limits.h"
#include "nemotron/nemotron.h"
#include "test_support.h"

namespace {

// GB/s: a slow VM core reads > 0.1; no memory system today moves 10 TB/s to CPU cores.
constexpr double kMinGbs = 0.1, kMaxGbs = 10000.0;
// GFLOP/s: one SSE2 core does > 0.1; 100 TFLOP/s float32 is beyond any CPU socket.
constexpr double kMinGflops = 0.1, kMaxGflops = 100000.0;

bool plausible(double value, double lo, double hi) { return std::isfinite(value) && value >= lo && value <= hi; }

}  // namespace

int main() {
  using namespace nemotron;
  // One thread through machine/limits.h for the FMA peak (the cheapest); all three through the C API.
  const double fma_1 = machine::fma_peak_gflops(1);
  std::printf("fma_peak_gflops(1): %.1f GFLOP/s\n", fma_1);
  CHECK(plausible(fma_1, kMinGflops, kMaxGflops));

  nt_limits limits{};
  nt_error error{};
  CHECK(nt_measure_limits(0, &limits, &error) == NT_OK);
  std::printf("nt_measure_limits(0): read %.1f GB/s, copy %.1f GB/s, FMA peak %.1f GFLOP/s\n", limits.read_gb_s,
              limits.copy_gb_s, limits.fma_gflop_s);
  CHECK(plausible(limits.read_gb_s, kMinGbs, kMaxGbs));
  CHECK(plausible(limits.copy_gb_s, kMinGbs, kMaxGbs));
  CHECK(plausible(limits.fma_gflop_s, kMinGflops, kMaxGflops));
  CHECK(nt_measure_limits(0, nullptr, &error) == NT_INVALID_ARGUMENT);
  CHECK(nt_measure_limits(-1, &limits, &error) == NT_INVALID_ARGUMENT);
  return test::finish("test_limits");
}
