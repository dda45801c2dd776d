// nt_measure_limits: the C entry point over machine/limits.h (read and copy bandwidth, FMA peak).
#include <omp.h>

#include "engine/c_api_guard.h"
#include "engine/one_off_thread.h"
#include "machine/limits.h"
#include "nemotron/nemotron.h"

extern "C" int32_t nt_measure_limits(int32_t n_threads, nt_limits* out_limits, nt_error* error) {
  return nemotron::guarded(error, [&] {
    nemotron::require(out_limits != nullptr, NT_INVALID_ARGUMENT, "nt_measure_limits: null argument");
    nemotron::require(n_threads >= 0, NT_INVALID_ARGUMENT, "nt_measure_limits: negative n_threads");
    const int threads = n_threads > 0 ? n_threads : omp_get_num_procs();
    nt_limits limits{};
    nemotron::on_one_off_thread([&] {
      limits.read_gb_s = nemotron::machine::read_bandwidth_gbs(threads);
      limits.copy_gb_s = nemotron::machine::copy_bandwidth_gbs(threads);
      limits.fma_gflop_s = nemotron::machine::fma_peak_gflops(threads);
      limits.gemm_gflop_s = nemotron::machine::gemm_peak_gflops(threads);
    });
    *out_limits = limits;
  });
}
