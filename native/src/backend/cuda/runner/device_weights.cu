// DeviceWeights: one cudaMalloc and one synchronous copy per tensor, stacked q/k/v, tied lm_head shared
// with the embedding.
#include "backend/cuda/runner/device_weights.cuh"

#include <string>

namespace nemotron::cuda {
namespace {

int64_t matrix_bytes(const WeightView& w) { return w.rows * w.cols * dtype_size(w.dtype); }

int64_t total_bytes(const NemotronH& model) {
  int64_t total = matrix_bytes(model.embedding());
  for (const Mamba2Weights& w : model.mamba_weights()) total += matrix_bytes(w.in_proj) + matrix_bytes(w.out_proj);
  for (const AttentionWeights& w : model.attention_weights())
    total += matrix_bytes(w.q_proj) + matrix_bytes(w.k_proj) + matrix_bytes(w.v_proj) + matrix_bytes(w.o_proj);
  for (const MlpWeights& w : model.mlp_weights()) total += matrix_bytes(w.up_proj) + matrix_bytes(w.down_proj);
  if (model.lm_head().data != model.embedding().data) total += matrix_bytes(model.lm_head());
  return total;
}

std::vector<float> concat(std::initializer_list<const std::vector<float>*> parts) {
  std::vector<float> out;
  for (const std::vector<float>* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

}  // namespace

DeviceWeights::DeviceWeights(const NemotronH& model, const HostMappings* in_place,
                             const std::function<void(int64_t, int64_t)>& progress)
    : in_place_(in_place), total_(total_bytes(model)), progress_(progress) {
  embedding = matrix(model.embedding());
  lm_head = model.lm_head().data == model.embedding().data ? embedding : matrix(model.lm_head());
  norm_f = floats(model.norm_f());
  for (const Layer& layer : model.layers()) layer_norm.push_back(floats(layer.norm));
  for (const Mamba2Weights& w : model.mamba_weights()) {
    mamba.push_back({matrix(w.in_proj), matrix(w.out_proj), floats(w.in_proj_bias), floats(w.out_proj_bias),
                     floats(w.conv_weight), floats(w.conv_bias), floats(w.A), floats(w.D), floats(w.dt_bias),
                     floats(w.norm)});
  }
  for (const AttentionWeights& w : model.attention_weights()) {
    const std::vector<float> qkv_bias = concat({&w.q_bias, &w.k_bias, &w.v_bias});
    attention.push_back({stacked({&w.q_proj, &w.k_proj, &w.v_proj}), matrix(w.o_proj), floats(qkv_bias),
                         floats(w.o_bias)});
  }
  for (const MlpWeights& w : model.mlp_weights())
    mlp.push_back({matrix(w.up_proj), matrix(w.down_proj), floats(w.up_bias), floats(w.down_bias)});
}

void* DeviceWeights::upload(const void* host, int64_t bytes) {
  buffers_.emplace_back(bytes, "the weights");
  void* device = buffers_.back().as();
  check_cuda(cudaMemcpy(device, host, static_cast<size_t>(bytes), cudaMemcpyHostToDevice), "uploading the weights");
  return device;
}

DeviceMatrix DeviceWeights::matrix(const WeightView& w) {
  require(w.dtype == DType::BF16 || w.dtype == DType::F32, NT_UNSUPPORTED,
          "the CUDA backend takes bfloat16 or float32 weights; this checkpoint has float16 matrices");
  const int64_t bytes = matrix_bytes(w);
  const void* mapped = in_place_ ? in_place_->device_pointer(w.data, bytes) : nullptr;
  const void* data = mapped ? mapped : upload(w.data, bytes);
  (mapped ? in_place_bytes_ : bytes_) += bytes;
  matrices_done_ += bytes;
  if (progress_) progress_(matrices_done_, total_);
  return {data, w.dtype, w.rows, w.cols};
}

DeviceMatrix DeviceWeights::stacked(const std::vector<const WeightView*>& parts) {
  const WeightView& first = *parts.front();
  int64_t rows = 0;
  for (const WeightView* p : parts) {
    require(p->dtype == first.dtype && p->cols == first.cols, NT_UNSUPPORTED,
            "q_proj, k_proj and v_proj must share one dtype and width");
    rows += p->rows;
  }
  require(first.dtype == DType::BF16 || first.dtype == DType::F32, NT_UNSUPPORTED,
          "the CUDA backend takes bfloat16 or float32 weights; this checkpoint has float16 matrices");
  const int64_t row_bytes = first.cols * dtype_size(first.dtype);
  buffers_.emplace_back(rows * row_bytes, "the weights");
  auto* device = buffers_.back().as<unsigned char>();
  int64_t offset = 0;
  for (const WeightView* p : parts) {
    check_cuda(cudaMemcpy(device + offset, p->data, static_cast<size_t>(p->rows * row_bytes), cudaMemcpyHostToDevice),
               "uploading the weights");
    offset += p->rows * row_bytes;
  }
  bytes_ += rows * row_bytes;
  matrices_done_ += rows * row_bytes;
  if (progress_) progress_(matrices_done_, total_);
  return {device, first.dtype, rows, first.cols};
}

const float* DeviceWeights::floats(const std::vector<float>& v) {
  if (v.empty()) return nullptr;
  const int64_t bytes = static_cast<int64_t>(v.size() * sizeof(float));
  bytes_ += bytes;
  return static_cast<const float*>(upload(v.data(), bytes));
}

}  // namespace nemotron::cuda
