// CUDA sampling (contract: ops/sampling.h; semantics: backend/cpu/sampling.cpp). One block of kThreads
// threads per sequence walks its row of logits [vocab] in passes; nothing sorts the vocabulary:
//   edits      the logits processors on a copy in the workspace (bias, suppression, penalties);
//   extremes   max rank key (greedy's argmax), smallest finite logit, NaN / +inf;
//   select     top_k / top_p / top logprobs as a cut key: a histogram over the distance from the max, then
//              histograms over ever narrower ranges of float bits, then equal logits resolved by id;
//   draw       inverse CDF in id order over chunks of ids, the very draw of cpu:: and ref::.
// Precision plan: processed logits, x · (1 / temperature) and exp in float32 with the CPU's roundings
// (explicit __f*_rn: no contraction); the selection weighs probabilities in 64-bit fixed point (exact,
// order-free sums, so every run picks the same cut; ~1e-8 of the mass); the draw's sums in double.
#include "backend/cuda/sampling.cuh"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "sampling/philox.h"

namespace nemotron::cuda {
namespace {

constexpr int kThreads = 1024;  // one block per sequence: 128 ids per thread at vocab 131072
constexpr int kWarp = 32;
constexpr int kWarps = kThreads / kWarp;
constexpr unsigned kFullMask = 0xffffffffu;
constexpr int kBins = 2048;  // per histogram: a level narrows a range of float bits 2¹¹-fold
constexpr int kBinsPerThread = kBins / kThreads;
static_assert(kBins % kThreads == 0, "find_crossing gives each thread the same number of bins");
// 32 bits of a float, 11 a level after the first (distance) histogram: 3 levels reach one value.
constexpr int kMaxBitLevels = 3;
// counts[id] while penalties are applied (as cpu::): bit 30 = in the prompt, the low 30 bits the output count.
constexpr int32_t kInPrompt = int32_t{1} << 30;
constexpr int32_t kCountMask = kInPrompt - 1;

using u64 = unsigned long long;  // what the atomics and shuffles take

// ---- rank keys: higher logit first, equal logits by ascending id, as one unsigned compare ----

__host__ __device__ inline uint32_t ordered_bits(float x) {
  uint32_t b;
  memcpy(&b, &x, sizeof b);
  if (b == 0x80000000u) b = 0;  // −0 ranks as +0: equal logits must tie
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

__host__ __device__ inline float float_of_ordered(uint32_t o) {
  const uint32_t b = (o & 0x80000000u) ? (o & 0x7fffffffu) : ~o;
  float x;
  memcpy(&x, &b, sizeof x);
  return x;
}

__host__ __device__ inline u64 rank_key(float x, int64_t id) {
  return (static_cast<u64>(ordered_bits(x)) << 32) | static_cast<uint32_t>(~static_cast<uint32_t>(id));
}
__host__ __device__ inline int32_t key_id(u64 key) { return static_cast<int32_t>(~static_cast<uint32_t>(key)); }
__host__ __device__ inline float key_x(u64 key) { return float_of_ordered(static_cast<uint32_t>(key >> 32)); }
// Key 0 would be a NaN with id 2³² − 1: it stands for "no cut" (every key is ≥ 0).
constexpr u64 kNoCut = 0;

// ---- the row as the passes read it ----

// Element i of a row: v[i] · scale, rounded as cpu:: rounds its x = src · scale (scale 1: v itself).
struct Row {
  const float* v;
  float scale;
  __device__ float operator()(int64_t i) const { return __fmul_rn(v[i], scale); }
};

// exp(x − x_max) in float, 0 below min_p: the unnormalised probability (the max weighs 1), cpu::'s e.
__device__ inline float unnormalized(float x, float x_max, float min_p) {
  const float e = expf(__fsub_rn(x, x_max));
  return e < min_p ? 0.0f : e;
}

// Weights of the selections, functions of the logit alone (so equal logits weigh the same).
struct CountAll {  // top logprobs: every id
  __device__ u64 operator()(float) const { return 1; }
};
struct CountLive {  // top_k: ids with probability left after min_p
  float x_max, min_p;
  __device__ u64 operator()(float x) const { return unnormalized(x, x_max, min_p) > 0.0f ? 1 : 0; }
};
struct Mass {  // top_p: probability in fixed point, e · 2^shift (exact: e has 24 significant bits)
  float x_max, min_p;
  double unit;
  __device__ u64 operator()(float x) const {
    return __double2ull_rn(static_cast<double>(unnormalized(x, x_max, min_p)) * unit);
  }
};
// 2^shift with vocab · 2^shift < 2⁶³ (no sum overflows) and at most 2⁵² (e · 2^shift stays exact in
// double). Rounding loses < vocab · 2^−(shift+1) of a mass ≥ 1: ~1e-8 at vocab 131072.
__host__ __device__ inline double mass_unit(int64_t vocab) {
  int bits = 0;
  while ((int64_t{1} << bits) <= vocab) ++bits;
  const int shift = 62 - bits < 52 ? 62 - bits : 52;
  return static_cast<double>(int64_t{1} << shift);
}

// ---- block-wide reductions and scans (every thread gets the result; fixed order: deterministic) ----

template <class T, class Op>
__device__ T warp_reduce(T v, Op op) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v = op(v, __shfl_xor_sync(kFullMask, v, offset));
  return v;
}

template <class T, class Op>
__device__ T block_reduce(T v, Op op) {
  __shared__ T partial[kWarps];
  v = warp_reduce(v, op);
  if (threadIdx.x % kWarp == 0) partial[threadIdx.x / kWarp] = v;
  __syncthreads();
  T r = partial[0];
  for (int w = 1; w < kWarps; ++w) r = op(r, partial[w]);
  __syncthreads();  // partial is free again
  return r;
}

struct Sum {
  template <class T> __device__ T operator()(T a, T b) const { return a + b; }
};
struct Max {
  template <class T> __device__ T operator()(T a, T b) const { return a > b ? a : b; }
};
struct Min {
  template <class T> __device__ T operator()(T a, T b) const { return a < b ? a : b; }
};

// Exclusive prefix sum of v over the threads in order; *total = the sum over all.
template <class T>
__device__ T block_exclusive_sum(T v, T* total) {
  __shared__ T warp_totals[kWarps];
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  T inclusive = v;
#pragma unroll
  for (int offset = 1; offset < kWarp; offset *= 2) {
    const T from = __shfl_up_sync(kFullMask, inclusive, offset);
    if (lane >= offset) inclusive += from;
  }
  T exclusive = __shfl_up_sync(kFullMask, inclusive, 1);
  if (lane == 0) exclusive = T(0);
  if (lane == kWarp - 1) warp_totals[warp] = inclusive;
  __syncthreads();
  T before = T(0), all = T(0);
  for (int w = 0; w < kWarps; ++w) {
    if (w < warp) before += warp_totals[w];
    all += warp_totals[w];
  }
  __syncthreads();  // warp_totals is free again
  *total = all;
  return before + exclusive;
}

// ---- shared state of one block ----

struct Shared {
  SamplingParams p;
  SampleResult result;
  u64 hist[kBins];                   // a histogram of selection weights
  double chunk_mass[kThreads];       // the draw: probability mass of each chunk of ids
  uint32_t chunk_count[kThreads];    // equal logits: matching ids in each chunk
  u64 top_keys[kMaxLogprobs];        // the top logprobs' keys, unordered
  int n_top_found;
  int bin;                           // find_crossing's answer
  u64 bin_before;
  int32_t id;                        // an id found by one thread
};

// Chunks for the passes that need id order: chunk c = ids [c · len, (c + 1) · len), len a multiple of
// the warp, at most kThreads chunks (one per thread in the scans). A warp reads a chunk coalesced.
struct Chunks {
  int64_t len;
  int n;
};
__host__ __device__ inline Chunks chunks_of(int64_t vocab) {
  int64_t len = (vocab + kThreads - 1) / kThreads;
  len = (len + kWarp - 1) / kWarp * kWarp;
  return {len, static_cast<int>((vocab + len - 1) / len)};
}

// ---- stage 2: the logits processors, on x (a copy of the row in the workspace) ----

__device__ bool has_penalties(const SamplingParams& p) {
  return (p.repetition_penalty != 1.0f && p.n_prompt + p.n_output > 0) ||
         ((p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f) && p.n_output > 0);
}

__device__ bool has_edits(const SamplingParams& p) { return p.n_bias > 0 || p.n_suppressed > 0 || has_penalties(p); }

// x[id] += value in the order of the list (the CPU's roundings where an id repeats): an id listed once is
// added by its own thread; the values of a repeated id are summed in list order by the one thread that
// claims it. counts holds, for each listed id, how often it is listed.
__device__ void add_bias(const SamplingParams& p, float* x, int32_t* counts) {
  for (int64_t i = threadIdx.x; i < p.n_bias; i += kThreads) counts[p.bias_ids[i]] = 0;
  __syncthreads();
  for (int64_t i = threadIdx.x; i < p.n_bias; i += kThreads) atomicAdd(&counts[p.bias_ids[i]], 1);
  __syncthreads();
  for (int64_t i = threadIdx.x; i < p.n_bias; i += kThreads) {
    const int32_t id = p.bias_ids[i];
    const int32_t listed = atomicOr(&counts[id], 0);  // an atomic read: claims below write the same words
    if (listed == 1) {
      x[id] = __fadd_rn(x[id], p.bias_values[i]);
    } else if (listed > 1 && atomicExch(&counts[id], 0) > 1) {
      float v = x[id];
      for (int64_t j = 0; j < p.n_bias; ++j)
        if (p.bias_ids[j] == id) v = __fadd_rn(v, p.bias_values[j]);
      x[id] = v;
    }
  }
  __syncthreads();
}

// Each id of prompt ∪ output is penalised once, by the thread that claims its counts entry (swapping in
// 0), with cpu::'s formula and roundings. Entries are zeroed before use, so the workspace needs no reset.
__device__ void apply_penalties(const SamplingParams& p, float* x, int32_t* counts) {
  const bool repetition = p.repetition_penalty != 1.0f;
  for (int64_t i = threadIdx.x; i < p.n_output; i += kThreads) counts[p.output_ids[i]] = 0;
  if (repetition)
    for (int64_t i = threadIdx.x; i < p.n_prompt; i += kThreads) counts[p.prompt_ids[i]] = 0;
  __syncthreads();
  for (int64_t i = threadIdx.x; i < p.n_output; i += kThreads) atomicAdd(&counts[p.output_ids[i]], 1);
  if (repetition)
    for (int64_t i = threadIdx.x; i < p.n_prompt; i += kThreads) atomicOr(&counts[p.prompt_ids[i]], kInPrompt);
  __syncthreads();
  auto apply = [&](int32_t id) {
    const int32_t c = atomicExch(&counts[id], 0);
    if (c == 0) return;  // done already, by this thread or another
    const int32_t n = c & kCountMask;
    float v = x[id];
    if (repetition) v = v > 0.0f ? __fdiv_rn(v, p.repetition_penalty) : __fmul_rn(v, p.repetition_penalty);
    v = __fsub_rn(v, __fmul_rn(p.frequency_penalty, static_cast<float>(n)));
    v = __fsub_rn(v, n > 0 ? p.presence_penalty : 0.0f);
    x[id] = v;
  };
  if (repetition)
    for (int64_t i = threadIdx.x; i < p.n_prompt; i += kThreads) apply(p.prompt_ids[i]);
  for (int64_t i = threadIdx.x; i < p.n_output; i += kThreads) apply(p.output_ids[i]);
  __syncthreads();
}

__device__ void apply_logits_processors(const float* logits, int64_t vocab, const SamplingParams& p, float* x,
                                        int32_t* counts) {
  for (int64_t i = threadIdx.x; i < vocab; i += kThreads) x[i] = logits[i];
  __syncthreads();
  if (p.n_bias > 0) add_bias(p, x, counts);
  for (int64_t i = threadIdx.x; i < p.n_suppressed; i += kThreads) x[p.suppressed_ids[i]] = -INFINITY;
  __syncthreads();
  if (has_penalties(p)) apply_penalties(p, x, counts);
}

// ---- extremes ----

struct Extremes {
  u64 max_key;  // the first id holding the max (NaN left out)
  float min;    // the smallest finite value (+inf when none)
  bool nan;
};

__device__ Extremes extremes(Row x, int64_t vocab) {
  u64 best = 0;
  float low = INFINITY;
  int nan = 0;
  for (int64_t i = threadIdx.x; i < vocab; i += kThreads) {
    const float v = x(i);
    if (v != v) {
      nan = 1;
      continue;
    }
    const u64 key = rank_key(v, i);
    best = key > best ? key : best;
    if (v > -INFINITY && v < INFINITY) low = fminf(low, v);
  }
  return {block_reduce(best, Max()), block_reduce(low, Min()), block_reduce(nan, Max()) != 0};
}

// ---- selection ----

// The histogram's crossing bin: the first bin, in order, at which the weight summed from bin 0 reaches
// `need`. Thread t holds bins [t · kBinsPerThread, (t + 1) · kBinsPerThread). Sets *before to the weight
// of the bins ahead of it; returns −1 when the whole histogram weighs less than need. Integer sums: the
// crossing is exact and unique.
__device__ int find_crossing(u64 need, Shared& sh, u64* before) {
  if (threadIdx.x == 0) sh.bin = -1;
  u64 local = 0;
  for (int j = 0; j < kBinsPerThread; ++j) local += sh.hist[threadIdx.x * kBinsPerThread + j];
  u64 total;
  u64 run = block_exclusive_sum(local, &total);  // syncs: sh.bin = −1 is seen before any write below
  for (int j = 0; j < kBinsPerThread; ++j) {
    const int b = threadIdx.x * kBinsPerThread + j;
    const u64 h = sh.hist[b];
    if (run < need && run + h >= need) {
      sh.bin = b;
      sh.bin_before = run;
    }
    run += h;
  }
  __syncthreads();
  const int bin = sh.bin;
  *before = sh.bin_before;
  __syncthreads();
  return bin;
}

__device__ void clear_hist(Shared& sh) {
  for (int b = threadIdx.x; b < kBins; b += kThreads) sh.hist[b] = 0;
  __syncthreads();
}

// The cut of a selection in rank order over the ids with weight > 0: the key of the id at which the
// weight summed in rank order first reaches `target` (target ≥ 1); kNoCut when the total weight is below
// it. x_max / x_min: the row's max and smallest finite value.
//   1. a histogram over the distance from the max, (x_max − x) · (kBins − 1) / (x_max − x_min) (monotone
//      in x, so every bin is a range of keys; NaN, from x = −inf over a zero range, and the rest beyond
//      the range fall into the last bin), and the float-bit range of the crossing bin;
//   2. ≤ kMaxBitLevels histograms splitting that range of ordered float bits into kBins equal parts,
//      until one value T is left;
//   3. the ids holding T weigh the same w_T, so the cut is the m-th of them by ascending id,
//      m = ceil(need / w_T).
template <class Weight>
__device__ u64 select_cut(Row x, int64_t vocab, float x_max, float x_min, Weight weight, u64 target, Shared& sh) {
  const float range = __fsub_rn(x_max, x_min);
  const float per_bin = range > 0.0f ? __fdiv_rn(static_cast<float>(kBins - 1), range) : 0.0f;
  auto distance_bin = [&](float v) {
    const float f = __fmul_rn(__fsub_rn(x_max, v), per_bin);
    return f < static_cast<float>(kBins - 1) ? static_cast<int>(f) : kBins - 1;
  };
  // 1. distance histogram
  clear_hist(sh);
  for (int64_t i = threadIdx.x; i < vocab; i += kThreads) {
    const float v = x(i);
    const u64 w = weight(v);
    if (w != 0) atomicAdd(&sh.hist[distance_bin(v)], w);
  }
  __syncthreads();
  u64 above;  // weight ranked above the current range
  const int b0 = find_crossing(target, sh, &above);
  if (b0 < 0) return kNoCut;
  uint32_t lo = 0xffffffffu, hi = 0;
  for (int64_t i = threadIdx.x; i < vocab; i += kThreads) {
    const float v = x(i);
    if (weight(v) == 0 || distance_bin(v) != b0) continue;
    const uint32_t o = ordered_bits(v);
    lo = o < lo ? o : lo;
    hi = o > hi ? o : hi;
  }
  lo = block_reduce(lo, Min());
  hi = block_reduce(hi, Max());
  // 2. float-bit histograms over [lo, hi], binned by the offset hi − o so that bin 0 ranks first; ids
  //    above hi are in `above`, ids below lo rank after the cut
  for (int level = 0; level < kMaxBitLevels && lo < hi; ++level) {
    const u64 span = static_cast<u64>(hi) - lo + 1;
    clear_hist(sh);
    for (int64_t i = threadIdx.x; i < vocab; i += kThreads) {
      const float v = x(i);
      const uint32_t o = ordered_bits(v);
      if (o < lo || o > hi) continue;
      const u64 w = weight(v);
      if (w != 0) atomicAdd(&sh.hist[(static_cast<u64>(hi - o) * kBins) / span], w);
    }
    __syncthreads();
    u64 before;
    const int b = find_crossing(target - above, sh, &before);
    if (b < 0) break;  // cannot happen: the range holds the crossing
    above += before;
    // bin b holds the offsets hi − o with b · span ≤ (hi − o) · kBins < (b + 1) · span
    const u64 first = (static_cast<u64>(b) * span + kBins - 1) / kBins;
    const u64 end = (static_cast<u64>(b + 1) * span + kBins - 1) / kBins;
    lo = hi - static_cast<uint32_t>(end - 1);
    hi = hi - static_cast<uint32_t>(first);
  }
  // 3. the m-th id holding T, by ascending id: chunk counts, a scan, one thread walks its chunk
  const uint32_t t_bits = lo;
  const u64 w_t = weight(float_of_ordered(t_bits));
  u64 m = w_t > 0 ? (target - above + w_t - 1) / w_t : 1;
  auto holds_t = [&](int64_t id) {
    if (id >= vocab) return false;
    const float v = x(id);
    return ordered_bits(v) == t_bits && weight(v) != 0;
  };
  const Chunks chunks = chunks_of(vocab);
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  for (int c = warp; c < chunks.n; c += kWarps) {
    uint32_t count = 0;
    for (int64_t j = lane; j < chunks.len; j += kWarp)
      count += __popc(__ballot_sync(kFullMask, holds_t(c * chunks.len + j)));
    if (lane == 0) sh.chunk_count[c] = count;
  }
  if (threadIdx.x == 0) sh.id = -1;
  __syncthreads();
  const uint32_t count = static_cast<int>(threadIdx.x) < chunks.n ? sh.chunk_count[threadIdx.x] : 0;
  u64 total;
  const u64 ahead = block_exclusive_sum(static_cast<u64>(count), &total);
  m = m < total ? m : total;  // total < m cannot happen either: the last of them, then
  if (count > 0 && ahead < m && m <= ahead + count) {
    u64 seen = ahead;
    const int64_t begin = static_cast<int64_t>(threadIdx.x) * chunks.len;
    for (int64_t id = begin; id < begin + chunks.len; ++id) {
      if (holds_t(id) && ++seen == m) {
        sh.id = static_cast<int32_t>(id);
        break;
      }
    }
  }
  __syncthreads();
  const int32_t id = sh.id;
  __syncthreads();
  return id < 0 ? kNoCut : (static_cast<u64>(t_bits) << 32) | static_cast<uint32_t>(~static_cast<uint32_t>(id));
}

// ---- the draw ----

// Inverse CDF in id order over the ids with key ≥ cut: the first id whose cumulative mass exceeds
// u · total; where rounding leaves u · total beyond the last boundary, the last id with mass (cpu::draw).
__device__ int32_t draw(Row x, int64_t vocab, float x_max, float min_p, u64 cut, double u, Shared& sh) {
  auto kept = [&](int64_t id) {
    const float v = x(id);
    return rank_key(v, id) >= cut ? unnormalized(v, x_max, min_p) : 0.0f;
  };
  const Chunks chunks = chunks_of(vocab);
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  for (int c = warp; c < chunks.n; c += kWarps) {
    double mass = 0.0;
    for (int64_t j = lane; j < chunks.len; j += kWarp) {
      const int64_t id = c * chunks.len + j;
      if (id < vocab) mass += kept(id);
    }
    mass = warp_reduce(mass, Sum());
    if (lane == 0) sh.chunk_mass[c] = mass;
  }
  if (threadIdx.x == 0) sh.id = -1;
  __syncthreads();
  const int t = threadIdx.x;
  const double mass = t < chunks.n ? sh.chunk_mass[t] : 0.0;
  double total;
  const double ahead = block_exclusive_sum(mass, &total);
  const double target = u * total;
  const int first = block_reduce(mass > 0.0 && ahead + mass > target ? t : kThreads, Min());
  const int last = block_reduce(mass > 0.0 ? t : -1, Max());
  if (t == (first < kThreads ? first : last)) {
    double before = ahead;
    int32_t token = -1;
    const int64_t begin = static_cast<int64_t>(t) * chunks.len;
    const int64_t end = begin + chunks.len < vocab ? begin + chunks.len : vocab;
    for (int64_t id = begin; id < end; ++id) {
      const float e = kept(id);
      if (e <= 0.0f) continue;
      token = static_cast<int32_t>(id);
      before += e;
      if (before > target) break;
    }
    sh.id = token;
  }
  __syncthreads();
  const int32_t token = sh.id;
  __syncthreads();
  return token;
}

// Stage 4 on the temperature-scaled row: min_p (inside every weight), top_k, top_p over what top_k
// kept, the draw.
__device__ int32_t sample_scaled(Row x, int64_t vocab, const Extremes& ex, const SamplingParams& p, Shared& sh) {
  const float x_max = key_x(ex.max_key);
  const bool top_k = p.top_k > 0 && p.top_k < vocab, top_p = p.top_p < 1.0f;
  u64 cut = kNoCut;
  if (top_k) cut = select_cut(x, vocab, x_max, ex.min, CountLive{x_max, p.min_p}, static_cast<u64>(p.top_k), sh);
  if (top_p) {  // renormalised over what top_k kept: the target ≤ that mass, so the cut lands among it
    const Mass mass{x_max, p.min_p, mass_unit(vocab)};
    u64 local = 0;
    for (int64_t i = threadIdx.x; i < vocab; i += kThreads) {
      const float v = x(i);
      if (rank_key(v, i) >= cut) local += mass(v);
    }
    const u64 total = block_reduce(local, Sum());
    const double limit = ceil(static_cast<double>(p.top_p) * static_cast<double>(total));
    const u64 target = limit < 1.0 ? 1 : static_cast<u64>(limit);
    const u64 top_p_cut = select_cut(x, vocab, x_max, ex.min, mass, target, sh);
    if (top_p_cut != kNoCut) cut = top_p_cut;
  }
  return draw(x, vocab, x_max, p.min_p, cut, uniform_for_step(p.seed, p.step), sh);
}

// ---- logprobs of the raw logits ----

// log_softmax(raw)[token] and the top n_top ids in rank order, into sh.result (thread 0 writes).
__device__ void add_logprobs(const float* logits, int64_t vocab, int32_t n_logprobs, Shared& sh) {
  const Row raw{logits, 1.0f};
  const Extremes ex = extremes(raw, vocab);
  const float raw_max = key_x(ex.max_key);
  double local = 0.0;
  for (int64_t i = threadIdx.x; i < vocab; i += kThreads) local += expf(__fsub_rn(logits[i], raw_max));
  const double log_z = static_cast<double>(raw_max) + log(block_reduce(local, Sum()));
  const int32_t n_top = static_cast<int32_t>(n_logprobs < vocab ? n_logprobs : vocab);
  if (threadIdx.x == 0) {
    sh.result.logprob = static_cast<float>(static_cast<double>(logits[sh.result.token]) - log_z);
    sh.result.n_top = n_top;
    sh.n_top_found = 0;
  }
  if (n_top == 0) return;
  const u64 cut = select_cut(raw, vocab, raw_max, ex.min, CountAll{}, static_cast<u64>(n_top), sh);
  for (int64_t i = threadIdx.x; i < vocab; i += kThreads) {
    const u64 key = rank_key(logits[i], i);
    if (key < cut) continue;
    const int slot = atomicAdd(&sh.n_top_found, 1);
    if (slot < kMaxLogprobs) sh.top_keys[slot] = key;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    const int n = sh.n_top_found < n_top ? sh.n_top_found : n_top;  // exactly n_top: keys are unique
    for (int i = 1; i < n; ++i) {  // insertion sort, descending
      const u64 key = sh.top_keys[i];
      int j = i;
      for (; j > 0 && sh.top_keys[j - 1] < key; --j) sh.top_keys[j] = sh.top_keys[j - 1];
      sh.top_keys[j] = key;
    }
    for (int i = 0; i < n; ++i) {
      const int32_t id = key_id(sh.top_keys[i]);
      sh.result.top_ids[i] = id;
      sh.result.top_logprobs[i] = static_cast<float>(static_cast<double>(logits[id]) - log_z);
    }
    sh.result.n_top = n;
  }
}

// One block per sequence: blockIdx.x = sequence. edited [n, row_stride]: the processed logits (when
// there are edits); counts [n, row_stride]: penalty counts (zeroed where used, never reset).
__global__ void __launch_bounds__(kThreads, 1)
    sample_kernel(const float* logits, int64_t vocab, const DeviceSamplingParams* params, SampleResult* results,
                  float* edited, int32_t* counts, int64_t row_stride) {
  __shared__ Shared sh;
  const int64_t seq = blockIdx.x;
  if (threadIdx.x == 0) {
    sh.p = params[seq].params;
    sh.result = SampleResult{};
    sh.result.token = -1;
    sh.result.logprob = NAN;
  }
  __syncthreads();
  const SamplingParams& p = sh.p;
  const float* row = logits + seq * vocab;
  Row x{row, 1.0f};
  if (has_edits(p)) {
    apply_logits_processors(row, vocab, p, edited + seq * row_stride, counts + seq * row_stride);
    x.v = edited + seq * row_stride;
  }
  const bool greedy = p.temperature < kGreedyTemperature || p.top_k == 1;
  x.scale = greedy ? 1.0f : __fdiv_rn(1.0f, p.temperature);
  const Extremes ex = extremes(x, vocab);
  const float x_max = key_x(ex.max_key);
  if (ex.nan || x_max == INFINITY || x_max == -INFINITY) {  // the model's fault, or all suppressed
    if (threadIdx.x == 0) results[seq] = sh.result;
    return;
  }
  const int32_t token = greedy ? key_id(ex.max_key) : sample_scaled(x, vocab, ex, p, sh);
  if (threadIdx.x == 0) sh.result.token = token;
  __syncthreads();
  if (p.n_logprobs >= 0) add_logprobs(row, vocab, p.n_logprobs, sh);
  __syncthreads();
  if (threadIdx.x == 0) results[seq] = sh.result;
}

int64_t row_stride(int64_t vocab) {
  constexpr int64_t kAlign = 256 / sizeof(float);
  return (vocab + kAlign - 1) / kAlign * kAlign;
}

}  // namespace

size_t sample_workspace_bytes(int64_t n, int64_t vocab) {
  return static_cast<size_t>(n) * static_cast<size_t>(row_stride(vocab)) * (sizeof(float) + sizeof(int32_t));
}

void sample_batch(const float* logits, int64_t n, int64_t vocab, const DeviceSamplingParams* params,
                  SampleResult* results, void* workspace, cudaStream_t stream) {
  if (vocab < 1 || vocab > INT32_MAX) throw std::invalid_argument("sample_batch: vocab must be in [1, 2^31)");
  if (n < 0 || n > INT32_MAX) throw std::invalid_argument("sample_batch: n must be in [0, 2^31)");
  if (n == 0) return;
  const int64_t stride = row_stride(vocab);
  float* edited = static_cast<float*>(workspace);
  int32_t* counts = reinterpret_cast<int32_t*>(edited + n * stride);
  sample_kernel<<<static_cast<unsigned>(n), kThreads, 0, stream>>>(logits, vocab, params, results, edited, counts,
                                                                   stride);
}

}  // namespace nemotron::cuda
