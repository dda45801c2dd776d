// Contract: drawing one token from one sequence's logits [vocab] (float32, read only: processing works
// on a copy), on the backend that holds them. Stages in vLLM V1's order (vllm/v1/sample/sampler.py):
//   1. logprobs, when asked, of the RAW logits: log_softmax(logits), vLLM's default logprobs_mode
//      "raw_logprobs" (the model's distribution, as the OpenAI API reports it: not the truncated one);
//   2. logits processors (process_logits): logit_bias added, suppressed ids set to −inf, then the
//      repetition (ids in prompt ∪ output: l > 0 ? l / r : l · r), frequency (− f · count in output) and
//      presence (− p · [count > 0]) penalties, as vLLM's apply_penalties;
//   3. greedy when temperature < kGreedyTemperature or top_k == 1: argmax, ties to the lowest id;
//   4. otherwise logits / temperature; min_p drops p < min_p · p_max (vLLM MinPLogitsProcessor); top_k;
//      top_p over what top_k kept, renormalised (vLLM apply_top_k_top_p); the draw.
// Truncation walks the rank order: higher logit first, equal logits by ascending id. top_k keeps exactly
// k (vLLM also keeps ties with the k-th: only exact ties differ, and top_k = 1 is exactly greedy here);
// top_p keeps each token while the mass ranked before it is < top_p · mass: the smallest prefix whose
// probability reaches top_p (vLLM drops where the ascending cumsum ≤ 1 − top_p: the same set).
// The draw: u = uniform_for_step(seed, step) (sampling/philox.h), then the first id, ascending, whose
// cumulative probability exceeds u. A deterministic function of the final distribution and u, so
// backends agree up to rounding at the boundaries. (vLLM draws argmax(p / Exponential) from a torch
// Generator: the same distribution, other numbers.)
// Errors: bad parameters → Error(NT_INVALID_ARGUMENT) (check_sampling_params), as does suppressing every
// token; a processed logit that is NaN or +inf → Error(NT_INTERNAL) (a fault of the model).
// Precision: ref:: in double; cpu:: logits and exp in float32, every sum of probabilities in double.
#pragma once
#include <cstdint>
#include <vector>

namespace nemotron {

constexpr int32_t kMaxLogprobs = 20;
// vLLM's _SAMPLING_EPS: a temperature below it means greedy (dividing by it would overflow anyway).
constexpr float kGreedyTemperature = 1e-5f;

struct SamplingParams {
  float temperature;         // ≥ 0; < kGreedyTemperature = greedy
  int32_t top_k;             // ≥ 0; 0 or ≥ vocab = off
  float top_p;               // in (0, 1]; 1 = off
  float min_p;               // in [0, 1]; 0 = off
  float repetition_penalty;  // > 0; 1 = off
  float presence_penalty;    // finite; 0 = off
  float frequency_penalty;   // finite; 0 = off
  uint64_t seed;             // the sequence's seed
  uint64_t step;             // which draw of the sequence this is (0, 1, 2, …)
  const int32_t* bias_ids;   // logit_bias: [n_bias] ids in [0, vocab) and finite values, added first
  const float* bias_values;  //   (a repeated id gets each of its values)
  int32_t n_bias;
  const int32_t* suppressed_ids;  // [n_suppressed]: logit = −inf (stop ids under min_tokens, …)
  int32_t n_suppressed;
  const int32_t* prompt_ids;  // [n_prompt]: for repetition_penalty
  int64_t n_prompt;
  const int32_t* output_ids;  // [n_output], n_output < 2³⁰: for all three penalties
  int64_t n_output;
  int32_t n_logprobs;  // −1 = none; 0 = the chosen token's only; N ≤ kMaxLogprobs: also the top N
                       // (vLLM's logprobs = None / 0 / N)
};

struct SampleResult {
  int32_t token;
  float logprob;  // log_softmax(raw logits)[token]; NaN when n_logprobs = −1
  // The n_top = min(n_logprobs, vocab) most likely ids under the raw logits, in rank order, and their
  // logprobs (vLLM returns the chosen token's apart from these too, as here).
  int32_t top_ids[kMaxLogprobs];
  float top_logprobs[kMaxLogprobs];
  int32_t n_top;
};

// Throws Error(NT_INVALID_ARGUMENT) naming the first bad field: the ranges above, ids outside [0, vocab),
// a null array with a non-zero count. Every sample() and process_logits() starts with it.
void check_sampling_params(const SamplingParams& p, int64_t vocab);
inline bool is_greedy(const SamplingParams& p) { return p.temperature < kGreedyTemperature || p.top_k == 1; }

namespace ref {
// Stage 2 in double: the logits the greedy argmax and the temperature see.
std::vector<double> process_logits(const float* logits, int64_t vocab, const SamplingParams& p);
// Stages 2–4: the probability of each token in the distribution drawn from (0 for dropped tokens).
std::vector<double> sampling_distribution(const float* logits, int64_t vocab, const SamplingParams& p);
SampleResult sample(const float* logits, int64_t vocab, const SamplingParams& p);
}  // namespace ref

namespace cpu {
// Buffers cpu::sample reuses from call to call (one per thread that samples), grown on first use to the
// vocabulary. Internal to backend/cpu/sampling.cpp; `counts` is all zero between calls.
struct SamplingWorkspace {
  std::vector<float> x;              // [vocab] processed logits, then divided by the temperature
  std::vector<float> e;              // [vocab] exp(x − max x): unnormalised probabilities, 0 = dropped
  std::vector<float> chunk_max;      // [n_chunks] max of x per chunk of ids
  std::vector<double> chunk_mass;    // [n_chunks] sum of e per chunk
  std::vector<int32_t> counts;       // [vocab] output counts and prompt flags while penalties apply
  std::vector<uint64_t> candidates;  // rank keys of the ids top_k / top_p / top logprobs choose among
  std::vector<float> thresholds;     // scratch: the k-th largest chunk maximum
};
// Stage 2 in float: out [vocab] = processed logits (out may be logits itself).
void process_logits(const float* logits, int64_t vocab, const SamplingParams& p, SamplingWorkspace& ws,
                    float* out);
SampleResult sample(const float* logits, int64_t vocab, const SamplingParams& p, SamplingWorkspace& ws);
}  // namespace cpu

}  // namespace nemotron
