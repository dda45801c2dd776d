// sampling on CUDA: cuda::sample_batch against cpu::sample, sequence by sequence, on fresh random logits.
// Each batch packs sequences with different parameters into one call (greedy and its ties, temperature,
// top_k 1 / 5 / 50 / beyond the live ids, top_p 0.1 / 0.9, min_p, combinations, penalties over prompt and
// output ids, logit_bias with a repeated id, suppression, ties cut by top_k and top_p, NaN / +inf / all
// suppressed rows, logprobs −1 / 0 / 20) at vocab 512 and 131072, drawn over many steps and seeds into a
// workspace that starts as garbage. The token must equal cpu::'s except where u lies within kDrawTol of
// the GPU token's interval under ref::sampling_distribution (float rounding moves a boundary); such
// skips are counted and bounded. Then: a sequence sampled alone gets the token it got in the batch.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <random>
#include <string>

#include "backend/cuda/sampling.cuh"
#include "cuda_support.h"
#include "engine/status.h"
#include "ops/sampling.h"
#include "sampling/philox.h"

namespace nemotron {
namespace {
using namespace test;

// Where cuda:: and cpu:: draw different tokens, rounding must explain it: both compute e = exp(x − max)
// in float (~|x − max| · 6e-8 relative, ≤ ~4e-6 for the spreads here) and sum in other orders, which
// moves a normalised cumulative boundary by ≲ 1e-5; u must lie that close to the GPU token's interval.
constexpr double kDrawTol = 1e-5;
// Such skips happen with probability ≲ 1e-5 per draw and neighbouring token (none are expected over the
// ~10⁴ draws here); more than this many over a batch would be a bias, not rounding.
constexpr int64_t kMaxSkips = 3;
// Logprobs: float logits and results, double sums on both sides; expf against vexp and the sum's order
// leave a few float roundings of values up to ~30 in magnitude.
constexpr double kLogprobTol = 2e-5;

std::vector<float> random_logits(int64_t vocab, uint64_t seed, float spread) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> normal(0.0f, spread);
  std::vector<float> l(vocab);
  for (float& v : l) v = normal(gen);
  return l;
}

// A few likely tokens over a normal background: the shape of a language model's logits.
std::vector<float> peaked_logits(int64_t vocab, uint64_t seed) {
  std::vector<float> l = random_logits(vocab, seed, 2.5f);
  for (int i = 0; i < 8; ++i) l[(i * 9973 + 11) % vocab] += 9.0f + 1.5f * i;
  return l;
}

// Logits on a grid of `step`: many exact ties, at the top too.
std::vector<float> tied_logits(int64_t vocab, uint64_t seed, float step) {
  std::vector<float> l = random_logits(vocab, seed, 1.0f);
  for (float& v : l) v = std::round(v / step) * step;
  return l;
}

std::vector<int32_t> random_ids(int64_t n, int64_t below, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<int32_t> id(0, static_cast<int32_t>(below - 1));
  std::vector<int32_t> ids(n);
  for (int32_t& t : ids) t = id(gen);
  return ids;
}

SamplingParams params(float temperature, int32_t top_k = 0, float top_p = 1.0f, float min_p = 0.0f) {
  SamplingParams p{};
  p.temperature = temperature;
  p.top_k = top_k;
  p.top_p = top_p;
  p.min_p = min_p;
  p.repetition_penalty = 1.0f;
  p.n_logprobs = -1;
  return p;
}

// ---- the case list ----

struct Seq {
  std::string name;
  std::vector<float> logits;
  SamplingParams p;
  std::vector<int32_t> bias_ids = {}, suppressed = {}, prompt = {}, output = {};
  std::vector<float> bias_values = {};
  SamplingParams bound() const {  // p with the arrays pointing into this case (host memory)
    SamplingParams q = p;
    q.bias_ids = bias_ids.data(), q.bias_values = bias_values.data(), q.n_bias = int32_t(bias_ids.size());
    q.suppressed_ids = suppressed.data(), q.n_suppressed = int32_t(suppressed.size());
    q.prompt_ids = prompt.data(), q.n_prompt = int64_t(prompt.size());
    q.output_ids = output.data(), q.n_output = int64_t(output.size());
    return q;
  }
};

struct Batch {
  std::string name;
  int64_t vocab, steps;
  std::vector<Seq> seqs;
  std::string describe() const { return name + " vocab=" + std::to_string(vocab); }
};

// The ids of the n largest logits (the tokens penalties and bias should move).
std::vector<int32_t> top_ids(const std::vector<float>& l, int n) {
  std::vector<int32_t> order(l.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return l[a] > l[b]; });
  order.resize(n);
  return order;
}

std::vector<Seq> common_seqs(int64_t vocab, uint64_t seed) {
  const std::vector<float> peaked = peaked_logits(vocab, seed), flat = random_logits(vocab, seed + 1, 0.3f);
  const std::vector<float> normal = random_logits(vocab, seed + 2, 2.0f), tied = tied_logits(vocab, seed + 3, 0.25f);
  std::vector<float> top_tie = normal;  // the max held by two ids: the lower one wins
  const int32_t argmax = top_ids(normal, 1)[0];
  top_tie[vocab / 3] = top_tie[argmax] = normal[argmax] + 1.0f;
  const std::vector<int32_t> hot = top_ids(peaked, 8);

  SamplingParams penalised = params(0.9f);
  penalised.repetition_penalty = 1.3f, penalised.presence_penalty = 0.5f, penalised.frequency_penalty = 0.3f;
  Seq penalties{"penalties", peaked, penalised};
  penalties.prompt = random_ids(300, vocab, seed + 4);
  penalties.prompt.insert(penalties.prompt.end(), {hot[0], hot[0], hot[3]});
  penalties.output = random_ids(40, std::min<int64_t>(vocab, 64), seed + 5);  // repeats
  penalties.output.insert(penalties.output.end(), {hot[1], hot[1], hot[1], hot[2], hot[3]});

  SamplingParams rewarded = params(1.1f, 0, 0.95f);
  rewarded.repetition_penalty = 0.8f, rewarded.frequency_penalty = -0.2f;  // < 1 and < 0 reward repeats
  rewarded.presence_penalty = 0.4f;  // output ids only: the many prompt-only ids must not get it
  Seq rewards{"rewarding penalties, top_p 0.95", normal, rewarded};
  rewards.prompt = random_ids(500, vocab, seed + 6);
  rewards.output = random_ids(100, vocab, seed + 7);

  Seq greedy_penalised{"greedy, penalties move the argmax", peaked, penalised};
  greedy_penalised.p.temperature = 0.0f, greedy_penalised.p.frequency_penalty = 5.0f;
  greedy_penalised.output = {hot[0], hot[0], hot[1]};

  Seq biased{"bias (an id twice) and suppression, top_p 0.95", peaked, params(0.8f, 0, 0.95f)};
  biased.bias_ids = {hot[4], 7, hot[4], static_cast<int32_t>(vocab - 1), 100, 7};
  biased.bias_values = {2.5f, 6.0f, 1.25f, 3.0f, 14.0f, -0.5f};  // id 100: from the background to the top
  biased.suppressed = {hot[0], hot[7], hot[0]};

  Seq greedy_biased{"greedy, logit_bias makes the argmax", normal, params(0.0f)};
  greedy_biased.bias_ids = {100}, greedy_biased.bias_values = {30.0f};

  Seq greedy_suppressed{"greedy, the max suppressed", peaked, params(0.0f)};
  greedy_suppressed.suppressed = {hot[0]};

  std::vector<Seq> s = {
      {"greedy", normal, params(0.0f)},
      {"greedy, tied max", top_tie, params(0.0f)},
      {"top_k 1 at temperature 0.8, tied max", top_tie, params(0.8f, 1)},
      {"temperature below kGreedyTemperature", normal, params(5e-6f, 0, 0.5f)},
      {"temperature 1", normal, params(1.0f)},
      {"temperature 0.5, top_k 5", normal, params(0.5f, 5)},
      {"temperature 1.2, top_k 50", flat, params(1.2f, 50)},
      {"top_p 0.1", normal, params(1.0f, 0, 0.1f)},
      {"temperature 0.7, top_p 0.9", flat, params(0.7f, 0, 0.9f)},
      {"temperature 0.6, top_p 0.95, peaked", peaked, params(0.6f, 0, 0.95f)},
      {"min_p 0.1", normal, params(1.0f, 0, 1.0f, 0.1f)},
      {"min_p 0.2 leaves fewer than top_k 300", normal, params(1.0f, 300, 1.0f, 0.2f)},
      {"all four", normal, params(0.8f, 50, 0.9f, 0.05f)},
      {"top_k 5 inside ties", tied, params(1.0f, 5)},
      {"top_k 50, top_p 0.6 over ties", tied, params(0.9f, 50, 0.6f)},
      {"top_p 0.35 of equal logits", std::vector<float>(vocab, 0.125f), params(1.0f, 0, 0.35f)},
      {"temperature 2e-5 (huge scaled range), top_p 0.9", normal, params(2e-5f, 0, 0.9f)},
      penalties,
      rewards,
      greedy_penalised,
      biased,
      greedy_suppressed,
      greedy_biased,
  };
  // Logprobs: the chosen token's only, and the top 20 (raw logits, whatever the draw did to them).
  s[0].p.n_logprobs = 0;
  s[4].p.n_logprobs = kMaxLogprobs;
  s[13].p.n_logprobs = kMaxLogprobs;  // ties in the raw logits: ranked by id
  s[17].p.n_logprobs = 5;
  s[20].p.n_logprobs = kMaxLogprobs;
  for (size_t i = 0; i < s.size(); ++i) s[i].p.seed = seed * 1000 + i;
  s[5].p.seed = ~uint64_t{0} - 3;  // both key words in use
  return s;
}

// Rows the caller reports: NaN, +inf, every token suppressed; and raw logits with −inf among the top 20.
std::vector<Seq> error_seqs(int64_t vocab, uint64_t seed) {
  std::vector<float> nan_logits = random_logits(vocab, seed, 1.0f), inf_logits = nan_logits;
  nan_logits[vocab / 2] = NAN;
  inf_logits[vocab - 1] = INFINITY;
  Seq all_suppressed{"every token suppressed", random_logits(vocab, seed + 1, 1.0f), params(1.0f)};
  for (int32_t t = 0; t < vocab; ++t) all_suppressed.suppressed.push_back(t);
  std::vector<float> sparse(vocab, -INFINITY);  // 12 live tokens: the top 20 ends in −inf by id
  for (int i = 0; i < 12; ++i) sparse[(i * 37 + 5) % vocab] = 0.5f * i - 2.0f;
  Seq few{"12 finite logits, top 20 logprobs", sparse, params(1.0f, 0, 0.9f)};
  few.p.n_logprobs = kMaxLogprobs;
  return {{"NaN logit", nan_logits, params(1.0f)}, {"+inf logit", inf_logits, params(0.0f)}, all_suppressed, few};
}

std::vector<Batch> batches() {
  std::vector<Seq> small = common_seqs(512, 1);
  for (Seq& s : error_seqs(512, 2)) small.push_back(s);
  std::vector<Seq> small_again = common_seqs(512, 3);
  std::vector<Seq> large = common_seqs(131072, 4);
  // the CPU test's heavier large-vocab shapes: top_k above the CPU's chunk count, flat top_p, min_p
  const std::vector<float> flat = random_logits(131072, 5, 0.3f);
  large.push_back({"flat, top_k 3000, top_p 0.9", flat, params(0.7f, 3000, 0.9f)});
  large.push_back({"flat, top_p 0.5", flat, params(1.0f, 0, 0.5f)});
  large.push_back({"flat, min_p 0.5, top_p 0.98", flat, params(1.2f, 0, 0.98f, 0.5f)});
  for (size_t i = 0; i < large.size(); ++i) large[i].p.seed = 77 + i;
  return {{"vocab 512", 512, 300, small}, {"vocab 512, other seeds", 512, 300, small_again},
          {"vocab 131072", 131072, 25, large}};
}

// ---- one batch on the device ----

// The device copies of a batch's arrays and parameters.
struct DeviceBatch {
  std::vector<std::unique_ptr<DeviceArray<int32_t>>> ids;
  std::vector<std::unique_ptr<DeviceArray<float>>> values;
  std::vector<cuda::DeviceSamplingParams> params;  // host copy, device pointers

  const int32_t* upload_ids(const std::vector<int32_t>& v) {
    ids.push_back(std::make_unique<DeviceArray<int32_t>>(v.size()));
    if (!ids.back()->ok() || ids.back()->upload(v) != cudaSuccess) return nullptr;
    return v.empty() ? nullptr : ids.back()->get();
  }
  const float* upload_values(const std::vector<float>& v) {
    values.push_back(std::make_unique<DeviceArray<float>>(v.size()));
    if (!values.back()->ok() || values.back()->upload(v) != cudaSuccess) return nullptr;
    return v.empty() ? nullptr : values.back()->get();
  }
  bool add(const Seq& s) {
    SamplingParams q = s.bound();
    q.bias_ids = upload_ids(s.bias_ids), q.bias_values = upload_values(s.bias_values);
    q.suppressed_ids = upload_ids(s.suppressed), q.prompt_ids = upload_ids(s.prompt), q.output_ids = upload_ids(s.output);
    params.push_back({q});
    return (q.bias_ids || s.bias_ids.empty()) && (q.bias_values || s.bias_values.empty()) &&
           (q.suppressed_ids || s.suppressed.empty()) && (q.prompt_ids || s.prompt.empty()) &&
           (q.output_ids || s.output.empty());
  }
};

// Runs sample_batch on rows `logits` [n, vocab] with `params`; false (and a reported failure) on a CUDA error.
bool run_on_device(const DeviceArray<float>& logits, int64_t vocab, const std::vector<cuda::DeviceSamplingParams>& params,
                   void* workspace, std::vector<SampleResult>& results) {
  const int64_t n = static_cast<int64_t>(params.size());
  DeviceArray<cuda::DeviceSamplingParams> d_params(n);
  DeviceArray<SampleResult> d_results(n);
  results.assign(n, SampleResult{});
  bool ok = false;
  [&] {
    if (!d_params.ok() || !d_results.ok()) {
      report_failure(__FILE__, __LINE__, "cudaMalloc failed");
      return;
    }
    CUDA_CHECK(d_params.upload(params));
    cuda::sample_batch(logits.get(), n, vocab, d_params.get(), d_results.get(), workspace, /*stream=*/nullptr);
    CUDA_CHECK(cudaGetLastError());
    CUDA_CHECK(cudaDeviceSynchronize());
    CUDA_CHECK(d_results.download(results));
    ok = true;
  }();
  return ok;
}

// ---- comparing with the CPU ----

// What a sequence's results are checked against, worked out once: the reference distribution (lazily,
// only where tokens differ), the processed logits' ranks, log Z of the raw logits, the raw rank order.
struct Expected {
  std::vector<double> prob, x;
  double log_z = 0.0;
  std::vector<int32_t> raw_order;
};

Expected expected_of(const Seq& s) {
  Expected e;
  double m = -INFINITY, sum = 0.0;
  for (const float l : s.logits) m = std::max<double>(m, l);
  for (const float l : s.logits) sum += std::exp(l - m);
  e.log_z = m + std::log(sum);
  e.raw_order = top_ids(s.logits, static_cast<int>(std::min<size_t>(kMaxLogprobs, s.logits.size())));
  return e;
}

// A GPU token other than cpu::'s is a boundary case when u lies within kDrawTol of that token's interval
// of ref's cumulative distribution, or when it is the highest-ranked live token ref's truncation dropped
// (a top_p / min_p cut moved by rounding).
bool is_boundary(const Seq& s, Expected& e, double u, int32_t token) {
  const int64_t vocab = static_cast<int64_t>(s.logits.size());
  if (token < 0 || token >= vocab) return false;
  if (e.prob.empty()) {
    e.prob = ref::sampling_distribution(s.logits.data(), vocab, s.bound());
    e.x = ref::process_logits(s.logits.data(), vocab, s.bound());
  }
  double lo = 0.0;
  for (int32_t t = 0; t < token; ++t) lo += e.prob[t];
  if (e.prob[token] > 0.0) return u > lo - kDrawTol && u < lo + e.prob[token] + kDrawTol;
  if (!(e.x[token] > -INFINITY)) return false;
  for (int64_t t = 0; t < vocab; ++t) {
    const bool above = e.x[t] > e.x[token] || (e.x[t] == e.x[token] && t < token);
    if (above && e.prob[t] == 0.0 && e.x[t] > -INFINITY) return false;
  }
  return true;
}

bool same_logprob(double got, double want) {
  return got == want || std::fabs(got - want) <= kLogprobTol;  // == for −inf
}

// cpu::sample's result, or token −1 where it throws (NaN / +inf logits, every token suppressed).
SampleResult cpu_sample(const Seq& s, const SamplingParams& p, cpu::SamplingWorkspace& ws) {
  try {
    return cpu::sample(s.logits.data(), static_cast<int64_t>(s.logits.size()), p, ws);
  } catch (const Error&) {
    SampleResult r{};
    r.token = -1;
    return r;
  }
}

// One sequence's GPU result against cpu:: at step `step`; returns whether the token comparison was skipped.
bool check_result(const Seq& s, Expected& e, const SamplingParams& p, const SampleResult& got,
                  cpu::SamplingWorkspace& ws) {
  const SampleResult want = cpu_sample(s, p, ws);
  const std::string where = s.name + ", step " + std::to_string(p.step);
  bool skipped = false;
  if (got.token != want.token) {
    const double u = uniform_for_step(p.seed, p.step);
    if (want.token < 0 || !is_boundary(s, e, u, got.token)) {
      report_failure(__FILE__, __LINE__, where + ": cuda drew " + std::to_string(got.token) + ", cpu " +
                                             std::to_string(want.token) + ", u = " + std::to_string(u));
      return false;
    }
    skipped = true;
  }
  if (want.token < 0) return false;
  if (p.n_logprobs < 0) {
    if (!(std::isnan(got.logprob) && got.n_top == 0)) report_failure(__FILE__, __LINE__, where + ": logprobs not asked for");
    return skipped;
  }
  const double want_logprob = static_cast<double>(s.logits[got.token]) - e.log_z;
  if (!same_logprob(got.logprob, want_logprob))
    report_failure(__FILE__, __LINE__, where + ": logprob " + std::to_string(got.logprob) + ", want " +
                                           std::to_string(want_logprob));
  const int32_t n_top = static_cast<int32_t>(std::min<int64_t>(p.n_logprobs, s.logits.size()));
  if (got.n_top != n_top || want.n_top != n_top) {
    report_failure(__FILE__, __LINE__, where + ": n_top " + std::to_string(got.n_top));
    return skipped;
  }
  for (int32_t i = 0; i < n_top; ++i) {
    const bool ok = got.top_ids[i] == want.top_ids[i] && got.top_ids[i] == e.raw_order[i] &&
                    same_logprob(got.top_logprobs[i], static_cast<double>(s.logits[got.top_ids[i]]) - e.log_z);
    if (!ok) {
      report_failure(__FILE__, __LINE__, where + ": top " + std::to_string(i) + " is id " + std::to_string(got.top_ids[i]) +
                                             " (" + std::to_string(got.top_logprobs[i]) + "), want id " +
                                             std::to_string(want.top_ids[i]));
      break;
    }
  }
  return skipped;
}

// The step sequence i draws at step `step` of a batch: every third sequence counts from 2³³ (both
// counter words in use).
uint64_t step_of(int64_t i, int64_t step) { return static_cast<uint64_t>(step) + (i % 3 == 2 ? (uint64_t{1} << 33) : 0); }

void check_batch(const Batch& b) {
  const int64_t n = static_cast<int64_t>(b.seqs.size()), vocab = b.vocab;
  std::vector<float> logits;
  for (const Seq& s : b.seqs) logits.insert(logits.end(), s.logits.begin(), s.logits.end());
  DeviceArray<float> d_logits(logits.size());
  DeviceArray<unsigned char> workspace(cuda::sample_workspace_bytes(n, vocab));
  if (!d_logits.ok() || !workspace.ok()) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  CUDA_CHECK(d_logits.upload(logits));
  CUDA_CHECK(cudaMemset(workspace.get(), 0xA5, cuda::sample_workspace_bytes(n, vocab)));  // garbage counts
  DeviceBatch device;
  for (const Seq& s : b.seqs) {
    if (!device.add(s)) {
      report_failure(__FILE__, __LINE__, "uploading the arrays of " + s.name + " failed");
      return;
    }
  }
  std::vector<Expected> expected;
  for (const Seq& s : b.seqs) expected.push_back(expected_of(s));
  cpu::SamplingWorkspace ws;
  std::vector<SampleResult> results, first_step;
  int64_t skips = 0;
  for (int64_t step = 0; step < b.steps; ++step) {
    for (int64_t i = 0; i < n; ++i) device.params[i].params.step = step_of(i, step);
    if (!run_on_device(d_logits, vocab, device.params, workspace.get(), results)) return;
    if (step == 0) first_step = results;
    for (int64_t i = 0; i < n; ++i) {
      const int before = failure_count();
      SamplingParams p = b.seqs[i].bound();
      p.step = device.params[i].params.step;
      skips += check_result(b.seqs[i], expected[i], p, results[i], ws);
      if (failure_count() > before) std::fprintf(stderr, "  in sequence {%s}\n", b.seqs[i].name.c_str());
    }
    if (failure_count() > 20) return;  // enough to go on
  }
  if (std::getenv("NEMOTRON_TEST_VERBOSE")) std::printf("  %s: %lld boundary skips\n", b.name.c_str(), (long long)skips);
  CHECK(skips <= kMaxSkips);

  // A packed batch equals a loop over single sequences (step 0; the same workspace rows as sequence 0).
  for (int64_t i = 0; i < n; ++i) {
    cuda::DeviceSamplingParams one = device.params[i];
    one.params.step = step_of(i, 0);
    DeviceArray<float> row(vocab);
    CUDA_CHECK(row.upload(b.seqs[i].logits));
    std::vector<SampleResult> alone;
    if (!run_on_device(row, vocab, {one}, workspace.get(), alone)) return;
    if (alone[0].token != first_step[i].token)
      report_failure(__FILE__, __LINE__, b.seqs[i].name + ": alone drew " + std::to_string(alone[0].token) +
                                             ", in the batch " + std::to_string(first_step[i].token));
  }

  if (std::getenv("NEMOTRON_TEST_VERBOSE")) {  // one batched call's time, for a feel of the cost
    cudaEvent_t start, stop;
    cudaEventCreate(&start), cudaEventCreate(&stop);
    DeviceArray<cuda::DeviceSamplingParams> d_params(n);
    DeviceArray<SampleResult> d_results(n);
    CUDA_CHECK(d_params.upload(device.params));
    constexpr int kRepeats = 20;
    cudaEventRecord(start);
    for (int r = 0; r < kRepeats; ++r)
      cuda::sample_batch(d_logits.get(), n, vocab, d_params.get(), d_results.get(), workspace.get(), nullptr);
    cudaEventRecord(stop);
    CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start, stop);
    std::printf("  %s: %lld sequences in %.1f us a call\n", b.name.c_str(), (long long)n, 1000.0 * ms / kRepeats);
    cudaEventDestroy(start), cudaEventDestroy(stop);
  }
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_sampling_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("sampling_cuda", nemotron::batches(), nemotron::check_batch);
  return nemotron::test::finish("test_sampling_cuda");
}
