// The C API's own defences: Java validates checkpoints first, but the engine must re-check everything
// that could make it read outside a mapped file or a buffer, and report it as a status (never crash).
// Builds a tiny one-MLP-layer checkpoint in a temp file and feeds the engine broken descriptors.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "nemotron/nemotron.h"
#include "test_support.h"

namespace {

constexpr int kVocab = 11, kHidden = 8, kInter = 12;

struct TempCheckpoint {
  std::string path;
  std::vector<nt_tensor_desc> tensors;

  TempCheckpoint() {
    char name[] = "/tmp/nemotron_engine_api_XXXXXX";
    const int fd = mkstemp(name);
    path = name;
    // Data section only (the engine never reads headers; offsets are absolute).
    const std::vector<std::pair<std::string, std::vector<int64_t>>> shapes = {
        {"backbone.embeddings.weight", {kVocab, kHidden}},
        {"backbone.layers.0.norm.weight", {kHidden}},
        {"backbone.layers.0.mixer.up_proj.weight", {kInter, kHidden}},
        {"backbone.layers.0.mixer.down_proj.weight", {kHidden, kInter}},
        {"backbone.norm_f.weight", {kHidden}},
        {"lm_head.weight", {kVocab, kHidden}},
    };
    nemotron::test::Rng rng(7);
    int64_t offset = 0;
    for (const auto& [tensor, shape] : shapes) {
      nt_tensor_desc d{};
      std::snprintf(d.name, sizeof d.name, "%s", tensor.c_str());
      d.dtype = NT_F32;
      d.n_dims = static_cast<int32_t>(shape.size());
      int64_t numel = 1;
      for (size_t i = 0; i < shape.size(); ++i) numel *= (d.shape[i] = shape[i]);
      const std::vector<float> values = rng.uniform(static_cast<size_t>(numel));
      CHECK(write(fd, values.data(), values.size() * 4) == static_cast<ssize_t>(values.size() * 4));
      d.offset = offset;
      d.n_bytes = numel * 4;
      offset += d.n_bytes;
      tensors.push_back(d);
    }
    close(fd);
  }
  ~TempCheckpoint() { unlink(path.c_str()); }
};

nt_config mlp_config() {
  nt_config c{};
  c.vocab_size = kVocab;
  c.hidden_size = kHidden;
  c.n_layers = 1;
  std::snprintf(c.layer_kinds, sizeof c.layer_kinds, "-");
  c.intermediate_size = kInter;
  c.norm_eps = 1e-5f;
  c.dt_max = INFINITY;
  return c;
}

int32_t load(const nt_config& config, const TempCheckpoint& ckpt, const std::vector<nt_tensor_desc>& tensors,
             nt_model** model, nt_error* error) {
  const char* paths[] = {ckpt.path.c_str()};
  nt_model_options options{1, NT_F32};
  return nt_model_load(&config, paths, 1, tensors.data(), static_cast<int32_t>(tensors.size()), &options, model, error);
}

// Loads with one descriptor edited and expects `code` with `fragment` in the message.
template <typename Edit>
void expect_load_error(const TempCheckpoint& ckpt, int32_t code, const char* fragment, Edit edit,
                       nt_config config = mlp_config()) {
  std::vector<nt_tensor_desc> tensors = ckpt.tensors;
  edit(tensors);
  nt_model* model = nullptr;
  nt_error error{};
  const int32_t status = load(config, ckpt, tensors, &model, &error);
  if (status != code || std::strstr(error.message, fragment) == nullptr) {
    std::fprintf(stderr, "expected code %d with \"%s\", got %d: %s\n", code, fragment, status, error.message);
  }
  CHECK(status == code);
  CHECK(std::strstr(error.message, fragment) != nullptr);
  CHECK(model == nullptr);
}

}  // namespace

int main() {
  TempCheckpoint ckpt;
  const auto& up = "backbone.layers.0.mixer.up_proj.weight";

  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "outside", [](auto& t) { t[2].offset = 1 << 20; });
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "outside", [](auto& t) { t[2].offset = -8; });
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "outside", [](auto& t) {
    t[5].offset = INT64_MAX - 4;  // offset + n_bytes would overflow
  });
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "needs", [](auto& t) { t[2].n_bytes -= 4; });
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "unsupported dtype", [](auto& t) { t[1].dtype = 9; });
  expect_load_error(ckpt, NT_INVALID_ARGUMENT, "file #", [](auto& t) { t[0].file_index = 3; });
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, up, [](auto& t) { t.erase(t.begin() + 2); });
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "unexpected tensor", [](auto& t) {
    t.push_back(t[1]);
    std::snprintf(t.back().name, sizeof t.back().name, "backbone.layers.0.mixer.extra");
  });
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "shape", [](auto& t) {
    std::swap(t[2].shape[0], t[2].shape[1]);  // same bytes, transposed shape
  });
  expect_load_error(ckpt, NT_UNSUPPORTED, "moe", [](auto&) {}, [] {
    nt_config c = mlp_config();
    std::snprintf(c.layer_kinds, sizeof c.layer_kinds, "E");
    return c;
  }());
  expect_load_error(ckpt, NT_BAD_CHECKPOINT, "num_hidden_layers", [](auto&) {}, [] {
    nt_config c = mlp_config();
    c.n_layers = 3;
    return c;
  }());

  // The valid checkpoint loads; bad feeds are refused and leave the sequence unchanged.
  nt_model* model = nullptr;
  nt_error error{};
  CHECK(load(mlp_config(), ckpt, ckpt.tensors, &model, &error) == NT_OK);
  nt_sequence* seq = nullptr;
  CHECK(nt_sequence_create(model, &seq, &error) == NT_OK);
  std::vector<float> logits(kVocab);
  const int32_t bad[] = {1, kVocab};
  CHECK(nt_sequence_feed(seq, bad, 2, logits.data(), 1, kVocab, &error) == NT_INVALID_ARGUMENT);
  CHECK(std::strstr(error.message, "outside the vocabulary") != nullptr);
  const int32_t good[] = {1, 2, 3};
  CHECK(nt_sequence_feed(seq, good, 3, logits.data(), 3, kVocab, &error) == NT_INVALID_ARGUMENT);  // short buffer
  CHECK(nt_sequence_length(seq) == 0);
  CHECK(nt_sequence_feed(seq, good, 3, logits.data(), 1, kVocab, &error) == NT_OK);
  CHECK(nt_sequence_length(seq) == 3);
  CHECK(nt_sequence_feed(seq, nullptr, 1, nullptr, 0, 0, &error) == NT_INVALID_ARGUMENT);
  // A traced feed: [n_layers + 1, n_tokens, hidden] floats; one fewer is refused before any compute.
  std::vector<float> hidden(2 * 2 * kHidden);
  CHECK(nt_sequence_feed_traced(seq, good, 2, nullptr, 0, 0, hidden.data(), hidden.size() - 1, &error) ==
        NT_INVALID_ARGUMENT);
  CHECK(nt_sequence_length(seq) == 3);
  CHECK(nt_sequence_feed_traced(seq, good, 2, nullptr, 0, 0, hidden.data(), hidden.size(), &error) == NT_OK);
  CHECK(nt_sequence_length(seq) == 5);
  nt_sequence_free(seq);
  nt_model_free(model);

  if (nemotron::test::failure_count() != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", nemotron::test::failure_count());
    return 1;
  }
  std::printf("engine API: all checks passed\n");
  return 0;
}
