// Single-threaded float32 GEMM on strided views, for the small matrix products inside the CPU op kernels
// (the SSD chunk products, attention score and value blocks). Callers parallelize around it: each
// OpenMP thread runs its own products. Not an op family of its own; linear.cpp has the weight GEMM.
#pragma once
#include <cstdint>

#include "backend/cpu/gemm_kernels.h"

namespace nemotron::cpu {

using simd::StridedView;  // element (i, j) = data[i · row_stride + j · col_stride]

// C[m, n] (row stride ldc) = (accumulate ? C : 0) + A[m, k] · B[k, n]. C must not alias A or B.
void gemm(int64_t m, int64_t n, int64_t k, const StridedView& a, const StridedView& b, float* c, int64_t ldc,
          bool accumulate);

}  // namespace nemotron::cpu
