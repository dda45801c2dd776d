// The sampler's random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
// 3", SC'11; the generator behind curand and PyTorch's CUDA RNG), keyed by the sequence's seed and counted
// by its step. Counter-based: the uniform of draw `step` is a pure function of (seed, step), so a sequence
// gives the same tokens however its steps are batched, preempted or resumed. Header-only, plain integer
// arithmetic, so that the CUDA sampler can compute the very same numbers on the device (under nvcc the
// word-level functions are __host__ __device__; the host results are the same bits either way).
#pragma once
#include <array>
#include <cstdint>

#ifdef __CUDACC__
#define NEMOTRON_HOST_DEVICE __host__ __device__
#else
#define NEMOTRON_HOST_DEVICE
#endif

namespace nemotron {

using PhiloxBlock = std::array<uint32_t, 4>;

// One Philox4x32 block with 10 rounds on plain words (std::array is host-only): ctr[4] in place, key
// {key0, key1}.
NEMOTRON_HOST_DEVICE inline void philox4x32_10_words(uint32_t ctr[4], uint32_t key0, uint32_t key1) {
  constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;  // round multipliers
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;  // key schedule: golden ratio, sqrt(3) − 1
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 += kWeyl0;
      key1 += kWeyl1;
    }
    const uint64_t p0 = static_cast<uint64_t>(kMul0) * ctr[0];
    const uint64_t p1 = static_cast<uint64_t>(kMul1) * ctr[2];
    const uint32_t next[4] = {static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ key0, static_cast<uint32_t>(p1),
                              static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ key1, static_cast<uint32_t>(p0)};
    for (int i = 0; i < 4; ++i) ctr[i] = next[i];
  }
}

// One Philox4x32 block with 10 rounds: counter ctr, key {key0, key1}. Checked against Random123's known
// answers in test_sampling.
inline PhiloxBlock philox4x32_10(PhiloxBlock ctr, uint32_t key0, uint32_t key1) {
  philox4x32_10_words(ctr.data(), key0, key1);
  return ctr;
}

// The uniform in [0, 1) of draw `step` of the sequence seeded `seed`: key = seed, counter = (step, 0),
// the first 53 bits of the block as a double (every value a multiple of 2⁻⁵³, so 1 is never reached).
NEMOTRON_HOST_DEVICE inline double uniform_for_step(uint64_t seed, uint64_t step) {
  uint32_t block[4] = {static_cast<uint32_t>(step), static_cast<uint32_t>(step >> 32), 0u, 0u};
  philox4x32_10_words(block, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  const uint64_t bits = (static_cast<uint64_t>(block[0]) << 32) | block[1];
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  return static_cast<double>(bits >> 11) * kTwoToMinus53;
}

}  // namespace nemotron
