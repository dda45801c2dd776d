// Reference sampling, in double, written as the contract reads (ops/sampling.h): logits processors as
// plain loops over the vocabulary, truncation over a full sort in rank order, the inverse-CDF draw in id
// order, logprobs from a log_softmax of the raw logits. Slow on purpose; only tests and benches link it.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/status.h"
#include "ops/sampling.h"
#include "sampling/philox.h"

namespace nemotron::ref {
namespace {

// Rank order: higher value first, equal values by ascending id.
std::vector<int32_t> rank_order(const std::vector<double>& v) {
  std::vector<int32_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return v[a] > v[b]; });
  return order;
}

int32_t argmax(const std::vector<double>& v) {
  return static_cast<int32_t>(std::max_element(v.begin(), v.end()) - v.begin());  // the first of equals
}

// Zeroes every token from rank top_k on (top_k = 0: none).
void apply_top_k(const std::vector<int32_t>& order, int32_t top_k, std::vector<double>& prob) {
  if (top_k == 0) return;
  for (size_t r = top_k; r < order.size(); ++r) prob[order[r]] = 0.0;
}

// Keeps a token while the mass ranked before it is < top_p · total mass.
void apply_top_p(const std::vector<int32_t>& order, double top_p, std::vector<double>& prob) {
  const double limit = top_p * std::accumulate(prob.begin(), prob.end(), 0.0);
  double before = 0.0;
  for (const int32_t t : order) {
    if (before >= limit) prob[t] = 0.0;
    before += prob[t];
  }
}

}  // namespace

std::vector<double> process_logits(const float* logits, int64_t vocab, const SamplingParams& p) {
  check_sampling_params(p, vocab);
  std::vector<double> x(logits, logits + vocab);
  for (int32_t i = 0; i < p.n_bias; ++i) x[p.bias_ids[i]] += p.bias_values[i];
  for (int32_t i = 0; i < p.n_suppressed; ++i) x[p.suppressed_ids[i]] = -INFINITY;
  std::vector<int64_t> count(vocab, 0);
  std::vector<bool> seen(vocab, false);  // in prompt ∪ output
  for (int64_t i = 0; i < p.n_output; ++i) ++count[p.output_ids[i]], seen[p.output_ids[i]] = true;
  for (int64_t i = 0; i < p.n_prompt; ++i) seen[p.prompt_ids[i]] = true;
  for (int64_t t = 0; t < vocab; ++t) {
    if (seen[t]) x[t] = x[t] > 0.0 ? x[t] / p.repetition_penalty : x[t] * p.repetition_penalty;
    x[t] -= static_cast<double>(p.frequency_penalty) * count[t];
    x[t] -= count[t] > 0 ? p.presence_penalty : 0.0;
  }
  return x;
}

std::vector<double> sampling_distribution(const float* logits, int64_t vocab, const SamplingParams& p) {
  std::vector<double> x = process_logits(logits, vocab, p);
  require(std::none_of(x.begin(), x.end(), [](double v) { return std::isnan(v) || v == INFINITY; }), NT_INTERNAL,
          "sampling: a logit is NaN or +inf");
  const double x_max = *std::max_element(x.begin(), x.end());
  require(x_max > -INFINITY, NT_INVALID_ARGUMENT, "sampling: every token is suppressed");
  std::vector<double> prob(vocab, 0.0);
  if (is_greedy(p)) {
    prob[argmax(x)] = 1.0;
    return prob;
  }
  // Unnormalised: p_max ↔ 1, so min_p compares with min_p itself.
  for (int64_t t = 0; t < vocab; ++t) prob[t] = std::exp((x[t] - x_max) / p.temperature);
  for (double& w : prob) w = w < p.min_p ? 0.0 : w;
  const std::vector<int32_t> order = rank_order(x);
  apply_top_k(order, p.top_k, prob);
  if (p.top_p < 1.0f) apply_top_p(order, p.top_p, prob);
  const double total = std::accumulate(prob.begin(), prob.end(), 0.0);
  for (double& w : prob) w /= total;
  return prob;
}

SampleResult sample(const float* logits, int64_t vocab, const SamplingParams& p) {
  const std::vector<double> prob = sampling_distribution(logits, vocab, p);
  SampleResult r{};
  // Inverse CDF in id order; a u beyond the rounded total falls on the last token with mass.
  const double u = uniform_for_step(p.seed, p.step);
  double cumulative = 0.0;
  r.token = -1;
  for (int64_t t = 0; t < vocab && !(cumulative > u); ++t) {
    if (prob[t] > 0.0) r.token = static_cast<int32_t>(t);
    cumulative += prob[t];
  }
  r.logprob = NAN;
  if (p.n_logprobs < 0) return r;

  const std::vector<double> raw(logits, logits + vocab);
  const double raw_max = *std::max_element(raw.begin(), raw.end());
  double sum = 0.0;
  for (const double l : raw) sum += std::exp(l - raw_max);
  const double log_z = raw_max + std::log(sum);
  r.logprob = static_cast<float>(raw[r.token] - log_z);
  const std::vector<int32_t> order = rank_order(raw);
  r.n_top = static_cast<int32_t>(std::min<int64_t>(p.n_logprobs, vocab));
  for (int32_t i = 0; i < r.n_top; ++i) {
    r.top_ids[i] = order[i];
    r.top_logprobs[i] = static_cast<float>(raw[order[i]] - log_z);
  }
  return r;
}

}  // namespace nemotron::ref
