// The C API of include/nemotron/nemotron.h. Owns the handles (nt_model, nt_sequence) and is the one
// place exceptions stop: every entry point catches everything and reports (code, message). Handles
// are released to the caller here and deleted only by the matching nt_*_free.
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "cache/cache_pools.h"
#include "cache/sequence_state.h"
#include "engine/c_api_guard.h"
#include "engine/device_library.h"
#include "engine/one_off_thread.h"
#include "engine/status.h"
#include "model/nemotron_h.h"
#include "nemotron/nemotron.h"
#include "ops/sampling.h"
#include "weights/random_weights.h"

struct nt_model {
  // Declared in the order of their dependencies: members are destroyed in reverse, the pools first
  // (their bytes belong to cache_memory or the device model), the backend library last.
  std::unique_ptr<nemotron::DeviceLibrary> library;  // null on the CPU
  std::unique_ptr<nemotron::DeviceModel> device;     // null on the CPU
  std::unique_ptr<nemotron::HostCacheMemory> host_memory;
  std::unique_ptr<nemotron::NemotronH> model;
  std::unique_ptr<nemotron::CachePools> pools;  // outlives every sequence: Java closes them first
  nemotron::DType ssm_dtype;
  int n_threads;
  int device_index = 0;
  // Sampling on the device (experimental until measured on a GPU: NEMOTRON_CUDA_SAMPLING=1): batched
  // feeds then leave their logits on the device only, and draws run there.
  bool device_sampling = false;
  std::vector<const float*> k_pools, v_pools;  // per attention layer, for device steps
};

struct nt_sequence {
  explicit nt_sequence(nt_model* model) : owner(model), state(*model->pools) {}
  // A fork: the state is forked in place (SequenceState's copy takes a slot and shares KV blocks).
  explicit nt_sequence(const nt_sequence& source)
      : owner(source.owner),
        state(source.state),
        last_logits(source.last_logits),
        logits_on_device(source.logits_on_device) {}

  nt_model* owner;
  nemotron::SequenceState state;
  std::vector<float> last_logits;  // [vocab] after the last fed token: sampling reads them here
  bool logits_on_device = false;   // device sampling: the last feed's logits are in the device's slot row
  bool broken = false;             // a pass failed half-way: the state is inconsistent
};

namespace {
using nemotron::Error;
using nemotron::fail;
using nemotron::require;
using nemotron::guarded;

std::unique_ptr<nt_model> make_model(const nemotron::HParams& hp, std::unique_ptr<nemotron::WeightStore> store,
                                     const nt_model_options& options) {
  require(options.ssm_state_dtype == NT_F32 || options.ssm_state_dtype == NT_BF16, NT_INVALID_ARGUMENT,
          "ssm_state_dtype must be float32 or bfloat16");
  auto handle = std::make_unique<nt_model>();
  handle->ssm_dtype = static_cast<nemotron::DType>(options.ssm_state_dtype);
  // Sized before the model binds its weights: a budget that cannot work fails fast.
  const nemotron::CachePlan plan = nemotron::CachePlan::from(
      hp, handle->ssm_dtype, {options.cache_bytes, options.state_slots, options.kv_block_tokens});
  handle->model = std::make_unique<nemotron::NemotronH>(hp, std::move(store));
  handle->n_threads = options.n_threads > 0 ? options.n_threads : omp_get_num_procs();
  nemotron::CacheMemory* memory = nullptr;
  if (options.backend == NT_BACKEND_CUDA) {
    // The Mamba state stays float32 on the device: the recurrence compounds every rounding.
    require(handle->ssm_dtype == nemotron::DType::F32, NT_UNSUPPORTED,
            "the CUDA backend keeps the SSM state in float32; drop the bfloat16 state option");
    require(options.device_index >= 0, NT_INVALID_ARGUMENT, "device_index must be >= 0");
    handle->library = std::make_unique<nemotron::DeviceLibrary>(options.cuda_library);
    require(options.activation_precision == NT_ACTIVATIONS_BF16 || options.activation_precision == NT_ACTIVATIONS_F32,
            NT_INVALID_ARGUMENT, "activation_precision must be NT_ACTIVATIONS_BF16 or NT_ACTIVATIONS_F32");
    const char* sampling = std::getenv("NEMOTRON_CUDA_SAMPLING");
    handle->device_sampling = sampling != nullptr && std::string(sampling) == "1";
    std::vector<nemotron::HostRange> mapped;
    for (const nemotron::MappedFile& file : handle->model->weights().files()) mapped.push_back({file.data(), file.size()});
    const nemotron::DeviceModelSpec spec{nemotron::kDeviceAbiVersion,
                                         &handle->model->hparams(),
                                         handle->model.get(),
                                         options.device_index,
                                         options.activation_precision == NT_ACTIVATIONS_F32,
                                         mapped.data(),
                                         static_cast<int64_t>(mapped.size()),
                                         plan.slots,
                                         handle->device_sampling,
                                         options.upload_progress};
    handle->device = handle->library->create(spec);
    handle->device_index = options.device_index;
    memory = &handle->device->cache_memory();
  } else {
    require(options.backend == NT_BACKEND_CPU, NT_INVALID_ARGUMENT,
            "backend must be NT_BACKEND_CPU or NT_BACKEND_CUDA");
    handle->host_memory = std::make_unique<nemotron::HostCacheMemory>();
    memory = handle->host_memory.get();
  }
  handle->pools = std::make_unique<nemotron::CachePools>(hp, handle->ssm_dtype, plan, *memory);
  for (int64_t l = 0; l < hp.count(nemotron::LayerKind::Attention); ++l) {
    handle->k_pools.push_back(handle->pools->kv.k_pool(l));
    handle->v_pools.push_back(handle->pools->kv.v_pool(l));
  }
  return handle;
}

void check_tokens(const nemotron::HParams& hp, const int32_t* tokens, int32_t n_tokens) {
  require(tokens && n_tokens > 0, NT_INVALID_ARGUMENT, "no tokens to feed");
  for (int32_t i = 0; i < n_tokens; ++i)
    require(tokens[i] >= 0 && tokens[i] < hp.vocab_size, NT_INVALID_ARGUMENT,
            "token id " + std::to_string(tokens[i]) + " at position " + std::to_string(i) +
                " is outside the vocabulary [0, " + std::to_string(hp.vocab_size) + ")");
}

void check_usable(const nt_sequence* seq) {
  require(!seq->broken, NT_INVALID_ARGUMENT, "this sequence's last feed failed half-way; close it");
}

// The items as the device backend takes them (each feed's Mamba state views live in `views` for the call).
void run_on_device(nt_model& model, const std::vector<nemotron::FeedItem>& items) {
  const nemotron::HParams& hp = model.model->hparams();
  const int64_t n_mamba = hp.count(nemotron::LayerKind::Mamba);
  std::vector<nemotron::MambaStateView> views;
  views.reserve(items.size() * static_cast<size_t>(n_mamba));
  std::vector<nemotron::DeviceFeed> feeds;
  for (const nemotron::FeedItem& item : items) {
    const size_t first_view = views.size();
    for (int64_t l = 0; l < n_mamba; ++l) views.push_back(item.state->mamba(l));
    feeds.push_back({item.tokens, item.n_tokens, item.state->length(), views.data() + first_view,
                     item.state->block_table(), item.logits, item.n_logit_rows, item.state->slot()});
  }
  const nemotron::DeviceStep step{feeds.data(), static_cast<int64_t>(feeds.size()), model.k_pools.data(),
                                  model.v_pools.data(), model.pools->kv.block_tokens()};
  model.device->forward(step);
  for (const nemotron::FeedItem& item : items) item.state->append(item.tokens, item.n_tokens);
}

// Runs the items, marking every sequence of the batch unusable if the pass fails half-way.
void run_forward(nt_model& model, const std::vector<nemotron::FeedItem>& items,
                 const std::vector<nt_sequence*>& sequences, const nemotron::HiddenTrace* trace) {
  // Refused before anything runs: the sequence stays usable.
  require(trace == nullptr || !model.device, NT_UNSUPPORTED, "hidden-state traces run on the CPU backend only");
  omp_set_num_threads(model.n_threads);
  try {
    if (model.device) {
      run_on_device(model, items);
    } else {
      model.model->forward(items, trace);
    }
  } catch (...) {
    for (nt_sequence* seq : sequences) seq->broken = true;
    throw;
  }
}

nemotron::SamplingParams sampling_params(const nt_sampling& params, const std::vector<int32_t>& history) {
  const int64_t n = static_cast<int64_t>(history.size());
  require(params.output_start >= 0 && params.output_start <= n, NT_INVALID_ARGUMENT,
          "output_start " + std::to_string(params.output_start) + " is outside the sequence [0, " +
              std::to_string(n) + "]");
  nemotron::SamplingParams p{};
  p.temperature = params.temperature;
  p.top_k = params.top_k;
  p.top_p = params.top_p;
  p.min_p = params.min_p;
  p.repetition_penalty = params.repetition_penalty;
  p.presence_penalty = params.presence_penalty;
  p.frequency_penalty = params.frequency_penalty;
  p.seed = params.seed;
  p.step = params.step;
  p.bias_ids = params.bias_ids;
  p.bias_values = params.bias_values;
  p.n_bias = params.n_bias;
  p.suppressed_ids = params.suppressed_ids;
  p.n_suppressed = params.n_suppressed;
  p.prompt_ids = history.data();
  p.n_prompt = params.output_start;
  p.output_ids = history.data() + params.output_start;
  p.n_output = n - params.output_start;
  p.n_logprobs = params.n_logprobs;
  return p;
}

// A draw as the C API returns it.
void copy_result(const nemotron::SampleResult& r, nt_sample_result* out) {
  out->token = r.token;
  out->logprob = r.logprob;
  out->n_top = r.n_top;
  std::copy(r.top_ids, r.top_ids + r.n_top, out->top_ids);
  std::copy(r.top_logprobs, r.top_logprobs + r.n_top, out->top_logprobs);
}

void sample_one(nt_sequence* seq, const nt_sampling* params, nt_sample_result* result) {
  require(seq && params && result, NT_INVALID_ARGUMENT, "sampling: null argument");
  check_usable(seq);
  require(!seq->last_logits.empty(), NT_INVALID_ARGUMENT, "nothing was fed yet: there are no logits to sample");
  const nemotron::SamplingParams p = sampling_params(*params, seq->state.token_ids());
  // Scratch buffers (vocab-sized, ~2.6 MB at 131072) belong to the sampling thread, not the sequence:
  // they carry nothing between calls, and sequences far outnumber threads.
  thread_local nemotron::cpu::SamplingWorkspace workspace;
  const nemotron::SampleResult r = nemotron::cpu::sample(
      seq->last_logits.data(), static_cast<int64_t>(seq->last_logits.size()), p, workspace);
  copy_result(r, result);
}

// Draws for sequences whose last logits are on the device, in one batch there; the others on the host.
void sample_with_device(nt_model& model, nt_sequence* const* sequences, const nt_sampling* params, int32_t n,
                        nt_sample_result* results) {
  const int64_t vocab = model.model->hparams().vocab_size;
  std::vector<int32_t> slots;
  std::vector<nemotron::SamplingParams> on_device;
  std::vector<int32_t> which;
  for (int32_t i = 0; i < n; ++i) {
    nt_sequence* seq = sequences[i];
    require(seq && seq->owner == &model && params && results, NT_INVALID_ARGUMENT,
            "draw " + std::to_string(i) + ": not a sequence of this model");
    check_usable(seq);
    if (!seq->logits_on_device) {
      sample_one(seq, params + i, results + i);
      continue;
    }
    nemotron::SamplingParams p = sampling_params(params[i], seq->state.token_ids());
    nemotron::check_sampling_params(p, vocab);
    slots.push_back(seq->state.slot());
    on_device.push_back(p);
    which.push_back(i);
  }
  if (which.empty()) return;
  std::vector<nemotron::SampleResult> drawn(which.size());
  model.device->sample(slots.data(), on_device.data(), static_cast<int64_t>(which.size()), drawn.data());
  for (size_t k = 0; k < which.size(); ++k) {
    copy_result(drawn[k], results + which[k]);
  }
}

}  // namespace

extern "C" {

int32_t nt_model_load(const nt_config* config, const char* const* file_paths, int32_t n_files,
                      const nt_tensor_desc* tensors, int32_t n_tensors, const nt_model_options* options,
                      nt_model** out_model, nt_error* error) {
  return guarded(error, [&] {
    require(config && options && out_model, NT_INVALID_ARGUMENT, "nt_model_load: null argument");
    *out_model = nullptr;
    const nemotron::HParams hp = nemotron::HParams::from(*config);
    *out_model = make_model(hp, std::make_unique<nemotron::WeightStore>(file_paths, n_files, tensors, n_tensors),
                            *options).release();
  });
}

int32_t nt_model_create_random(const nt_config* config, uint64_t seed, const nt_model_options* options,
                               nt_model** out_model, nt_error* error) {
  return guarded(error, [&] {
    require(config && options && out_model, NT_INVALID_ARGUMENT, "nt_model_create_random: null argument");
    *out_model = nullptr;
    const nemotron::HParams hp = nemotron::HParams::from(*config);
    std::unique_ptr<nemotron::WeightStore> weights;
    nemotron::on_one_off_thread([&] {
      omp_set_num_threads(options->n_threads > 0 ? options->n_threads : omp_get_num_procs());
      weights = nemotron::make_random_weights(hp, seed);
    });
    *out_model = make_model(hp, std::move(weights), *options).release();
  });
}

int32_t nt_model_stats_get(const nt_model* model, nt_model_stats* out, nt_error* error) {
  return guarded(error, [&] {
    require(model && out, NT_INVALID_ARGUMENT, "nt_model_stats_get: null argument");
    const nemotron::HParams& hp = model->model->hparams();
    out->weight_bytes_mapped = model->model->weights().mapped_bytes();
    out->weight_bytes_owned = model->model->weights().owned_bytes();
    const nemotron::CachePools& pools = *model->pools;
    out->state_bytes_per_sequence = nemotron::StateSlotPool::bytes_per_slot(hp, model->ssm_dtype);
    out->kv_bytes_per_token = nemotron::KvBlockPool::bytes_per_block(hp, 1);
    out->n_threads = model->n_threads;
    out->state_slots = static_cast<int32_t>(pools.states.n_slots());
    out->state_slots_free = static_cast<int32_t>(pools.states.n_free());
    out->kv_block_tokens = static_cast<int32_t>(pools.kv.block_tokens());
    out->kv_blocks = pools.kv.n_blocks();
    out->kv_blocks_free = pools.kv.n_free();
    out->kv_bytes_per_block = nemotron::KvBlockPool::bytes_per_block(hp, pools.kv.block_tokens());
    out->backend = model->device ? NT_BACKEND_CUDA : NT_BACKEND_CPU;
    out->device_index = model->device ? model->device_index : 0;
    out->device_weight_bytes = model->device ? model->device->weight_bytes() : 0;
  });
}

const char* nt_model_device_name(const nt_model* model) {
  if (model == nullptr) return "";
  return model->device ? model->device->name() : "cpu";
}

void nt_model_free(nt_model* model) { delete model; }

int32_t nt_sequence_create(nt_model* model, nt_sequence** out, nt_error* error) {
  return guarded(error, [&] {
    require(model && out, NT_INVALID_ARGUMENT, "nt_sequence_create: null argument");
    *out = std::make_unique<nt_sequence>(model).release();
  });
}

int32_t nt_sequence_fork(const nt_sequence* source, nt_sequence** out, nt_error* error) {
  return guarded(error, [&] {
    require(source && out, NT_INVALID_ARGUMENT, "nt_sequence_fork: null argument");
    require(!source->broken, NT_INVALID_ARGUMENT, "cannot fork a sequence whose last feed failed");
    auto fork = std::make_unique<nt_sequence>(*source);
    if (fork->logits_on_device) source->owner->device->copy_last_logits(source->state.slot(), fork->state.slot());
    *out = fork.release();
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
    require(seq != nullptr, NT_INVALID_ARGUMENT, "nt_sequence_feed: null sequence");
    check_usable(seq);
    nt_model& owner = *seq->owner;
    const nemotron::HParams& hp = owner.model->hparams();
    const int64_t vocab = hp.vocab_size;
    check_tokens(hp, tokens, n_tokens);
    require(logits_rows == 0 || logits_rows == 1 || logits_rows == n_tokens, NT_INVALID_ARGUMENT,
            "logits_rows must be 0, 1 or n_tokens");
    require(logits_rows == 0 || (logits && logits_capacity >= logits_rows * vocab), NT_INVALID_ARGUMENT,
            "the logits buffer holds " + std::to_string(logits_capacity) + " floats; " +
                std::to_string(logits_rows * vocab) + " needed");
    const int64_t trace_floats = (static_cast<int64_t>(hp.layers.size()) + 1) * n_tokens * hp.hidden_size;
    require(hidden == nullptr || hidden_capacity >= trace_floats, NT_INVALID_ARGUMENT,
            "the hidden-state buffer holds " + std::to_string(hidden_capacity) + " floats; " +
                std::to_string(trace_floats) + " needed");
    require(hidden == nullptr || !owner.device, NT_UNSUPPORTED, "hidden-state traces run on the CPU backend only");
    const nemotron::HiddenTrace trace{hidden, n_tokens};
    seq->state.reserve_tokens(n_tokens);
    seq->last_logits.resize(static_cast<size_t>(vocab));
    // The last row's logits always land in the sequence (sampling reads them there); the caller's
    // buffer gets the rows it asked for.
    const nemotron::FeedItem item = logits_rows == 0
        ? nemotron::FeedItem{&seq->state, tokens, n_tokens, seq->last_logits.data(), 1}
        : nemotron::FeedItem{&seq->state, tokens, n_tokens, logits, logits_rows};
    run_forward(owner, {item}, {seq}, hidden ? &trace : nullptr);
    seq->logits_on_device = owner.device_sampling;  // the device kept the last row in the slot too
    if (logits_rows > 0) std::copy(logits + (logits_rows - 1) * vocab, logits + logits_rows * vocab, seq->last_logits.begin());
  });
}

int32_t nt_sequence_sample(nt_sequence* seq, const nt_sampling* params, nt_sample_result* result, nt_error* error) {
  return guarded(error, [&] {
    require(seq != nullptr, NT_INVALID_ARGUMENT, "sampling: null sequence");
    if (seq->owner->device_sampling) {
      sample_with_device(*seq->owner, &seq, params, 1, result);
    } else {
      sample_one(seq, params, result);
    }
  });
}

int32_t nt_model_feed_batch(nt_model* model, const nt_batch_entry* entries, int32_t n_entries, nt_error* error) {
  return guarded(error, [&] {
    require(model && (entries || n_entries == 0) && n_entries >= 0, NT_INVALID_ARGUMENT, "nt_model_feed_batch: null argument");
    const nemotron::HParams& hp = model->model->hparams();
    std::vector<nt_sequence*> sequences;
    int64_t blocks = 0;
    for (int32_t i = 0; i < n_entries; ++i) {
      nt_sequence* seq = entries[i].sequence;
      require(seq && seq->owner == model, NT_INVALID_ARGUMENT,
              "batch entry " + std::to_string(i) + " is not a sequence of this model");
      check_usable(seq);
      check_tokens(hp, entries[i].tokens, entries[i].n_tokens);
      require(std::find(sequences.begin(), sequences.end(), seq) == sequences.end(), NT_INVALID_ARGUMENT,
              "a sequence appears twice in one batch");
      sequences.push_back(seq);
      blocks += seq->state.blocks_needed(entries[i].n_tokens);
    }
    require(blocks <= model->pools->kv.n_free(), NT_CACHE_FULL,
            "the batch needs " + std::to_string(blocks) + " KV blocks; " + std::to_string(model->pools->kv.n_free()) +
                " are free");
    std::vector<nemotron::FeedItem> items;
    for (int32_t i = 0; i < n_entries; ++i) {
      nt_sequence* seq = entries[i].sequence;
      // Another thread may take blocks in between: a later entry can still fail here, and the blocks
      // reserved for the earlier ones simply stay with them (no state has changed).
      seq->state.reserve_tokens(entries[i].n_tokens);
      // With device sampling the logits stay on the device (null here), otherwise they come to the sequence.
      float* logits = nullptr;
      if (entries[i].want_logits && !model->device_sampling) {
        seq->last_logits.resize(static_cast<size_t>(hp.vocab_size));
        logits = seq->last_logits.data();
      }
      items.push_back({&seq->state, entries[i].tokens, entries[i].n_tokens, logits, entries[i].want_logits ? 1 : 0});
    }
    if (!items.empty()) run_forward(*model, items, sequences, nullptr);
    if (model->device_sampling)
      for (int32_t i = 0; i < n_entries; ++i)
        if (entries[i].want_logits) entries[i].sequence->logits_on_device = true;
  });
}

int32_t nt_model_sample_batch(nt_model* model, nt_sequence* const* sequences, const nt_sampling* params, int32_t n,
                              nt_sample_result* results, nt_error* error) {
  return guarded(error, [&] {
    require(model && n >= 0 && (n == 0 || (sequences && params && results)), NT_INVALID_ARGUMENT,
            "nt_model_sample_batch: null argument");
    if (model->device_sampling) {
      sample_with_device(*model, sequences, params, n, results);
      return;
    }
    // Errors are caught per draw (nothing may escape an OpenMP region) and the first one is reported.
    std::vector<std::string> messages(static_cast<size_t>(n));
    std::vector<int32_t> codes(static_cast<size_t>(n), NT_OK);
#pragma omp parallel for schedule(dynamic) num_threads(model->n_threads)
    for (int32_t i = 0; i < n; ++i) {
      try {
        require(sequences[i] && sequences[i]->owner == model, NT_INVALID_ARGUMENT, "not a sequence of this model");
        sample_one(sequences[i], params + i, results + i);
      } catch (const nemotron::Error& e) {
        codes[i] = e.code();
        messages[i] = e.what();
      } catch (const std::exception& e) {
        codes[i] = NT_INTERNAL;
        messages[i] = e.what();
      }
    }
    for (int32_t i = 0; i < n; ++i)
      if (codes[i] != NT_OK) nemotron::fail(codes[i], "draw " + std::to_string(i) + " of the batch: " + messages[i]);
  });
}

void nt_sequence_free(nt_sequence* sequence) { delete sequence; }

const char* nt_version(void) { return "0.1.0 cpu"; }

}  // extern "C"
