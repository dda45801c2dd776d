// bench_sampling: cpu::sample at vocab 131072 (Nemotron-H's), microseconds per sampled token, against two
// limits measured in the same run: a plain argmax pass over the logits (the least a sampler does: read
// each logit once) and one vectorized exp over them (the least an exact softmax sampler does). The
// headline is temperature 0.6 + top_p 0.95 (the seed scenario's settings); the other rows show what
// greedy, top_k, logprobs, penalties and a flat distribution cost. One thread.
// Usage: bench_sampling  (finishes in seconds; no arguments)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "backend/cpu/vexp.h"
#include "ops/sampling.h"

namespace nemotron {
namespace {

constexpr int64_t kVocab = 131072;
constexpr int kSamples = 500;  // different steps per timing
constexpr int kRepeats = 5;    // best of

double best_us_per_call(int calls, const std::function<void(int)>& f) {
  double best = 1e30;
  for (int r = 0; r < kRepeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) f(i);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best / calls * 1e6;
}

// Logits shaped like a language model's: a broad normal bulk and a few tokens far above it.
std::vector<float> peaked_logits() {
  std::mt19937_64 gen(1);
  std::normal_distribution<float> normal(0.0f, 2.5f);
  std::vector<float> l(kVocab);
  for (float& v : l) v = normal(gen);
  for (int i = 0; i < 8; ++i) l[(i * 9973) % kVocab] += 12.0f + i;
  return l;
}

std::vector<float> flat_logits() {
  std::mt19937_64 gen(2);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  std::vector<float> l(kVocab);
  for (float& v : l) v = normal(gen);
  return l;
}

int32_t plain_argmax(const std::vector<float>& l) {
  int32_t best = 0;
  for (int32_t i = 1; i < kVocab; ++i) best = l[i] > l[best] ? i : best;
  return best;
}

SamplingParams params(float temperature, int32_t top_k, float top_p) {
  SamplingParams p{};
  p.temperature = temperature, p.top_k = top_k, p.top_p = top_p, p.repetition_penalty = 1.0f;
  p.seed = 42, p.n_logprobs = -1;
  return p;
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  const std::vector<float> peaked = peaked_logits(), flat = flat_logits();
  volatile int32_t sink = 0;
  const double argmax_us = best_us_per_call(kSamples, [&](int) { sink = sink + plain_argmax(peaked); });
  std::vector<float> scratch = peaked;  // exp of exp of … saturates at +inf: the same work every call
  const double exp_us = best_us_per_call(kSamples, [&](int) { cpu::exp_in_place(scratch.data(), kVocab); });
  std::printf("vocab %lld, one thread: plain argmax pass %.1f us, exp over the vocabulary %.1f us\n",
              static_cast<long long>(kVocab), argmax_us, exp_us);

  std::vector<int32_t> prompt(4096), output(1024);
  for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<int32_t>((i * 7919) % kVocab);
  for (size_t i = 0; i < output.size(); ++i) output[i] = static_cast<int32_t>((i * i * 31) % 8192);
  SamplingParams penalised = params(0.6f, 0, 0.95f);
  penalised.repetition_penalty = 1.1f, penalised.presence_penalty = 0.5f, penalised.frequency_penalty = 0.2f;
  penalised.prompt_ids = prompt.data(), penalised.n_prompt = 4096;
  penalised.output_ids = output.data(), penalised.n_output = 1024;
  SamplingParams logprobs = params(0.6f, 0, 0.95f);
  logprobs.n_logprobs = kMaxLogprobs;

  const struct {
    const char* name;
    const std::vector<float>& logits;
    SamplingParams p;
  } rows[] = {
      {"temperature 0.6, top_p 0.95", peaked, params(0.6f, 0, 0.95f)},
      {"greedy (temperature 0)", peaked, params(0.0f, 0, 1.0f)},
      {"temperature 1, no truncation", peaked, params(1.0f, 0, 1.0f)},
      {"temperature 0.8, top_k 50", peaked, params(0.8f, 50, 1.0f)},
      {"top_p 0.95 + 20 logprobs", peaked, logprobs},
      {"top_p 0.95 + penalties (4096 + 1024 ids)", peaked, penalised},
      {"flat logits, top_p 0.95 (worst case)", flat, params(1.0f, 0, 0.95f)},
  };
  cpu::SamplingWorkspace ws;
  for (const auto& row : rows) {
    SamplingParams p = row.p;
    const double us = best_us_per_call(kSamples, [&](int i) {
      p.step = static_cast<uint64_t>(i);
      sink = sink + cpu::sample(row.logits.data(), kVocab, p, ws).token;
    });
    std::printf("%-42s %8.1f us/token  %5.1fx the argmax pass  %5.1fx the exp\n", row.name, us, us / argmax_us,
                us / exp_us);
  }
  return 0;
}
