// A model that runs on an accelerator, from a backend library loaded at run time (libnemotron_cuda.so,
// engine/device_library.h), so that one build of the core runs with or without the accelerator's
// libraries. The core keeps the C API, the weights' binding and validation (NemotronH) and the cache
// bookkeeping (free lists, reference counts, block tables); the backend holds the weights and the cache
// bytes in device memory and runs the forward pass.
// The boundary is this header: the backend library calls no function of the core (it is linked with
// --no-undefined and without the core), so what crosses it is plain data, inline code and virtuals.
#pragma once
#include <cstdint>

#include "cache/cache_memory.h"
#include "cache/state_slot_pool.h"
#include "model/hparams.h"
#include "ops/sampling.h"

namespace nemotron {

class NemotronH;

// One sequence's part of a device step. Host pointers unless marked.
struct DeviceFeed {
  const int32_t* tokens;
  int64_t n_tokens;
  int64_t n_past;               // tokens already in the sequence's cache
  const MambaStateView* mamba;  // [n Mamba layers]: the sequence's state slot (device pointers)
  const int32_t* block_table;   // KV blocks covering positions [0, n_past + n_tokens)
  float* logits;                // [n_logit_rows, vocab], or null: wanted on the device only (sampling)
  int64_t n_logit_rows;         // 0, 1 or n_tokens: the last rows'
  int32_t slot;                 // the sequence's state slot: where its last logits row stays (sampling)
};

struct DeviceStep {
  const DeviceFeed* feeds;
  int64_t n_feeds;
  const float* const* k_pools;  // [n attention layers] device pools [n_blocks, block_tokens, n_kv_heads, head_dim]
  const float* const* v_pools;
  int64_t kv_block_tokens;
};

// Host memory the weights live in, mapped from the checkpoint files.
struct HostRange {
  const void* data;
  int64_t bytes;
};

struct DeviceModelSpec {
  int32_t abi_version;      // kDeviceAbiVersion of the core that asks
  const HParams* hp;
  const NemotronH* model;   // the bound host weights to upload (read through its inline accessors)
  int32_t device_index;
  bool f32_activations;     // NT_ACTIVATIONS_F32: prefill GEMMs on split activations (float32-accurate)
  // The mapped checkpoint files: on a GPU that shares memory with the host (Jetson), matrices inside
  // them are used in place instead of copied.
  const HostRange* mapped_files;
  int64_t n_mapped_files;
  int64_t state_slots;      // the cache's state slots (sequence slots)
  bool device_sampling;     // keep each sequence's last logits on the device and sample there
  int64_t* upload_progress; // null, or [bytes uploaded, of total], stored atomically as the upload goes
};

class DeviceModel {
 public:
  virtual ~DeviceModel() = default;
  // Where the cache pools of this model must live (device memory; stream-ordered copies).
  virtual CacheMemory& cache_memory() = 0;
  // Runs the feeds in one batched pass (several when a feed is long), writes each feed's logits rows to
  // its host buffer, and returns when they are there. Throws Error.
  virtual void forward(const DeviceStep& step) = 0;
  // With device_sampling: draws for the sequences in `slots` from the last logits row each one's feed
  // left on the device. params' arrays are host memory, already checked (check_sampling_params).
  // Throws Error(NT_INTERNAL) naming a draw whose logits hold NaN or +inf.
  virtual void sample(const int32_t* slots, const SamplingParams* params, int64_t n, SampleResult* results) = 0;
  // A fork's copy of its source's last logits row (device_sampling).
  virtual void copy_last_logits(int32_t from_slot, int32_t to_slot) = 0;
  virtual const char* name() const = 0;  // e.g. "NVIDIA H100 80GB HBM3 (cuda:0, sm_90)"
  virtual int64_t weight_bytes() const = 0;
};

constexpr int32_t kDeviceAbiVersion = 5;
// The backend library's one entry point: a DeviceModel, or null with (code, message) filled.
using CreateDeviceModelFn = DeviceModel* (*)(const DeviceModelSpec* spec, int32_t* code, char* message,
                                             int64_t message_capacity);
constexpr const char* kCreateDeviceModelSymbol = "nemotron_create_device_model";

}  // namespace nemotron
