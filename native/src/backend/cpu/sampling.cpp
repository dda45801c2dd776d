// CPU sampling of one sequence's logits [vocab] (contract and semantics: ops/sampling.h). The logits
// processors are sparse edits on a copy; then passes over chunks of kChunk ids keep each chunk's max
// logit and probability mass, so that top_k / top_p and the draw skip the chunks that cannot matter.
// Nothing sorts the vocabulary: truncation selects among candidates above a safe floor with
// nth_element (expected linear time), the draw walks chunk masses then one chunk.
// Precision: logits and exp (vexp) in float32, every sum of probabilities in double; the draw is ref's
// (inverse CDF in id order), so cpu:: and ref:: agree except where rounding moves a boundary.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "backend/cpu/simd.h"
#include "backend/cpu/vexp.h"
#include "engine/status.h"
#include "ops/sampling.h"
#include "sampling/philox.h"

namespace nemotron::cpu {
namespace {

constexpr int64_t kChunk = 64;  // ids per chunk: 2048 chunks at vocab 131072, each a few vectors
constexpr int64_t kExpBlock = 64 * kChunk;  // 16 KB of e: stays in L1 through exp_chunks' three steps
constexpr int kLanes = 8;
using F = simd::Vec<kLanes>::f32;
using I = simd::Vec<kLanes>::i32;
// Sums in double: 4-lane vectors (one ymm: wider generic vectors spill), several chains so that the
// adds' latency, not their count, sets the pace.
constexpr int kSumLanes = 4, kSumChains = 4;
using F4 = simd::Vec<kSumLanes>::f32;
typedef double D __attribute__((vector_size(kSumLanes * sizeof(double))));

// counts[id] while penalties are applied: bit 30 = id is in the prompt, the low 30 bits its output count.
constexpr int32_t kInPrompt = int32_t{1} << 30;
constexpr int32_t kCountMask = kInPrompt - 1;
// top_p alone keeps no token with e ≤ (1 − top_p) · mass / vocab (everything ranked at or below it
// weighs at most vocab · e); candidates need e above half that, so rounding cannot lose a kept token.
constexpr double kTopPFloorMargin = 0.5;
constexpr float kExpSlack = 1e-3f;  // log-domain slack when a chunk max is compared with an e floor
constexpr int64_t kSortBelow = 64;  // top_p's selection sorts a range this short instead of splitting it

int64_t n_chunks(int64_t vocab) { return (vocab + kChunk - 1) / kChunk; }
int64_t chunk_len(int64_t c, int64_t vocab) { return std::min(kChunk, vocab - c * kChunk); }

// Rank order (higher logit first, equal logits by ascending id) as one unsigned compare: candidates are
// keys = order-preserving bits of x (high half) | ~id (low half), so selection never chases pointers.
using RankKey = uint64_t;
RankKey rank_key(float x, int64_t id) {
  uint32_t bits;
  const float canonical = x + 0.0f;  // −0 → +0: equal logits must tie
  std::memcpy(&bits, &canonical, sizeof bits);
  bits = (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
  return (static_cast<RankKey>(bits) << 32) | static_cast<uint32_t>(~static_cast<uint32_t>(id));
}
int32_t key_id(RankKey key) { return static_cast<int32_t>(~static_cast<uint32_t>(key)); }

void fit(SamplingWorkspace& ws, int64_t vocab) {
  if (static_cast<int64_t>(ws.x.size()) >= vocab) return;
  ws.x.resize(vocab);
  ws.e.resize(vocab);
  ws.counts.resize(vocab, 0);
  ws.candidates.resize(vocab);
  ws.chunk_max.resize(n_chunks(vocab));
  ws.chunk_mass.resize(n_chunks(vocab));
  ws.thresholds.resize(n_chunks(vocab));
}

// ---- the passes over the vocabulary (one version per ISA, like vexp) ----

// x = src · scale (src may be x); chunk_max[c] = max of chunk c (NaN never wins). Returns: some x is NaN.
#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
bool scale_chunks(const float* src, float* x, int64_t vocab, float scale, float* chunk_max) {
  I nan = {};
  bool tail_nan = false;
  for (int64_t c = 0; c < n_chunks(vocab); ++c) {
    const int64_t base = c * kChunk, len = chunk_len(c, vocab);
    F best = F{} - INFINITY;
    int64_t i = 0;
    for (; i + kLanes <= len; i += kLanes) {
      F v;
      simd::load<kLanes>(src + base + i, v);
      v *= scale;
      simd::store<kLanes>(x + base + i, v);
      best = v > best ? v : best;
      nan |= v != v;
    }
    float m = -INFINITY;
    for (int l = 0; l < kLanes; ++l) m = best[l] > m ? best[l] : m;
    for (; i < len; ++i) {
      const float v = src[base + i] * scale;
      x[base + i] = v;
      m = v > m ? v : m;
      tail_nan |= v != v;
    }
    chunk_max[c] = m;
  }
  for (int l = 0; l < kLanes; ++l) tail_nan |= nan[l] != 0;
  return tail_nan;
}

// e = exp(x − x_max), set to 0 below min_p; chunk_mass[c] = sum of chunk c's e, in double. Works through
// blocks of kExpBlock ids that stay in L1 from the subtraction to the sums.
#ifdef NEMOTRON_MULTIVERSIONING
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void exp_chunks(const float* x, float* e, int64_t vocab, float x_max, float min_p, double* chunk_mass) {
  for (int64_t block = 0; block < vocab; block += kExpBlock) {
    const int64_t block_end = std::min(block + kExpBlock, vocab);
    for (int64_t i = block; i < block_end; ++i) e[i] = x[i] - x_max;
    exp_in_place(e + block, block_end - block);
    for (int64_t c = block / kChunk; c * kChunk < block_end; ++c) {
      const int64_t base = c * kChunk, len = chunk_len(c, vocab);
      D acc[kSumChains] = {};
      int64_t i = 0;
      for (; i + kSumChains * kSumLanes <= len; i += kSumChains * kSumLanes) {
        for (int j = 0; j < kSumChains; ++j) {
          F4 v;
          simd::load<kSumLanes>(e + base + i + j * kSumLanes, v);
          v = v < min_p ? F4{} : v;
          simd::store<kSumLanes>(e + base + i + j * kSumLanes, v);
          acc[j] += __builtin_convertvector(v, D);
        }
      }
      double mass = 0.0;
      for (int j = 0; j < kSumChains; ++j)
        for (int l = 0; l < kSumLanes; ++l) mass += acc[j][l];
      for (; i < len; ++i) {
        e[base + i] = e[base + i] < min_p ? 0.0f : e[base + i];
        mass += e[base + i];
      }
      chunk_mass[c] = mass;
    }
  }
}

// ---- logits processors ----

bool has_penalties(const SamplingParams& p) {
  return (p.repetition_penalty != 1.0f && p.n_prompt + p.n_output > 0) ||
         ((p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f) && p.n_output > 0);
}

bool has_edits(const SamplingParams& p) { return p.n_bias > 0 || p.n_suppressed > 0 || has_penalties(p); }

// Each id of prompt ∪ output is penalised once: its counts entry is cleared as it is applied, which also
// leaves counts all zero for the next call.
void apply_penalties(const SamplingParams& p, int32_t* counts, float* x) {
  const bool repetition = p.repetition_penalty != 1.0f;
  for (int64_t i = 0; i < p.n_output; ++i) ++counts[p.output_ids[i]];
  if (repetition)
    for (int64_t i = 0; i < p.n_prompt; ++i) counts[p.prompt_ids[i]] |= kInPrompt;
  auto apply = [&](int32_t id) {
    if (counts[id] == 0) return;  // done already
    const int32_t n = counts[id] & kCountMask;
    counts[id] = 0;
    float v = x[id];
    if (repetition) v = v > 0.0f ? v / p.repetition_penalty : v * p.repetition_penalty;
    v -= p.frequency_penalty * static_cast<float>(n);
    v -= n > 0 ? p.presence_penalty : 0.0f;
    x[id] = v;
  };
  if (repetition)
    for (int64_t i = 0; i < p.n_prompt; ++i) apply(p.prompt_ids[i]);
  for (int64_t i = 0; i < p.n_output; ++i) apply(p.output_ids[i]);
}

void apply_logits_processors(const float* logits, int64_t vocab, const SamplingParams& p, int32_t* counts,
                             float* out) {
  if (out != logits) std::copy(logits, logits + vocab, out);
  for (int32_t i = 0; i < p.n_bias; ++i) out[p.bias_ids[i]] += p.bias_values[i];
  for (int32_t i = 0; i < p.n_suppressed; ++i) out[p.suppressed_ids[i]] = -INFINITY;
  if (has_penalties(p)) apply_penalties(p, counts, out);
}

// ---- selection ----

// A lower bound on the k-th largest x: the k-th largest chunk maximum (k chunks reach it, so k ids do);
// −inf when there are fewer than k chunks.
float kth_largest_bound(SamplingWorkspace& ws, int64_t vocab, int64_t k) {
  const int64_t nc = n_chunks(vocab);
  if (k > nc) return -INFINITY;
  std::vector<float>& maxima = ws.thresholds;
  std::copy(ws.chunk_max.begin(), ws.chunk_max.begin() + nc, maxima.begin());
  std::nth_element(maxima.begin(), maxima.begin() + (k - 1), maxima.begin() + nc, std::greater<float>());
  return maxima[k - 1];
}

// Keys of the ids with x ≥ x_floor and e > e_floor into ws.candidates, skipping chunks whose max is
// below x_floor.
int64_t collect_candidates(SamplingWorkspace& ws, int64_t vocab, float x_floor, float e_floor) {
  RankKey* out = ws.candidates.data();
  int64_t n = 0;
  for (int64_t c = 0; c < n_chunks(vocab); ++c) {
    if (!(ws.chunk_max[c] >= x_floor)) continue;
    for (int64_t id = c * kChunk; id < c * kChunk + chunk_len(c, vocab); ++id) {
      out[n] = rank_key(ws.x[id], id);
      n += ws.x[id] >= x_floor && ws.e[id] > e_floor;
    }
  }
  return n;
}

// The smallest prefix, in rank order, of the ids c[0, n) whose mass reaches `target` (all n if none
// does): quickselect on mass. On return c[0, kept) holds that prefix with its lowest-ranked id last.
int64_t top_p_prefix(RankKey* c, int64_t n, double target, const SamplingWorkspace& ws) {
  const std::greater<RankKey> above;
  int64_t lo = 0, hi = n;  // invariant: mass(prefix of lo) < target; the answer is in (lo, hi]
  double mass_lo = 0.0;
  while (hi - lo > kSortBelow) {
    const int64_t mid = lo + (hi - lo) / 2;
    std::nth_element(c + lo, c + mid, c + hi, above);
    double mass = 0.0;
    for (int64_t i = lo; i < mid; ++i) mass += ws.e[key_id(c[i])];
    if (mass_lo + mass >= target) {
      hi = mid;
    } else {
      mass_lo += mass;
      lo = mid;
    }
  }
  std::sort(c + lo, c + hi, above);
  for (int64_t i = lo; i < hi; ++i) {
    mass_lo += ws.e[key_id(c[i])];
    if (mass_lo >= target) return i + 1;
  }
  return hi;
}

// Zeroes e of every id ranked below (x_cut, id_cut) and recomputes the chunk masses.
void drop_below(SamplingWorkspace& ws, int64_t vocab, float x_cut, int32_t id_cut) {
  for (int64_t c = 0; c < n_chunks(vocab); ++c) {
    if (ws.chunk_max[c] < x_cut) {
      ws.chunk_mass[c] = 0.0;  // e stays as it is: the draw never enters a chunk without mass
      continue;
    }
    double mass = 0.0;
    for (int64_t id = c * kChunk; id < c * kChunk + chunk_len(c, vocab); ++id) {
      const bool kept = ws.x[id] > x_cut || (ws.x[id] == x_cut && id <= id_cut);
      ws.e[id] = kept ? ws.e[id] : 0.0f;
      mass += ws.e[id];
    }
    ws.chunk_mass[c] = mass;
  }
}

// top_k, then top_p on what top_k kept, applied to e and the chunk masses (min_p is already in e).
void truncate(int64_t vocab, const SamplingParams& p, double mass, float x_max, SamplingWorkspace& ws) {
  const bool top_k = p.top_k > 0 && p.top_k < vocab, top_p = p.top_p < 1.0f;
  if (!top_k && !top_p) return;
  float x_floor = -INFINITY, e_floor = 0.0f;
  if (top_k) {
    x_floor = kth_largest_bound(ws, vocab, p.top_k);
  } else {
    e_floor = static_cast<float>(kTopPFloorMargin * (1.0 - p.top_p) * mass / vocab);
    x_floor = x_max + std::log(e_floor) - kExpSlack;
  }
  RankKey* c = ws.candidates.data();
  const int64_t n = collect_candidates(ws, vocab, x_floor, e_floor);  // ≥ 1: the max has e = 1
  // Fewer than k live candidates means the ids at or above the floor include dead ones, and then so
  // are all ids below it (e falls with x): the candidates are every live id, and top_k cuts nothing.
  const bool k_cuts = top_k && n >= p.top_k;
  int64_t kept = n;
  if (k_cuts) {
    std::nth_element(c, c + (p.top_k - 1), c + n, std::greater<RankKey>());
    kept = p.top_k;
  }
  if (top_p) {
    if (top_k) {  // top_p renormalises over what top_k kept
      mass = 0.0;
      for (int64_t i = 0; i < kept; ++i) mass += ws.e[key_id(c[i])];
    }
    kept = top_p_prefix(c, kept, p.top_p * mass, ws);
  } else if (!k_cuts) {
    return;
  }
  const int32_t cut = key_id(c[kept - 1]);
  drop_below(ws, vocab, ws.x[cut], cut);
}

// ---- the draw and the outputs ----

// Inverse CDF in id order: the first id whose cumulative mass exceeds u · total; where rounding leaves
// u · total beyond the last boundary, the last id with mass.
int32_t draw(const SamplingWorkspace& ws, int64_t vocab, double u) {
  const int64_t nc = n_chunks(vocab);
  double total = 0.0;
  for (int64_t c = 0; c < nc; ++c) total += ws.chunk_mass[c];
  const double target = u * total;
  double before = 0.0;
  int64_t chunk = -1;
  for (int64_t c = 0; c < nc; ++c) {
    if (ws.chunk_mass[c] <= 0.0) continue;
    chunk = c;
    if (before + ws.chunk_mass[c] > target) break;
    before += ws.chunk_mass[c];
  }
  require(chunk >= 0, NT_INTERNAL, "sampling: no probability mass left to draw from");
  int32_t token = -1;
  for (int64_t id = chunk * kChunk; id < chunk * kChunk + chunk_len(chunk, vocab); ++id) {
    if (ws.e[id] <= 0.0f) continue;
    token = static_cast<int32_t>(id);
    before += ws.e[id];
    if (before > target) break;
  }
  return token;
}

// The first id holding x_max (chunk maxima lead to its chunk).
int32_t argmax(const SamplingWorkspace& ws, int64_t vocab, float x_max) {
  int64_t c = 0;
  while (ws.chunk_max[c] != x_max) ++c;
  int64_t id = c * kChunk;
  while (ws.x[id] != x_max) ++id;
  return static_cast<int32_t>(id);
}

// log_softmax of the raw logits: the chosen token's and the top n_logprobs in rank order. Reuses x, e
// and the chunk arrays, which the draw no longer needs.
void add_logprobs(const float* logits, int64_t vocab, int32_t n_logprobs, SamplingWorkspace& ws,
                  SampleResult& r) {
  scale_chunks(logits, ws.x.data(), vocab, 1.0f, ws.chunk_max.data());
  const float raw_max = *std::max_element(ws.chunk_max.begin(), ws.chunk_max.begin() + n_chunks(vocab));
  exp_chunks(ws.x.data(), ws.e.data(), vocab, raw_max, 0.0f, ws.chunk_mass.data());
  double mass = 0.0;
  for (int64_t c = 0; c < n_chunks(vocab); ++c) mass += ws.chunk_mass[c];
  const double log_z = raw_max + std::log(mass);
  r.logprob = static_cast<float>(logits[r.token] - log_z);
  r.n_top = static_cast<int32_t>(std::min<int64_t>(n_logprobs, vocab));
  if (r.n_top == 0) return;
  const float x_floor = kth_largest_bound(ws, vocab, r.n_top);
  RankKey* c = ws.candidates.data();
  const int64_t n = collect_candidates(ws, vocab, x_floor, -1.0f);
  std::partial_sort(c, c + r.n_top, c + n, std::greater<RankKey>());
  for (int32_t i = 0; i < r.n_top; ++i) {
    r.top_ids[i] = key_id(c[i]);
    r.top_logprobs[i] = static_cast<float>(logits[r.top_ids[i]] - log_z);
  }
}

}  // namespace

void process_logits(const float* logits, int64_t vocab, const SamplingParams& p, SamplingWorkspace& ws,
                    float* out) {
  check_sampling_params(p, vocab);
  fit(ws, vocab);
  apply_logits_processors(logits, vocab, p, ws.counts.data(), out);
}

SampleResult sample(const float* logits, int64_t vocab, const SamplingParams& p, SamplingWorkspace& ws) {
  check_sampling_params(p, vocab);
  fit(ws, vocab);
  const float* src = logits;
  if (has_edits(p)) {
    apply_logits_processors(logits, vocab, p, ws.counts.data(), ws.x.data());
    src = ws.x.data();
  }
  const bool greedy = is_greedy(p);
  const bool nan = scale_chunks(src, ws.x.data(), vocab, greedy ? 1.0f : 1.0f / p.temperature, ws.chunk_max.data());
  const float x_max = *std::max_element(ws.chunk_max.begin(), ws.chunk_max.begin() + n_chunks(vocab));
  require(!nan && x_max != INFINITY, NT_INTERNAL, "sampling: a logit is NaN or +inf");
  require(x_max > -INFINITY, NT_INVALID_ARGUMENT, "sampling: every token is suppressed");

  SampleResult r{};
  if (greedy) {
    r.token = argmax(ws, vocab, x_max);
  } else {
    exp_chunks(ws.x.data(), ws.e.data(), vocab, x_max, p.min_p, ws.chunk_mass.data());
    double mass = 0.0;
    for (int64_t c = 0; c < n_chunks(vocab); ++c) mass += ws.chunk_mass[c];
    truncate(vocab, p, mass, x_max, ws);
    r.token = draw(ws, vocab, uniform_for_step(p.seed, p.step));
  }
  r.logprob = NAN;
  if (p.n_logprobs >= 0) add_logprobs(logits, vocab, p.n_logprobs, ws, r);
  return r;
}

}  // namespace nemotron::cpu
