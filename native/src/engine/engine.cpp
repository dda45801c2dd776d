// The C API of include/nemotron/nemotron.h. Owns the handles (nt_model, nt_sequence) and is the one
// place exceptions stop: every entry point catches everything and reports (code, message). Handles
// are released to the caller here and deleted only by the matching nt_*_free.
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>

#include "cache/sequence_state.h"
#include "engine/c_api_guard.h"
#include "engine/status.h"
#include "model/nemotron_h.h"
#include "nemotron/nemotron.h"
#include "ops/sampling.h"

struct nt_model {
  std::unique_ptr<nemotron::NemotronH> model;
  nemotron::DType ssm_dtype;
  int n_threads;
};

struct nt_sequence {
  nt_model* owner;
  nemotron::SequenceState state;
  std::vector<float> last_logits;  // [vocab] after the last fed token: sampling reads them here
  bool broken = false;             // a pass failed half-way: the state is inconsistent
};

namespace {
using nemotron::Error;
using nemotron::fail;
using nemotron::require;
using nemotron::guarded;

}  // namespace

extern "C" {

int32_t nt_model_load(const nt_config* config, const char* const* file_paths, int32_t n_files,
                      const nt_tensor_desc* tensors, int32_t n_tensors, const nt_model_options* options,
                      nt_model** out_model, nt_error* error) {
  return guarded(error, [&] {
    require(config && options && out_model, NT_INVALID_ARGUMENT, "nt_model_load: null argument");
    *out_model = nullptr;
    const nemotron::HParams hp = nemotron::HParams::from(*config);
    require(options->ssm_state_dtype == NT_F32 || options->ssm_state_dtype == NT_BF16, NT_INVALID_ARGUMENT,
            "ssm_state_dtype must be float32 or bfloat16");
    auto store = std::make_unique<nemotron::WeightStore>(file_paths, n_files, tensors, n_tensors);
    auto handle = std::make_unique<nt_model>();
    handle->model = std::make_unique<nemotron::NemotronH>(hp, std::move(store));
    handle->ssm_dtype = static_cast<nemotron::DType>(options->ssm_state_dtype);
    handle->n_threads = options->n_threads > 0 ? options->n_threads : omp_get_num_procs();
    *out_model = handle.release();
  });
}

int32_t nt_model_stats_get(const nt_model* model, nt_model_stats* out, nt_error* error) {
  return guarded(error, [&] {
    require(model && out, NT_INVALID_ARGUMENT, "nt_model_stats_get: null argument");
    const nemotron::HParams& hp = model->model->hparams();
    out->weight_bytes_mapped = model->model->weights().mapped_bytes();
    out->weight_bytes_owned = model->model->weights().owned_bytes();
    out->state_bytes_per_sequence = nemotron::SequenceState::state_bytes(hp, model->ssm_dtype);
    out->kv_bytes_per_token = nemotron::SequenceState::kv_bytes_per_token(hp);
    out->n_threads = model->n_threads;
  });
}

void nt_model_free(nt_model* model) { delete model; }

int32_t nt_sequence_create(nt_model* model, nt_sequence** out, nt_error* error) {
  return guarded(error, [&] {
    require(model && out, NT_INVALID_ARGUMENT, "nt_sequence_create: null argument");
    *out = std::make_unique<nt_sequence>(
        nt_sequence{model, nemotron::SequenceState(model->model->hparams(), model->ssm_dtype), {}, false}).release();
  });
}

int32_t nt_sequence_fork(const nt_sequence* source, nt_sequence** out, nt_error* error) {
  return guarded(error, [&] {
    require(source && out, NT_INVALID_ARGUMENT, "nt_sequence_fork: null argument");
    require(!source->broken, NT_INVALID_ARGUMENT, "cannot fork a sequence whose last feed failed");
    *out = std::make_unique<nt_sequence>(nt_sequence{source->owner, source->state, source->last_logits, false}).release();
  });
}

int64_t nt_sequence_length(const nt_sequence* sequence) { return sequence ? sequence->state.length() : -1; }

int32_t nt_sequence_feed(nt_sequence* seq, const int32_t* tokens, int32_t n_tokens, float* logits,
                         int32_t logits_rows, int64_t logits_capacity, nt_error* error) {
  return nt_sequence_feed_traced(seq, tokens, n_tokens, logits, logits_rows, logits_capacity, nullptr, 0, error);
}

int32_t nt_sequence_feed_traced(nt_sequence* seq, const int32_t* tokens, int32_t n_tokens, float* logits,
                                int32_t logits_rows, int64_t logits_capacity, float* hidden,
                                int64_t hidden_capacity, nt_error* error) {
  return guarded(error, [&] {
    require(seq && tokens && n_tokens > 0, NT_INVALID_ARGUMENT, "nt_sequence_feed: no tokens");
    require(!seq->broken, NT_INVALID_ARGUMENT, "this sequence's last feed failed half-way; close it");
    const nemotron::NemotronH& model = *seq->owner->model;
    const nemotron::HParams& hp = model.hparams();
    const int64_t vocab = hp.vocab_size;
    for (int32_t i = 0; i < n_tokens; ++i)
      require(tokens[i] >= 0 && tokens[i] < vocab, NT_INVALID_ARGUMENT,
              "token id " + std::to_string(tokens[i]) + " at position " + std::to_string(i) +
                  " is outside the vocabulary [0, " + std::to_string(vocab) + ")");
    require(logits_rows == 0 || logits_rows == 1 || logits_rows == n_tokens, NT_INVALID_ARGUMENT,
            "logits_rows must be 0, 1 or n_tokens");
    require(logits_rows == 0 || (logits && logits_capacity >= logits_rows * vocab), NT_INVALID_ARGUMENT,
            "the logits buffer holds " + std::to_string(logits_capacity) + " floats; " +
                std::to_string(logits_rows * vocab) + " needed");
    const int64_t trace_floats = (static_cast<int64_t>(hp.layers.size()) + 1) * n_tokens * hp.hidden_size;
    require(hidden == nullptr || hidden_capacity >= trace_floats, NT_INVALID_ARGUMENT,
            "the hidden-state buffer holds " + std::to_string(hidden_capacity) + " floats; " +
                std::to_string(trace_floats) + " needed");
    const nemotron::HiddenTrace trace{hidden, n_tokens};
    seq->state.reserve_tokens(n_tokens);
    seq->last_logits.resize(static_cast<size_t>(vocab));
    omp_set_num_threads(seq->owner->n_threads);
    try {
      // The last row's logits always land in the sequence (sampling reads them there); the caller's
      // buffer gets the rows it asked for.
      if (logits_rows == 0) {
        model.forward(seq->state, tokens, n_tokens, seq->last_logits.data(), 1, hidden ? &trace : nullptr);
      } else {
        model.forward(seq->state, tokens, n_tokens, logits, logits_rows, hidden ? &trace : nullptr);
        std::copy(logits + (logits_rows - 1) * vocab, logits + logits_rows * vocab, seq->last_logits.begin());
      }
    } catch (...) {
      seq->broken = true;
      throw;
    }
  });
}

int32_t nt_sequence_sample(nt_sequence* seq, const nt_sampling* params, nt_sample_result* result, nt_error* error) {
  return guarded(error, [&] {
    require(seq && params && result, NT_INVALID_ARGUMENT, "nt_sequence_sample: null argument");
    require(!seq->broken, NT_INVALID_ARGUMENT, "this sequence's last feed failed half-way; close it");
    require(!seq->last_logits.empty(), NT_INVALID_ARGUMENT, "nothing was fed yet: there are no logits to sample");
    const std::vector<int32_t>& history = seq->state.token_ids();
    const int64_t n = static_cast<int64_t>(history.size());
    require(params->output_start >= 0 && params->output_start <= n, NT_INVALID_ARGUMENT,
            "output_start " + std::to_string(params->output_start) + " is outside the sequence [0, " +
                std::to_string(n) + "]");
    nemotron::SamplingParams p{};
    p.temperature = params->temperature;
    p.top_k = params->top_k;
    p.top_p = params->top_p;
    p.min_p = params->min_p;
    p.repetition_penalty = params->repetition_penalty;
    p.presence_penalty = params->presence_penalty;
    p.frequency_penalty = params->frequency_penalty;
    p.seed = params->seed;
    p.step = params->step;
    p.bias_ids = params->bias_ids;
    p.bias_values = params->bias_values;
    p.n_bias = params->n_bias;
    p.suppressed_ids = params->suppressed_ids;
    p.n_suppressed = params->n_suppressed;
    p.prompt_ids = history.data();
    p.n_prompt = params->output_start;
    p.output_ids = history.data() + params->output_start;
    p.n_output = n - params->output_start;
    p.n_logprobs = params->n_logprobs;
    // Scratch buffers (vocab-sized, ~2.6 MB at 131072) belong to the sampling thread, not the sequence:
    // they carry nothing between calls, and sequences far outnumber threads.
    thread_local nemotron::cpu::SamplingWorkspace workspace;
    const nemotron::SampleResult r = nemotron::cpu::sample(
        seq->last_logits.data(), static_cast<int64_t>(seq->last_logits.size()), p, workspace);
    result->token = r.token;
    result->logprob = r.logprob;
    result->n_top = r.n_top;
    std::copy(r.top_ids, r.top_ids + r.n_top, result->top_ids);
    std::copy(r.top_logprobs, r.top_logprobs + r.n_top, result->top_logprobs);
  });
}

void nt_sequence_free(nt_sequence* sequence) { delete sequence; }

const char* nt_version(void) { return "0.1.0 cpu"; }

}  // extern "C"
