// The one validation of SamplingParams, shared by every backend's sampler (and the reference), so that a
// bad request fails the same way everywhere: Error(NT_INVALID_ARGUMENT) naming the field. Java validates
// requests first with friendlier messages; this is the native edge's re-check, not the user-facing one.
// It runs once per sampled token: messages are built only on failure.
#include <cmath>
#include <string>

#include "engine/status.h"
#include "ops/sampling.h"

namespace nemotron {
namespace {

constexpr int64_t kMaxOutputCount = int64_t{1} << 30;  // the CPU sampler counts repeats in 30 bits

[[noreturn]] void reject(const std::string& what) { fail(NT_INVALID_ARGUMENT, "sampling: " + what); }

[[noreturn]] void reject_value(const char* field, double value, const char* range) {
  reject(std::string(field) + " = " + std::to_string(value) + " is not " + range);
}

void check_ids(const char* name, const int32_t* ids, int64_t n, int64_t vocab) {
  if (n < 0) reject(std::string(name) + ": negative count " + std::to_string(n));
  if (n > 0 && ids == nullptr) reject(std::string(name) + ": null array with count " + std::to_string(n));
  for (int64_t i = 0; i < n; ++i)
    if (ids[i] < 0 || ids[i] >= vocab)
      reject(std::string(name) + "[" + std::to_string(i) + "] = " + std::to_string(ids[i]) + " is not in [0, " +
             std::to_string(vocab) + ")");
}

}  // namespace

void check_sampling_params(const SamplingParams& p, int64_t vocab) {
  if (vocab < 1 || vocab > INT32_MAX) reject("vocab = " + std::to_string(vocab) + " is not in [1, 2^31)");
  // Conditions written so that NaN fails them.
  if (!(p.temperature >= 0.0f && std::isfinite(p.temperature)))
    reject_value("temperature", p.temperature, "finite and >= 0");
  if (p.top_k < 0) reject_value("top_k", p.top_k, ">= 0");
  if (!(p.top_p > 0.0f && p.top_p <= 1.0f)) reject_value("top_p", p.top_p, "in (0, 1]");
  if (!(p.min_p >= 0.0f && p.min_p <= 1.0f)) reject_value("min_p", p.min_p, "in [0, 1]");
  if (!(p.repetition_penalty > 0.0f && std::isfinite(p.repetition_penalty)))
    reject_value("repetition_penalty", p.repetition_penalty, "finite and > 0");
  if (!std::isfinite(p.presence_penalty)) reject_value("presence_penalty", p.presence_penalty, "finite");
  if (!std::isfinite(p.frequency_penalty)) reject_value("frequency_penalty", p.frequency_penalty, "finite");
  if (p.n_logprobs < -1 || p.n_logprobs > kMaxLogprobs)
    reject("n_logprobs = " + std::to_string(p.n_logprobs) + " is not in [-1, " + std::to_string(kMaxLogprobs) + "]");
  check_ids("bias_ids", p.bias_ids, p.n_bias, vocab);
  if (p.n_bias > 0 && p.bias_values == nullptr) reject("bias_values: null array with n_bias > 0");
  for (int32_t i = 0; i < p.n_bias; ++i)
    if (!std::isfinite(p.bias_values[i])) reject_value("bias_values[i]", p.bias_values[i], "finite");
  check_ids("suppressed_ids", p.suppressed_ids, p.n_suppressed, vocab);
  check_ids("prompt_ids", p.prompt_ids, p.n_prompt, vocab);
  check_ids("output_ids", p.output_ids, p.n_output, vocab);
  if (p.n_output >= kMaxOutputCount) reject("n_output = " + std::to_string(p.n_output) + " is not below 2^30");
}

}  // namespace nemotron
