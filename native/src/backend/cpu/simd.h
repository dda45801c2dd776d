// SIMD building blocks of the CPU kernels: GCC vector types of W float lanes, unaligned loads / stores,
// and the register tile each instruction set uses. Kernels written with these are instantiated once per
// ISA by GCC function multiversioning in the .cpp that runs them (linear.cpp, gemm.cpp, vexp.cpp), so
// all of it is force-inlined: it must compile with the ISA of the function it lands in. Keep OpenMP
// pragmas out of multiversioned functions: GCC outlines parallel regions without the target attribute.
#pragma once
#include <cstdint>
#include <cstring>

#define NEMOTRON_INLINE inline __attribute__((always_inline))

// x86-64 gets one version per ISA (ifunc dispatch at load time); other targets, or a build with
// -DNEMOTRON_NO_MULTIVERSIONING (which also checks the portable path on x86), one portable version.
#if defined(__x86_64__) && !defined(NEMOTRON_NO_MULTIVERSIONING)
#define NEMOTRON_MULTIVERSIONING 1
#endif

namespace nemotron::cpu::simd {

// W is the hardware vector width of the target: GCC splits wider generic vectors badly (spills).
template <int W> struct Vec {
  typedef float f32 __attribute__((vector_size(W * 4)));
  typedef uint32_t u32 __attribute__((vector_size(W * 4)));
  typedef int32_t i32 __attribute__((vector_size(W * 4)));
  typedef uint16_t u16 __attribute__((vector_size(W * 2)));
};

// memcpy loads: rows of 2-byte weights are only 2-byte aligned (they sit inside an mmap'ed file), and
// strided views give no alignment at all. Vector results go through references: returning them by
// value trips GCC's -Wpsabi note in the baseline (SSE2) instantiation.
template <int W> NEMOTRON_INLINE void load(const float* p, typename Vec<W>::f32& v) { std::memcpy(&v, p, sizeof v); }
template <int W> NEMOTRON_INLINE void store(float* p, const typename Vec<W>::f32& v) { std::memcpy(p, &v, sizeof v); }

template <int W> NEMOTRON_INLINE float horizontal_sum(const typename Vec<W>::f32& v) {
  float s = 0.0f;
  for (int i = 0; i < W; ++i) s += v[i];
  return s;
}

// A register tile: MR rows (tokens) × NR columns (output features) of accumulators, W lanes a vector.
template <int W_, int MR_, int NR_> struct Tile {
  static constexpr int W = W_, MR = MR_, NR = NR_;
  static_assert(NR % W == 0, "a tile row is whole vectors");
};

// About 3/4 of the vector registers accumulate; the rest hold the NR/W B values and one broadcast A value.
using TileSse2 = Tile<4, 4, 8>;       // x86-64 baseline: 8 of 16 xmm
using TileAvx2 = Tile<8, 6, 16>;      // AVX2 + FMA: 12 of 16 ymm
using TileAvx512 = Tile<16, 8, 32>;   // AVX-512F: 16 of 32 zmm
using TilePortable = Tile<4, 6, 8>;   // other architectures (NEON: 12 of 32 q registers)

// Every tile's NR divides this, so row blocks sized by it hold whole micro-panels on any ISA.
constexpr int kMaxNR = 32;
static_assert(kMaxNR % TileSse2::NR == 0 && kMaxNR % TileAvx2::NR == 0 && kMaxNR % TileAvx512::NR == 0 &&
              kMaxNR % TilePortable::NR == 0);

}  // namespace nemotron::cpu::simd
