// sampling: one case list of small distributions (temperature, top_k, top_p, min_p, their combinations,
// ties, logit_bias, suppression) drawn kDraws times by every backend: empirical frequencies against the
// distribution worked out by hand (where given) and ref::sampling_distribution, and cpu:: draws equal to
// ref:: draws step by step. Then: greedy ≡ argmax ≡ top_k 1; the counter-based RNG (Random123 known
// answers, same (seed, step) → same token in any order, seeds → different streams); penalties against
// the formula; raw logprobs; parameter validation; cpu:: against ref:: at vocab 131072.
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>
#include <random>

#include "engine/status.h"
#include "ops/sampling.h"
#include "sampling/philox.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// Draws per distribution: a token of probability p is hit f ≈ p ± sqrt(p(1−p)/kDraws) of the time.
constexpr int64_t kDraws = 30000;
// |f − p| ≤ kSigmas binomial standard deviations + kRareSlack / kDraws. At 5σ a correct sampler fails a
// given token with probability 6e-7, ~1e-3 over the ~1300 comparisons below (and the draws are seeded,
// so a pass stays a pass); the slips the cases separate (top_p not renormalised after top_k, a boundary
// token kept or dropped, min_p against p instead of p / p_max) move a probability by ≥ 0.1: ≥ 30σ.
// The slack covers tokens so rare that a count of 1–2 is already several "sigmas".
constexpr double kSigmas = 5.0;
constexpr double kRareSlack = 3.0;
// Hand-worked probabilities against ref's: the logits are float roundings of log(p), 6e-8 relative.
constexpr double kHandTol = 1e-6;
// cpu:: (float) against the double formula for processed logits of magnitude ≤ ~10: a few roundings.
constexpr double kProcessedTol = 1e-6;
// Logprobs: float logits, double sums in both; what is left is the float rounding of the result.
constexpr double kLogprobTol = 1e-5;
// Where cpu:: and ref:: draw different tokens, rounding must explain it: float e = exp(x − max) carries
// ~|x − max| · 6e-8 relative error (≤ ~4e-6 for the spreads used here), which moves a cumulative
// boundary, normalised, by at most ~1e-5; u must lie that close to cpu's token's interval under ref.
constexpr double kDrawTol = 1e-4;
// Such flips happen with probability ≲ 1e-4 per draw by that bound (none occur with these seeds); more
// than this many in one configuration would be a bias, not rounding.
constexpr int64_t kMaxFlips = 2;

SamplingParams params(float temperature, int32_t top_k = 0, float top_p = 1.0f, float min_p = 0.0f) {
  SamplingParams p{};
  p.temperature = temperature;
  p.top_k = top_k;
  p.top_p = top_p;
  p.min_p = min_p;
  p.repetition_penalty = 1.0f;
  p.seed = 20251126;
  p.n_logprobs = -1;
  return p;
}

using SampleFn = std::function<SampleResult(const float*, int64_t, const SamplingParams&)>;
struct Backend {
  const char* name;
  SampleFn sample;
};

std::vector<Backend> backends() {
  auto ws = std::make_shared<cpu::SamplingWorkspace>();
  return {{"ref", ref::sample},
          {"cpu", [ws](const float* l, int64_t v, const SamplingParams& p) { return cpu::sample(l, v, p, *ws); }}};
}

std::vector<float> logits_of(const std::vector<double>& probs) {
  std::vector<float> l;
  for (const double q : probs) l.push_back(q > 0.0 ? static_cast<float>(std::log(q)) : -INFINITY);
  return l;
}

std::vector<double> softmax(const std::vector<float>& l, double temperature = 1.0) {
  double m = -INFINITY, sum = 0.0;
  for (const float v : l) m = std::max<double>(m, v);
  std::vector<double> p;
  for (const float v : l) p.push_back(std::exp((v - m) / temperature)), sum += p.back();
  for (double& q : p) q /= sum;
  return p;
}

std::vector<float> random_logits(int64_t vocab, uint64_t seed, float spread) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> normal(0.0f, spread);
  std::vector<float> l(vocab);
  for (float& v : l) v = normal(gen);
  return l;
}

// ---- the case list ----

struct Case {
  std::string name;
  std::vector<float> logits;
  SamplingParams p;
  std::vector<double> by_hand = {};  // the expected distribution worked out by hand; empty: ref's only
  std::vector<int32_t> bias_ids = {}, suppressed_ids = {};
  std::vector<float> bias_values = {};
  std::string describe() const { return name + " vocab=" + std::to_string(logits.size()); }
  SamplingParams bound() const {  // p with the arrays pointing into this case
    SamplingParams q = p;
    q.bias_ids = bias_ids.data(), q.bias_values = bias_values.data(), q.n_bias = int32_t(bias_ids.size());
    q.suppressed_ids = suppressed_ids.data(), q.n_suppressed = int32_t(suppressed_ids.size());
    return q;
  }
};

std::vector<Case> cases() {
  const std::vector<double> four = {0.3, 0.1, 0.4, 0.2};  // rank order: ids 2, 0, 3, 1
  const std::vector<float> l8 = {0.5f, -1.0f, 2.0f, 0.0f, 1.5f, -0.5f, 1.0f, -2.0f};
  std::vector<float> biased = l8;
  biased[7] += 3.0f;
  std::vector<float> unsuppressed = l8;
  unsuppressed[2] = -INFINITY;
  std::vector<Case> c = {
      {"temperature 1", l8, params(1.0f), softmax(l8)},
      {"temperature 0.5", l8, params(0.5f), softmax(l8, 0.5)},
      {"temperature 2", l8, params(2.0f), softmax(l8, 2.0)},
      {"top_k 2", logits_of(four), params(1.0f, 2), {3.0 / 7, 0.0, 4.0 / 7, 0.0}},
      {"top_p 0.65: {0.4, 0.3}", logits_of(four), params(1.0f, 0, 0.65f), {3.0 / 7, 0.0, 4.0 / 7, 0.0}},
      {"top_p 0.75: {0.4, 0.3, 0.2}", logits_of(four), params(1.0f, 0, 0.75f), {3.0 / 9, 0.0, 4.0 / 9, 2.0 / 9}},
      {"top_p 0.1: the max", logits_of(four), params(1.0f, 0, 0.1f), {0.0, 0.0, 1.0, 0.0}},
      {"min_p 0.3: p ≥ 0.12", logits_of(four), params(1.0f, 0, 1.0f, 0.3f), {3.0 / 9, 0.0, 4.0 / 9, 2.0 / 9}},
      {"min_p 0.6: p ≥ 0.24", logits_of(four), params(1.0f, 0, 1.0f, 0.6f), {3.0 / 7, 0.0, 4.0 / 7, 0.0}},
      // top_k 3 leaves {.4, .3, .2}/.9; top_p 0.75 over that renormalised set stops after .444 + .333
      // (over the unrenormalised masses it would keep .2 as well: .4 + .3 < .75).
      {"top_k 3 then top_p 0.75", logits_of(four), params(1.0f, 3, 0.75f), {3.0 / 7, 0.0, 4.0 / 7, 0.0}},
      // Ties rank by id: top_k 2 of four equal maxima keeps ids 1 and 2; top_p 0.35 of ten equal keeps 4.
      {"top_k 2 of tied", {0.0f, 1.0f, 1.0f, 1.0f, 1.0f}, params(1.0f, 2), {0.0, 0.5, 0.5, 0.0, 0.0}},
      {"top_p 0.35 of ten equal", std::vector<float>(10, 0.25f), params(1.0f, 0, 0.35f),
       {0.25, 0.25, 0.25, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}},
      {"logit_bias +3 on id 7", l8, params(1.0f), softmax(biased), {7}, {}, {3.0f}},
      {"suppressed max", l8, params(1.0f), softmax(unsuppressed), {}, {2}},
      {"temperature 0.7, top_p 0.9", random_logits(50, 1, 2.0f), params(0.7f, 0, 0.9f)},
      {"temperature 1.3, top_k 10", random_logits(50, 2, 2.0f), params(1.3f, 10)},
      {"all four, tail chunk", random_logits(37, 3, 2.5f), params(0.8f, 20, 0.95f, 0.05f)},
      {"temperature 0.6, top_p 0.95, 3 chunks + 8", random_logits(200, 4, 3.0f), params(0.6f, 0, 0.95f)},
      {"min_p 0.1, top_k 150, 4 chunks", random_logits(250, 5, 1.5f), params(1.0f, 150, 1.0f, 0.1f)},
      {"vocab 1", {0.3f}, params(1.0f, 0, 0.5f), {1.0}},
  };
  return c;
}

// ---- comparing draws ----

// ref's pick for uniform u from its distribution (inverse CDF in id order, as ref::sample does).
int32_t inverse_cdf(const std::vector<double>& prob, double u) {
  double cumulative = 0.0;
  int32_t token = -1;
  for (size_t t = 0; t < prob.size() && !(cumulative > u); ++t) {
    if (prob[t] > 0.0) token = static_cast<int32_t>(t);
    cumulative += prob[t];
  }
  return token;
}

// A cpu:: token that differs from ref's is a boundary flip when u lies within kDrawTol of that token's
// interval of ref's cumulative distribution, or when the token is the first one, in rank order, that
// ref's truncation dropped (top_p / min_p cut moved by rounding). `x` ranks (ref's processed logits).
bool is_boundary_flip(const std::vector<double>& prob, const std::vector<double>& x, double u, int32_t token) {
  double lo = 0.0;
  for (int32_t t = 0; t < token; ++t) lo += prob[t];
  if (prob[token] > 0.0) return u > lo - kDrawTol && u < lo + prob[token] + kDrawTol;
  if (!(x[token] > -INFINITY)) return false;  // suppressed: no rounding brings it back
  for (size_t t = 0; t < x.size(); ++t) {  // no dropped live id may rank above `token`
    const bool above = x[t] > x[token] || (x[t] == x[token] && static_cast<int32_t>(t) < token);
    if (above && prob[t] == 0.0 && x[t] > -INFINITY) return false;
  }
  return true;
}

// cpu::sample against ref's distribution for `steps` steps; returns the number of boundary flips.
int64_t compare_with_reference(const std::vector<float>& logits, const SamplingParams& p, int64_t steps) {
  const int64_t vocab = static_cast<int64_t>(logits.size());
  const std::vector<double> prob = ref::sampling_distribution(logits.data(), vocab, p);
  const std::vector<double> x = ref::process_logits(logits.data(), vocab, p);
  cpu::SamplingWorkspace ws;
  SamplingParams q = p;
  int64_t flips = 0;
  for (int64_t s = 0; s < steps; ++s) {
    q.step = s;
    const double u = uniform_for_step(q.seed, q.step);
    const int32_t want = inverse_cdf(prob, u), got = cpu::sample(logits.data(), vocab, q, ws).token;
    if (s < 3) CHECK(ref::sample(logits.data(), vocab, q).token == want);
    if (got == want) continue;
    ++flips;
    if (!is_boundary_flip(prob, x, u, got)) {
      report_failure(__FILE__, __LINE__, "step " + std::to_string(s) + ": cpu drew " + std::to_string(got) +
                                             ", ref " + std::to_string(want) + ", u = " + std::to_string(u));
      return flips;
    }
  }
  return flips;
}

void check_frequencies(const Backend& b, const Case& c, const std::vector<double>& want) {
  const int64_t vocab = static_cast<int64_t>(c.logits.size());
  std::vector<int64_t> count(vocab, 0);
  SamplingParams p = c.bound();
  for (int64_t s = 0; s < kDraws; ++s) {
    p.step = static_cast<uint64_t>(s);
    ++count[b.sample(c.logits.data(), vocab, p).token];
  }
  for (int64_t t = 0; t < vocab; ++t) {
    const double f = static_cast<double>(count[t]) / kDraws;
    const double bound = kSigmas * std::sqrt(want[t] * (1.0 - want[t]) / kDraws) + kRareSlack / kDraws;
    if (want[t] == 0.0 ? count[t] == 0 : std::fabs(f - want[t]) <= bound) continue;
    char msg[200];
    std::snprintf(msg, sizeof msg, "%s: token %lld drawn with frequency %.5f, probability %.5f (bound %.5f)", b.name,
                  static_cast<long long>(t), f, want[t], bound);
    report_failure(__FILE__, __LINE__, msg);
  }
}

void check_case(const Case& c) {
  const int64_t vocab = static_cast<int64_t>(c.logits.size());
  const SamplingParams p = c.bound();
  const std::vector<double> want = ref::sampling_distribution(c.logits.data(), vocab, p);
  if (!c.by_hand.empty()) {
    double worst = 0.0;
    for (int64_t t = 0; t < vocab; ++t) worst = std::max(worst, std::fabs(want[t] - c.by_hand[t]));
    CHECK(worst <= kHandTol);
  }
  for (const Backend& b : backends()) check_frequencies(b, c, want);
  CHECK(compare_with_reference(c.logits, p, kDraws) <= kMaxFlips);
}

// ---- the counter-based RNG ----

// Random123's known answers for Philox4x32-10 (kat_vectors): counter, key → block.
void check_philox_known_answers() {
  CHECK((philox4x32_10({0, 0, 0, 0}, 0, 0) == PhiloxBlock{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  CHECK((philox4x32_10({~0u, ~0u, ~0u, ~0u}, ~0u, ~0u) == PhiloxBlock{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  CHECK((philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822, 0x299f31d0) ==
         PhiloxBlock{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

// uniform_for_step fills 16 equal bins evenly (each within kSigmas binomial deviations) and stays in [0, 1).
void check_uniform() {
  constexpr int kBins = 16;
  constexpr int64_t kN = 160000;
  std::vector<int64_t> bins(kBins, 0);
  for (int64_t s = 0; s < kN; ++s) {
    const double u = uniform_for_step(99, s);
    CHECK(u >= 0.0 && u < 1.0);
    ++bins[std::min(kBins - 1, static_cast<int>(u * kBins))];
  }
  const double expected = static_cast<double>(kN) / kBins;
  for (const int64_t b : bins) CHECK(std::fabs(b - expected) <= kSigmas * std::sqrt(expected * (1.0 - 1.0 / kBins)));
}

// The token of step s is a pure function of (seed, s): the same forwards, backwards, twice, and with
// another sequence's draws interleaved through the same workspace; another seed gives another stream.
void check_determinism() {
  const std::vector<float> logits = random_logits(50, 6, 0.5f);  // near uniform: streams differ visibly
  SamplingParams p = params(1.0f, 0, 0.9f);
  constexpr int64_t kSteps = 500;
  auto stream = [&](uint64_t seed, bool backwards, cpu::SamplingWorkspace& ws, bool interleave) {
    std::vector<int32_t> tokens(kSteps);
    SamplingParams q = p, other = params(0.7f, 5);
    q.seed = seed;
    std::vector<float> other_logits = random_logits(300, 7, 1.0f);
    for (int64_t i = 0; i < kSteps; ++i) {
      q.step = static_cast<uint64_t>(backwards ? kSteps - 1 - i : i);
      tokens[q.step] = cpu::sample(logits.data(), 50, q, ws).token;
      if (interleave) cpu::sample(other_logits.data(), 300, other, ws);
    }
    return tokens;
  };
  cpu::SamplingWorkspace ws, shared;
  const std::vector<int32_t> forward = stream(1, false, ws, false);
  CHECK(stream(1, true, ws, false) == forward);
  CHECK(stream(1, false, shared, true) == forward);
  for (int64_t s = 0; s < kSteps; s += 50) {
    p.seed = 1, p.step = static_cast<uint64_t>(s);
    CHECK(ref::sample(logits.data(), 50, p).token == forward[s]);
  }
  const std::vector<int32_t> other_seed = stream(2, false, ws, false);
  int64_t same = 0;
  for (int64_t s = 0; s < kSteps; ++s) same += other_seed[s] == forward[s];
  // Independent streams over ~45 kept tokens agree ~1/45 of the time (11 of 500); 10 % is far above.
  CHECK(same < kSteps / 10);
}

// ---- greedy ----

int32_t first_argmax(const std::vector<float>& v) {
  return static_cast<int32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// temperature 0, a temperature below kGreedyTemperature, and top_k 1 at any temperature all take the
// first maximal logit, whatever the seed and step; ties go to the lowest id.
void check_greedy() {
  cpu::SamplingWorkspace ws;
  for (const int64_t vocab : {1, 7, 64, 131072}) {
    std::vector<float> logits = random_logits(vocab, 8 + vocab, 3.0f);
    if (vocab > 7) logits[vocab / 2] = logits[5] = 20.0f;  // a tie at the top: id 5 wins
    const int32_t want = first_argmax(logits);
    for (const SamplingParams& base : {params(0.0f), params(1e-6f), params(0.8f, 1), params(1.5f, 1, 0.5f, 0.2f)}) {
      for (uint64_t step = 0; step < 20; ++step) {
        SamplingParams p = base;
        p.step = step, p.seed = step * 7919;
        CHECK(cpu::sample(logits.data(), vocab, p, ws).token == want);
        CHECK(ref::sample(logits.data(), vocab, p).token == want);
      }
    }
  }
  // Suppressing the maximum hands greedy the runner-up.
  const std::vector<float> logits = {1.0f, 3.0f, 2.0f, 2.5f};
  const int32_t suppressed[] = {1};
  SamplingParams p = params(0.0f);
  p.suppressed_ids = suppressed, p.n_suppressed = 1;
  CHECK(cpu::sample(logits.data(), 4, p, ws).token == 3);
  CHECK(ref::sample(logits.data(), 4, p).token == 3);
}

// ---- penalties and the other logits processors ----

// A worked example of stage 2: every formula of the contract on one small vocabulary.
void check_penalties_by_hand() {
  const std::vector<float> logits = {2.0f, -1.0f, 0.5f, -3.0f, 1.0f, 0.0f, 4.0f, -2.0f};
  const int32_t prompt[] = {1, 2, 2, 7}, output[] = {2, 4, 4, 4, 5, 6};
  const int32_t bias_ids[] = {1, 3}, suppressed[] = {6};
  const float bias_values[] = {2.0f, 0.5f};
  SamplingParams p = params(1.0f);
  p.repetition_penalty = 1.25f, p.presence_penalty = 0.5f, p.frequency_penalty = 0.25f;
  p.prompt_ids = prompt, p.n_prompt = 4, p.output_ids = output, p.n_output = 6;
  p.bias_ids = bias_ids, p.bias_values = bias_values, p.n_bias = 2;
  p.suppressed_ids = suppressed, p.n_suppressed = 1;
  const double r = 1.25, pres = 0.5, freq = 0.25;
  const std::vector<double> want = {
      2.0,                           // untouched
      (-1.0 + 2.0) / r,              // bias first: the biased logit is positive, so it is divided
      0.5 / r - freq * 1 - pres,     // prompt and output once
      -3.0 + 0.5,                    // bias only: not in prompt or output
      1.0 / r - freq * 3 - pres,     // output three times
      0.0 * r - freq * 1 - pres,     // logit 0 is not > 0: multiplied
      -INFINITY,                     // suppressed, though in the output and the largest
      -2.0 * r,                      // prompt only: repetition, no presence / frequency
  };
  const std::vector<double> got_ref = ref::process_logits(logits.data(), 8, p);
  cpu::SamplingWorkspace ws;
  std::vector<float> got_cpu(8, NAN);
  cpu::process_logits(logits.data(), 8, p, ws, got_cpu.data());
  for (int t = 0; t < 8; ++t) {
    CHECK(std::isinf(want[t]) ? got_ref[t] == want[t] : std::fabs(got_ref[t] - want[t]) <= 1e-12);
    CHECK(std::isinf(want[t]) ? got_cpu[t] == want[t] : std::fabs(got_cpu[t] - want[t]) <= kProcessedTol);
  }
  CHECK(std::all_of(ws.counts.begin(), ws.counts.end(), [](int32_t c) { return c == 0; }));
  // Greedy sees the processed logits: the argmax moves from id 6 (suppressed) to id 0.
  p.temperature = 0.0f;
  CHECK(cpu::sample(logits.data(), 8, p, ws).token == 0);
}

// cpu::process_logits against ref at vocab 5000 with long prompts and outputs full of repeats, twice
// through one workspace with different histories (its counts must come back clean), once in place.
void check_penalties_against_reference() {
  std::mt19937_64 gen(11);
  std::uniform_int_distribution<int32_t> id(0, 4999), hot(0, 99);  // ids < 100 repeat often
  const std::vector<float> logits = random_logits(5000, 12, 4.0f);
  cpu::SamplingWorkspace ws;
  for (int round = 0; round < 2; ++round) {
    std::vector<int32_t> prompt(3000), output(700);
    for (int32_t& t : prompt) t = id(gen);
    for (int32_t& t : output) t = round == 0 ? hot(gen) : id(gen);
    SamplingParams p = params(1.0f);
    p.repetition_penalty = round == 0 ? 1.3f : 0.8f;  // < 1 rewards repeats: still the same formula
    p.presence_penalty = 0.4f, p.frequency_penalty = round == 0 ? 0.1f : -0.2f;
    p.prompt_ids = prompt.data(), p.n_prompt = 3000, p.output_ids = output.data(), p.n_output = 700;
    const std::vector<double> want = ref::process_logits(logits.data(), 5000, p);
    std::vector<float> got(5000, NAN), in_place = logits;
    cpu::process_logits(logits.data(), 5000, p, ws, got.data());
    cpu::process_logits(in_place.data(), 5000, p, ws, in_place.data());
    CHECK_CLOSE(got, std::vector<float>(want.begin(), want.end()), kProcessedTol);
    CHECK(in_place == got);
  }
}

// ---- logprobs ----

// Raw logprobs: log_softmax of the logits as given, whatever temperature, bias, penalties or truncation
// shape the draw; top ids in rank order; n_top = min(n_logprobs, vocab); none at −1.
void check_logprobs() {
  for (const int64_t vocab : {7, 50, 131072}) {
    const std::vector<float> logits = random_logits(vocab, 13 + vocab, 3.0f);
    double m = -INFINITY, sum = 0.0;
    for (const float l : logits) m = std::max<double>(m, l);
    for (const float l : logits) sum += std::exp(l - m);
    const double log_z = m + std::log(sum);
    std::vector<int32_t> order(vocab);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return logits[a] > logits[b]; });
    const int32_t output[] = {0, 1, 1}, bias_ids[] = {2};
    const float bias_values[] = {5.0f};
    for (const int32_t n : {-1, 0, 5, 20}) {
      SamplingParams p = params(0.5f, 40, 0.8f);
      p.n_logprobs = n, p.repetition_penalty = 1.5f, p.output_ids = output, p.n_output = 3;
      p.bias_ids = bias_ids, p.bias_values = bias_values, p.n_bias = 1;
      for (const Backend& b : backends()) {
        if (vocab > 50 && std::string(b.name) == "ref") continue;  // its full sort per call: too slow here
        const SampleResult r = b.sample(logits.data(), vocab, p);
        if (n < 0) {
          CHECK(std::isnan(r.logprob) && r.n_top == 0);
          continue;
        }
        CHECK(std::fabs(r.logprob - (logits[r.token] - log_z)) <= kLogprobTol);
        CHECK(r.n_top == std::min<int64_t>(n, vocab));
        for (int32_t i = 0; i < r.n_top; ++i) {
          CHECK(r.top_ids[i] == order[i]);
          CHECK(std::fabs(r.top_logprobs[i] - (logits[order[i]] - log_z)) <= kLogprobTol);
        }
      }
    }
  }
}

// ---- validation ----

template <class F> int32_t error_code(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return NT_OK;
}

void check_validation() {
  const std::vector<float> logits(10, 0.0f);
  const int32_t bad_id[] = {10}, negative_id[] = {-1}, good_id[] = {3};
  const float inf_value[] = {INFINITY};
  std::vector<std::function<void(SamplingParams&)>> breakers = {
      [](SamplingParams& p) { p.temperature = -0.5f; },   [](SamplingParams& p) { p.temperature = NAN; },
      [](SamplingParams& p) { p.temperature = INFINITY; }, [](SamplingParams& p) { p.top_k = -1; },
      [](SamplingParams& p) { p.top_p = 0.0f; },          [](SamplingParams& p) { p.top_p = 1.5f; },
      [](SamplingParams& p) { p.top_p = NAN; },           [](SamplingParams& p) { p.min_p = -0.1f; },
      [](SamplingParams& p) { p.min_p = 1.1f; },          [](SamplingParams& p) { p.repetition_penalty = 0.0f; },
      [](SamplingParams& p) { p.repetition_penalty = -1.0f; }, [](SamplingParams& p) { p.presence_penalty = NAN; },
      [](SamplingParams& p) { p.frequency_penalty = INFINITY; }, [](SamplingParams& p) { p.n_logprobs = -2; },
      [](SamplingParams& p) { p.n_logprobs = kMaxLogprobs + 1; },
      [&](SamplingParams& p) { p.bias_ids = bad_id, p.bias_values = inf_value, p.n_bias = 1; },
      [&](SamplingParams& p) { p.bias_ids = good_id, p.bias_values = inf_value, p.n_bias = 1; },
      [&](SamplingParams& p) { p.bias_ids = good_id, p.bias_values = nullptr, p.n_bias = 1; },
      [&](SamplingParams& p) { p.suppressed_ids = bad_id, p.n_suppressed = 1; },
      [&](SamplingParams& p) { p.prompt_ids = negative_id, p.n_prompt = 1; },
      [&](SamplingParams& p) { p.output_ids = bad_id, p.n_output = 1; },
      [&](SamplingParams& p) { p.output_ids = nullptr, p.n_output = 2; },
  };
  cpu::SamplingWorkspace ws;
  std::vector<float> out(10);
  for (const auto& breaker : breakers) {
    SamplingParams p = params(1.0f);
    breaker(p);
    CHECK(error_code([&] { ref::sample(logits.data(), 10, p); }) == NT_INVALID_ARGUMENT);
    CHECK(error_code([&] { cpu::sample(logits.data(), 10, p, ws); }) == NT_INVALID_ARGUMENT);
    CHECK(error_code([&] { cpu::process_logits(logits.data(), 10, p, ws, out.data()); }) == NT_INVALID_ARGUMENT);
  }
  // Suppressing everything is the caller's error; a NaN or +inf logit is the model's.
  const int32_t all[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> nan_logits = logits, inf_logits = logits;
  nan_logits[4] = NAN, inf_logits[9] = INFINITY;
  for (const float temperature : {0.0f, 1.0f}) {
    SamplingParams p = params(temperature);
    CHECK(error_code([&] { cpu::sample(nan_logits.data(), 10, p, ws); }) == NT_INTERNAL);
    CHECK(error_code([&] { ref::sample(nan_logits.data(), 10, p); }) == NT_INTERNAL);
    CHECK(error_code([&] { cpu::sample(inf_logits.data(), 10, p, ws); }) == NT_INTERNAL);
    CHECK(error_code([&] { ref::sample(inf_logits.data(), 10, p); }) == NT_INTERNAL);
    p.suppressed_ids = all, p.n_suppressed = 10;
    CHECK(error_code([&] { cpu::sample(logits.data(), 10, p, ws); }) == NT_INVALID_ARGUMENT);
    CHECK(error_code([&] { ref::sample(logits.data(), 10, p); }) == NT_INVALID_ARGUMENT);
  }
}

// ---- the production vocabulary ----

// cpu:: against ref:: at vocab 131072 (2048 chunks) over kLargeSteps steps per configuration: peaked
// and flat logits, top_k below and above the chunk count (the chunk-maximum floor and its fallback),
// top_p alone (candidates above the mass floor), min_p, and every logits processor at once.
void check_large_vocab() {
  constexpr int64_t kVocab = 131072, kLargeSteps = 150;
  std::vector<float> peaked = random_logits(kVocab, 21, 2.5f);
  for (int i = 0; i < 8; ++i) peaked[(i * 9973) % kVocab] += 12.0f + i;  // a few likely tokens
  const std::vector<float> flat = random_logits(kVocab, 22, 0.3f);
  std::vector<int32_t> prompt(2000), output(500);
  for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<int32_t>((i * 7919) % kVocab);
  for (size_t i = 0; i < output.size(); ++i) output[i] = static_cast<int32_t>((i * i * 31) % 4000);
  const int32_t bias_ids[] = {9973, 5, 77}, suppressed[] = {0, 19946};
  const float bias_values[] = {-5.0f, 8.0f, 3.0f};
  SamplingParams everything = params(0.9f, 200, 0.9f, 0.01f);
  everything.repetition_penalty = 1.2f, everything.presence_penalty = 0.3f, everything.frequency_penalty = 0.2f;
  everything.prompt_ids = prompt.data(), everything.n_prompt = 2000;
  everything.output_ids = output.data(), everything.n_output = 500;
  everything.bias_ids = bias_ids, everything.bias_values = bias_values, everything.n_bias = 3;
  everything.suppressed_ids = suppressed, everything.n_suppressed = 2;
  const struct {
    const char* name;
    const std::vector<float>& logits;
    SamplingParams p;
  } configs[] = {
      {"peaked, temperature 0.6, top_p 0.95", peaked, params(0.6f, 0, 0.95f)},
      {"peaked, temperature 1", peaked, params(1.0f)},
      {"peaked, top_k 50", peaked, params(0.8f, 50)},
      {"flat, top_k 3000 > chunks, top_p 0.9", flat, params(0.7f, 3000, 0.9f)},
      {"flat, top_p 0.5", flat, params(1.0f, 0, 0.5f)},
      {"flat, min_p 0.5, top_p 0.98", flat, params(1.2f, 0, 0.98f, 0.5f)},
      {"peaked, every processor", peaked, everything},
  };
  for (const auto& c : configs) {
    const int before = failure_count();
    const int64_t flips = compare_with_reference(c.logits, c.p, kLargeSteps);
    CHECK(flips <= kMaxFlips);
    if (std::getenv("NEMOTRON_TEST_VERBOSE")) std::printf("  %s: %lld boundary flips\n", c.name, (long long)flips);
    if (failure_count() > before) std::fprintf(stderr, "  in large-vocab config {%s}\n", c.name);
  }
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  test::run_cases("sampling", cases(), check_case);
  check_philox_known_answers();
  check_uniform();
  check_determinism();
  check_greedy();
  check_penalties_by_hand();
  check_penalties_against_reference();
  check_logprobs();
  check_validation();
  check_large_vocab();
  return nemotron::test::finish("test_sampling");
}
