// exp over a float array in a loop the compiler vectorizes (libm's expf is scalar without -ffast-math).
// Used where the CPU kernels need many exponentials: SSD decay matrices, attention softmax.
#pragma once
#include <cstdint>

namespace nemotron::cpu {

// v[i] = exp(v[i]) within 1 ulp of expf for normal results, gradual underflow to 0 and overflow to +inf
// like expf; NaN stays NaN.
void exp_in_place(float* v, int64_t n);

}  // namespace nemotron::cpu
