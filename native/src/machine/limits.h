// The machine's limits, measured now: what a kernel's achieved GB/s or GFLOP/s is a fraction of in the
// benches (bench/bench_*.cpp) and in nt_measure_limits. Each measurement takes at most about half a
// second and runs on n_threads OpenMP threads (n_threads <= 0: omp_get_num_procs()).
#pragma once

namespace nemotron::machine {

// Bytes per second (in GB/s) of a vectorised reduction over a buffer several times the last-level cache.
double read_bandwidth_gbs(int n_threads);
// Bytes read + bytes written per second (in GB/s) of memcpy between two buffers larger than the caches.
double copy_bandwidth_gbs(int n_threads);
// float32 GFLOP/s (an FMA counts 2) of a register-blocked loop of independent FMA chains, in the widest
// vector ISA this CPU runs (x86-64: AVX-512F, else AVX2 + FMA, else SSE2 multiply + add).
double fma_peak_gflops(int n_threads);
// GFLOP/s of this build's prefill GEMM (cpu::linear_prefill) on a bf16 weight of 4096 x 4096 and 512
// tokens: the best a dense layer of a prompt reaches here, the limit prefill is measured against.
double gemm_peak_gflops(int n_threads);

}  // namespace nemotron::machine
