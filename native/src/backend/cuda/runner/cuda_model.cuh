// The Nemotron-H forward pass on one CUDA device (backend/device_model.h), one stream per model.
// A step's feeds run in passes of at most kMaxTokensPerPass tokens per feed; in each pass the one-token
// feeds (decode) come first and are batched through every op (state update, conv update, paged decode
// attention over all of them at once), the longer ones (prefill) run the chunked scan, the conv prefill
// and the flash-style attention one feed at a time, and the dense layers run once over all rows.
// A pass of decode tokens only replays a CUDA graph of its kernels, captured the first time its shape
// (rows, block-table stride, logits rows) is seen: some 300 launches of small kernels become one.
// NEMOTRON_CUDA_GRAPHS=0 in the environment runs every pass eagerly (for comparing the two).
#pragma once
#include <cuda_runtime.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "backend/cuda/dense.cuh"
#include "backend/cuda/runner/device_buffer.cuh"
#include "backend/cuda/runner/device_cache_memory.cuh"
#include "backend/cuda/runner/device_weights.cuh"
#include "backend/cuda/runner/host_mappings.cuh"
#include "backend/cuda/runner/step_layout.cuh"
#include "backend/device_model.h"

namespace nemotron::cuda {

// A stream on the current device (RAII).
class Stream {
 public:
  Stream() { check_cuda(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate"); }
  ~Stream() { cudaStreamDestroy(stream_); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

// An instantiated CUDA graph (RAII).
class GraphExec {
 public:
  explicit GraphExec(cudaGraphExec_t exec) : exec_(exec) {}
  ~GraphExec() {
    if (exec_) cudaGraphExecDestroy(exec_);
  }
  GraphExec(const GraphExec&) = delete;
  GraphExec& operator=(const GraphExec&) = delete;
  cudaGraphExec_t get() const { return exec_; }

 private:
  cudaGraphExec_t exec_;
};

class CudaModel final : public DeviceModel {
 public:
  // Throws Error(NT_UNSUPPORTED) when the device is not usable, NT_OUT_OF_MEMORY when the weights do not fit.
  explicit CudaModel(const DeviceModelSpec& spec);

  CacheMemory& cache_memory() override { return cache_memory_; }
  void forward(const DeviceStep& step) override;
  void sample(const int32_t* slots, const SamplingParams* params, int64_t n, SampleResult* results) override;
  void copy_last_logits(int32_t from_slot, int32_t to_slot) override;
  const char* name() const override { return name_.c_str(); }
  int64_t weight_bytes() const override { return weights_->bytes(); }

  static constexpr int64_t kMaxTokensPerPass = 4096;

 private:
  // The activations and scratch of one pass, grown to its rows.
  struct Scratch {
    DeviceBuffer x, h, delta, wide, conv_out, dt, y, bf16, ssd, logit_rows, logit_normed, logits, layout;
    PinnedBuffer layout_host, logits_host;
  };
  // Sampling on the device: the rows drawn from, the parameters with their arrays, the results.
  struct SamplingScratch {
    DeviceBuffer rows, arena, workspace;
    PinnedBuffer arena_host;
  };
  void run_pass(const DeviceStep& step, const std::vector<PassFeed>& feeds, int64_t n_decode);
  // Grows the scratch to the pass; returns whether any buffer moved.
  bool reserve_scratch(const std::vector<PassFeed>& feeds, int64_t n_decode, const StepLayout& layout);
  // Queues the pass's kernels, embedding to the wanted rows' logits in scratch_.logits.
  void enqueue_pass(const DeviceStep& step, const std::vector<PassFeed>& feeds, int64_t n_decode,
                    const StepLayout& layout);
  // Captures enqueue_pass into a graph (the pass must be decode only).
  std::unique_ptr<GraphExec> capture(const DeviceStep& step, const std::vector<PassFeed>& feeds, int64_t n_decode,
                                     const StepLayout& layout);
  void mamba_layer(int64_t ordinal, const std::vector<PassFeed>& feeds, int64_t n_decode, const StepLayout& layout);
  void attention_layer(int64_t ordinal, const DeviceStep& step, const std::vector<PassFeed>& feeds, int64_t n_decode,
                       const StepLayout& layout);
  void mlp_layer(int64_t ordinal, int64_t n_rows);
  void logits(const StepLayout& layout);
  void copy_logits_out(const std::vector<PassFeed>& feeds, const StepLayout& layout);
  template <class T>
  const T* on_device(int64_t offset) const {
    return reinterpret_cast<const T*>(scratch_.layout.as<unsigned char>() + offset);
  }

  HParams hp_;
  int device_;  // made current (cudaSetDevice) before the stream and everything after it
  std::string name_;
  Stream stream_;
  std::mutex stream_lock_;  // one pass, or one cache copy, on the stream at a time
  DeviceCacheMemory cache_memory_;
  std::unique_ptr<HostMappings> mappings_;  // outlives the weights that point into it
  std::unique_ptr<DeviceWeights> weights_;
  std::unique_ptr<DenseRunner> dense_;
  Scratch scratch_;
  bool device_sampling_ = false;
  DeviceBuffer slot_logits_;  // [state slots, vocab]: each sequence's last logits row (device sampling)
  SamplingScratch sampling_;
  int64_t state_slots_ = 0;
  int64_t n_mamba_layers_ = 0, n_attention_layers_ = 0;
  bool graphs_enabled_ = true;
  // Decode graphs by (rows, decode block-table stride, logits rows); dropped when the scratch moves.
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::unique_ptr<GraphExec>> graphs_;
};

}  // namespace nemotron::cuda
