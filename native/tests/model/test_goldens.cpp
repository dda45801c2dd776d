// The whole model against the golden outputs of the reference checkpoints (a float64 reference's
// logits, models/README.md), through the public C API, on the backend named on the command line:
//   test_goldens cpu|cuda|cuda-bf16 [model folder ...]   (default: tiny-a tiny-a-bf16 under NEMOTRON_MODELS_DIR)
// cuda runs the prefill GEMMs on float32-accurate (split) activations, cuda-bf16 on activations rounded
// to bfloat16 (the fast default, nt_activation_precision).
// Per model: every prefill case in one feed (every row's logits), in pieces of 7 (as Java's `verify`),
// split in two at the SSD chunk boundary ±1, and token by token for one case; the traced residual
// stream, block by block; the greedy case (nt_sequence_sample at temperature 0, each choice fed back);
// and batched steps (nt_model_feed_batch) mixing decode tokens and prefill chunks of every case, read
// back through the top-20 logprobs. One line per case; exit 0 when all pass, 1 when any fails, 77 when
// the CUDA backend cannot be loaded here (no library, driver or device).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model_files.h"
#include "nemotron/nemotron.h"

#ifndef NEMOTRON_MODELS_DIR
#define NEMOTRON_MODELS_DIR "models"
#endif

namespace {

using nemotron::test::GoldenTensors;
using nemotron::test::Json;

constexpr int kSkipped = 77;  // ctest's SKIP_RETURN_CODE
constexpr int kPiece = 7;     // GoldenVerifier.PIECE

// How one case's logits are compared with the golden's on a backend.
struct Criterion {
  const char* metric;
  double tolerance;
  double (*error)(const float* got, const float* want, size_t n);
  bool tokens_must_match;  // greedy draws equal to the golden's (else counted, and logits compared up to
                           // the first difference: past it the contexts differ)
};

// ‖got − want‖ / ‖want‖ in double: GoldenVerifier.relativeError, the measure of Java's `verify`.
double l2_rel_error(const float* got, const float* want, size_t n) {
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(got[i]) - want[i];
    diff += d * d;
    norm += static_cast<double>(want[i]) * want[i];
  }
  const double err = std::sqrt(diff) / std::sqrt(norm);
  return std::isnan(err) ? INFINITY : err;  // a NaN logit is as wrong as can be
}

// max |got − want| / max |want| over the case: no row's error is averaged away by the others.
double max_rel_error(const float* got, const float* want, size_t n) {
  double diff = 0.0, scale = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
    diff = std::isnan(d) ? INFINITY : std::max(diff, d);
    scale = std::max(scale, std::fabs(static_cast<double>(want[i])));
  }
  return diff / scale;
}

// CPU: Java's `verify` bound (GoldenVerifier.TOLERANCE). float32 compute lands at 0.3–1.6e-6 on both
// checkpoints (≤ 5.4e-6 on every golden in models/); tiny-a's weights rounded to bf16 move its logits
// to ~1e-2, a norm epsilon of 1e-4 to ~2e-3. Not caught: clamping dt at 0.001 (≤ 4.3e-5), as in Java.
const Criterion kCpu = {"l2 rel", 1e-4, l2_rel_error, true};
// CUDA, float32-accurate activations: other reduction orders only; measured ~1e-6 on an H100. Ten times
// tighter than the backend issue's 1e-2, so that bf16 rounding anywhere (1.1e-2 measured) fails it.
const Criterion kCuda = {"max rel", 1e-3, max_rel_error, true};
// CUDA, activations rounded to bfloat16 before the prefill GEMMs (vLLM's numerics): tiny-a-bf16 lands at
// 1.1e-2 (H100), just past the 1e-2, and its greedy run (smallest top-1 margin 0.0016 in the
// goldens) leaves the golden path at step 5; bounded at 2e-2, which a broken kernel (O(1)) cannot meet.
const Criterion kCudaBf16 = {"max rel", 2e-2, max_rel_error, false};

void check_status(int32_t status, const nt_error& error, const std::string& what) {
  if (status != NT_OK) throw std::runtime_error(what + " failed (status " + std::to_string(status) + "): " + error.message);
}

nt_sampling greedy_sampling(int32_t n_logprobs) {
  nt_sampling p{};
  p.temperature = 0.0f;
  p.top_p = 1.0f;
  p.repetition_penalty = 1.0f;
  p.n_logprobs = n_logprobs;
  return p;
}

// A loaded model with its golden files.
struct Fixture {
  std::string name;
  nt_config config{};
  std::unique_ptr<GoldenTensors> golden;
  Json cases;  // golden.json "cases"
  nt_model* model = nullptr;
  ~Fixture() { nt_model_free(model); }
  size_t vocab() const { return static_cast<size_t>(config.vocab_size); }
};

// One sequence, freed at scope exit.
class Sequence {
 public:
  explicit Sequence(nt_model* model) {
    nt_error e{};
    check_status(nt_sequence_create(model, &seq_, &e), e, "nt_sequence_create");
  }
  ~Sequence() { nt_sequence_free(seq_); }
  Sequence(const Sequence&) = delete;
  Sequence& operator=(const Sequence&) = delete;
  nt_sequence* get() const { return seq_; }

  // Feeds ids [begin, begin + n) and writes their n rows of logits to rows [n, vocab].
  void feed(const std::vector<int32_t>& ids, size_t begin, int32_t n, float* rows, size_t vocab) {
    nt_error e{};
    check_status(nt_sequence_feed(seq_, ids.data() + begin, n, rows, n, static_cast<int64_t>(n * vocab), &e), e,
                 "nt_sequence_feed");
  }
  nt_sample_result sample(const nt_sampling& p) {
    nt_error e{};
    nt_sample_result r{};
    check_status(nt_sequence_sample(seq_, &p, &r, &e), e, "nt_sequence_sample");
    return r;
  }

 private:
  nt_sequence* seq_ = nullptr;
};

class Runner {
 public:
  Runner(const Criterion& criterion, Fixture& f) : c_(criterion), f_(f) {}

  int failures() const { return failures_; }

  void run() {
    for (const Json& c : f_.cases.items) {
      const std::string name = c.get("name")->text, kind = c.get("kind")->text;
      guarded(name, [&] {
        if (kind == "prefill") prefill_case(name);
        if (kind == "greedy") greedy_case(name);
      });
    }
    guarded("batch", [&] { batch(); });
  }

 private:
  void report(const std::string& what, size_t tokens, double err, bool ok, const std::string& note = "") {
    std::printf("%-12s %-44s %5zu  %s %.3e  %s%s%s\n", f_.name.c_str(), what.c_str(), tokens, c_.metric, err,
                ok ? "PASS" : "FAIL", note.empty() ? "" : "  ", note.c_str());
    std::fflush(stdout);
    if (!ok) ++failures_;
  }
  bool within(double err) const { return err <= c_.tolerance; }

  template <class Body>
  void guarded(const std::string& what, Body body) {
    try {
      body();
    } catch (const std::exception& e) {
      std::printf("%-12s %-44s FAIL  %s\n", f_.name.c_str(), what.c_str(), e.what());
      ++failures_;
    }
  }

  // Every row's logits of ids fed in pieces of the given lengths to a fresh sequence.
  std::vector<float> prefill(const std::vector<int32_t>& ids, const std::vector<int32_t>& pieces) {
    std::vector<float> rows(ids.size() * f_.vocab());
    Sequence seq(f_.model);
    size_t at = 0;
    for (int32_t n : pieces) {
      seq.feed(ids, at, n, rows.data() + at * f_.vocab(), f_.vocab());
      at += static_cast<size_t>(n);
    }
    return rows;
  }

  void compare_prefill(const std::string& what, const std::vector<int32_t>& ids, const std::vector<float>& want,
                       const std::vector<int32_t>& pieces) {
    const std::vector<float> got = prefill(ids, pieces);
    const double err = c_.error(got.data(), want.data(), want.size());
    report(what, ids.size(), err, within(err));
  }

  void prefill_case(const std::string& name) {
    const std::vector<int32_t> ids = f_.golden->ids(name + ".input_ids");
    const std::vector<float> want = f_.golden->floats(name + ".logits");
    if (want.size() != ids.size() * f_.vocab()) throw std::runtime_error(name + ".logits has the wrong size");
    const int32_t n = static_cast<int32_t>(ids.size());
    compare_prefill(name, ids, want, {n});
    if (n > kPiece) {
      std::vector<int32_t> pieces;
      for (int32_t at = 0; at < n; at += kPiece) pieces.push_back(std::min(kPiece, n - at));
      compare_prefill(name + " in pieces of " + std::to_string(kPiece), ids, want, pieces);
    }
    // Two feeds split at the SSD chunk boundary ±1: the state must carry across exactly.
    const int32_t chunk = f_.config.chunk_size;
    for (int32_t first : {chunk - 1, chunk, chunk + 1})
      if (chunk > 0 && first > 0 && first < n)
        compare_prefill(name + " split " + std::to_string(first) + "+" + std::to_string(n - first), ids, want,
                        {first, n - first});
    // Token by token (the decode path throughout) for the first case longer than one chunk.
    if (n > chunk && !token_by_token_done_) {
      token_by_token_done_ = true;
      compare_prefill(name + " token by token", ids, want, std::vector<int32_t>(ids.size(), 1));
    }
    if (f_.golden->has(name + ".hidden_states")) hidden_states(name, ids);
  }

  // The residual stream after every block against the golden's, to name the first block that diverges.
  void hidden_states(const std::string& name, const std::vector<int32_t>& ids) {
    const std::vector<float> want = f_.golden->floats(name + ".hidden_states");
    const size_t entry = ids.size() * static_cast<size_t>(f_.config.hidden_size);
    const size_t n_entries = static_cast<size_t>(f_.config.n_layers) + 1;
    if (want.size() != n_entries * entry) throw std::runtime_error(name + ".hidden_states has the wrong size");
    std::vector<float> got(want.size());
    Sequence seq(f_.model);
    nt_error e{};
    const int32_t status = nt_sequence_feed_traced(seq.get(), ids.data(), static_cast<int32_t>(ids.size()), nullptr,
                                                   0, 0, got.data(), static_cast<int64_t>(got.size()), &e);
    if (status == NT_UNSUPPORTED) {
      std::printf("%-12s %-44s SKIP  %s\n", f_.name.c_str(), (name + " hidden states").c_str(), e.message);
      return;
    }
    check_status(status, e, "nt_sequence_feed_traced");
    double worst = 0.0;
    std::string worst_at, first_over;
    for (size_t i = 0; i < n_entries; ++i) {
      const std::string label = i == 0 ? "embedding"
                                : i + 1 == n_entries ? "norm_f"
                                : "layer " + std::to_string(i - 1) + " '" + f_.config.layer_kinds[i - 1] + "'";
      const double err = c_.error(got.data() + i * entry, want.data() + i * entry, entry);
      if (worst_at.empty() || err > worst) worst = err, worst_at = label;
      if (!within(err) && first_over.empty()) first_over = label;
    }
    report(name + " hidden states (" + std::to_string(n_entries) + " entries)", ids.size(), worst, first_over.empty(),
           "worst at " + worst_at + (first_over.empty() ? "" : ", first over tolerance: " + first_over));
  }

  // Prompt prefill, then greedy draws (nt_sequence_sample) fed back one token at a time.
  void greedy_case(const std::string& name) {
    const std::vector<int32_t> prompt = f_.golden->ids(name + ".input_ids");
    const std::vector<int32_t> expected = f_.golden->ids(name + ".output_ids");
    const std::vector<float> want = f_.golden->floats(name + ".logits");
    const size_t vocab = f_.vocab();
    if (want.size() != (prompt.size() + expected.size()) * vocab)
      throw std::runtime_error(name + ".logits has the wrong size");
    std::vector<float> got(want.size());
    Sequence seq(f_.model);
    seq.feed(prompt, 0, static_cast<int32_t>(prompt.size()), got.data(), vocab);
    const nt_sampling greedy = greedy_sampling(-1);
    size_t matched = 0, first_mismatch = expected.size();
    bool argmax_ok = true;  // the draw is the argmax of the logits the feed returned
    std::vector<int32_t> chosen(1);
    for (size_t step = 0; step < expected.size(); ++step) {
      chosen[0] = seq.sample(greedy).token;
      const float* last = got.data() + (prompt.size() + step - 1) * vocab;
      argmax_ok = argmax_ok && chosen[0] == static_cast<int32_t>(std::max_element(last, last + vocab) - last);
      if (chosen[0] == expected[step]) ++matched;
      else first_mismatch = std::min(first_mismatch, step);
      seq.feed(chosen, 0, 1, got.data() + (prompt.size() + step) * vocab, vocab);
    }
    // Without token equality, only rows up to the first different draw share the golden's context.
    const size_t rows = c_.tokens_must_match ? prompt.size() + expected.size() : prompt.size() + first_mismatch;
    const double err = c_.error(got.data(), want.data(), rows * vocab);
    std::string note = "tokens " + std::to_string(matched) + "/" + std::to_string(expected.size());
    if (first_mismatch < expected.size()) note += ", first differs at step " + std::to_string(first_mismatch);
    if (!argmax_ok) note += ", a draw was not the argmax of its logits";
    report(name + " (prefill " + std::to_string(prompt.size()) + " + " + std::to_string(expected.size()) +
               " greedy steps)",
           prompt.size() + expected.size(), err,
           within(err) && (matched == expected.size() || !c_.tokens_must_match) && argmax_ok, note);
  }

  // One sequence's part of the batched run: what it is fed, step by step, and the golden rows.
  struct Stream {
    std::string name;
    std::vector<int32_t> ids;
    std::vector<float> want;         // [ids.size(), vocab]
    std::vector<int32_t> pieces;     // tokens fed at step start + i
    size_t start = 0;                // the step it joins at
    size_t check_tokens_from = 0;    // rows from here on: the greedy draw must be ids[row + 1]
    std::unique_ptr<Sequence> seq;
    size_t fed = 0;
    double worst = 0.0;
    size_t tokens_checked = 0, tokens_matched = 0;
  };

  // The greedy case (prompt, then its golden tokens one a step) joined by every prefill case, one a step
  // later than the last, fed alternately in chunk_size + 1 pieces and as chunk_size − 1 tokens then one
  // token a step: each step mixes decode tokens with prefill chunks. After each step every entry's
  // top-20 logprobs are compared with the golden row's log_softmax at those ids by the criterion.
  void batch() {
    const int32_t chunk = std::max(1, f_.config.chunk_size);
    std::vector<Stream> streams;
    for (const Json& c : f_.cases.items) {
      const std::string name = c.get("name")->text, kind = c.get("kind")->text;
      Stream s;
      s.name = name;
      s.want = f_.golden->floats(name + ".logits");
      if (kind == "greedy") {
        s.ids = f_.golden->ids(name + ".input_ids");
        s.check_tokens_from = s.ids.size() - 1;
        s.pieces.push_back(static_cast<int32_t>(s.ids.size()));
        for (int32_t id : f_.golden->ids(name + ".output_ids")) s.ids.push_back(id), s.pieces.push_back(1);
      } else if (kind == "prefill") {
        s.ids = f_.golden->ids(name + ".input_ids");
        s.check_tokens_from = s.ids.size();  // no golden draws to check
        s.start = streams.size();
        const int32_t n = static_cast<int32_t>(s.ids.size());
        if (streams.size() % 2 == 0) {
          for (int32_t at = 0; at < n; at += chunk + 1) s.pieces.push_back(std::min(chunk + 1, n - at));
        } else {
          const int32_t first = std::min(n, std::max(1, chunk - 1));
          s.pieces.push_back(first);
          for (int32_t i = first; i < n; ++i) s.pieces.push_back(1);
        }
      } else {
        continue;
      }
      if (s.want.size() != s.ids.size() * f_.vocab()) throw std::runtime_error(name + ".logits has the wrong size");
      s.seq = std::make_unique<Sequence>(f_.model);
      streams.push_back(std::move(s));
    }
    const nt_sampling sampling = greedy_sampling(NT_MAX_LOGPROBS);
    size_t mixed_steps = 0;
    for (size_t step = 0;; ++step) {
      std::vector<nt_batch_entry> entries;
      std::vector<Stream*> in_step;
      bool decode = false, prefill = false;
      for (Stream& s : streams) {
        if (step < s.start || step - s.start >= s.pieces.size()) continue;
        const int32_t n = s.pieces[step - s.start];
        entries.push_back({s.seq->get(), s.ids.data() + s.fed, n, 1});
        in_step.push_back(&s);
        (n == 1 ? decode : prefill) = true;
      }
      if (entries.empty()) break;
      mixed_steps += decode && prefill ? 1 : 0;
      nt_error e{};
      check_status(nt_model_feed_batch(f_.model, entries.data(), static_cast<int32_t>(entries.size()), &e), e,
                   "nt_model_feed_batch");
      for (size_t i = 0; i < entries.size(); ++i) {
        Stream& s = *in_step[i];
        s.fed += static_cast<size_t>(entries[i].n_tokens);
        const size_t row = s.fed - 1;
        const nt_sample_result r = s.seq->sample(sampling);
        s.worst = std::max(s.worst, logprob_error(r, s.want.data() + row * f_.vocab()));
        if (row >= s.check_tokens_from && row + 1 < s.ids.size()) {
          ++s.tokens_checked;
          s.tokens_matched += r.token == s.ids[row + 1] ? 1 : 0;
        }
      }
    }
    for (const Stream& s : streams) {
      std::string note = "steps " + std::to_string(s.start) + ".." + std::to_string(s.start + s.pieces.size() - 1);
      if (s.tokens_checked > 0)
        note += ", tokens " + std::to_string(s.tokens_matched) + "/" + std::to_string(s.tokens_checked);
      report("batch: " + s.name, s.ids.size(), s.worst,
             within(s.worst) && s.fed == s.ids.size() &&
                 (s.tokens_matched == s.tokens_checked || !c_.tokens_must_match),
             note);
    }
    // The run must have mixed decode tokens and prefill chunks in one step, or it tested less than it says.
    if (mixed_steps == 0) report("batch: no step mixed decode and prefill", 0, 0.0, false);
  }

  // The criterion's error of the returned top logprobs against log_softmax of the golden row at those ids.
  double logprob_error(const nt_sample_result& r, const float* row) const {
    const size_t vocab = f_.vocab();
    double max = row[0], sum = 0.0;
    for (size_t v = 0; v < vocab; ++v) max = std::max(max, static_cast<double>(row[v]));
    for (size_t v = 0; v < vocab; ++v) sum += std::exp(row[v] - max);
    const double log_z = max + std::log(sum);
    if (r.n_top != std::min<int32_t>(NT_MAX_LOGPROBS, f_.config.vocab_size)) return INFINITY;
    std::vector<float> got(r.top_logprobs, r.top_logprobs + r.n_top), want(got.size());
    for (size_t i = 0; i < got.size(); ++i) {
      if (r.top_ids[i] < 0 || r.top_ids[i] >= f_.config.vocab_size) return INFINITY;
      want[i] = static_cast<float>(row[r.top_ids[i]] - log_z);
    }
    return c_.error(got.data(), want.data(), got.size());
  }

  const Criterion& c_;
  Fixture& f_;
  int failures_ = 0;
  bool token_by_token_done_ = false;
};

// Loads `dir` on `backend`; NT_UNSUPPORTED is returned to the caller (a skip for CUDA), other errors throw.
int32_t load(Fixture& f, const std::string& dir, int32_t backend, int32_t activations, std::string& message) {
  f.config = nemotron::test::read_config(dir + "/config.json");
  f.golden = std::make_unique<GoldenTensors>(dir + "/golden.safetensors");
  const Json golden = nemotron::test::read_json_file(dir + "/golden.json");
  if (!golden.get("cases")) throw std::runtime_error(dir + "/golden.json has no cases");
  f.cases = *golden.get("cases");
  const std::vector<std::string> files = nemotron::test::checkpoint_files(dir);
  const std::vector<nt_tensor_desc> descs = nemotron::test::tensor_descs(files);
  std::vector<const char*> paths;
  for (const std::string& p : files) paths.push_back(p.c_str());
  nt_model_options options{};
  options.cache_bytes = int64_t{256} << 20;  // a few sequences of a few hundred tokens of a tiny model
  options.backend = backend;
  options.device_index = 0;
  options.cuda_library = std::getenv("NEMOTRON_CUDA_LIBRARY");  // NULL: the core's own search
  options.activation_precision = activations;
  nt_error e{};
  const int32_t status = nt_model_load(&f.config, paths.data(), static_cast<int32_t>(paths.size()), descs.data(),
                                       static_cast<int32_t>(descs.size()), &options, &f.model, &e);
  message = e.message;
  if (status != NT_OK && status != NT_UNSUPPORTED) check_status(status, e, "nt_model_load " + dir);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string backend_name = argc > 1 ? argv[1] : "";
  if (backend_name != "cpu" && backend_name != "cuda" && backend_name != "cuda-bf16") {
    std::fprintf(stderr, "usage: %s cpu|cuda|cuda-bf16 [model folder ...]   (default: tiny-a tiny-a-bf16 in %s)\n",
                 argv[0], NEMOTRON_MODELS_DIR);
    return 2;
  }
  const bool cuda = backend_name != "cpu", bf16_activations = backend_name == "cuda-bf16";
  const Criterion& criterion = !cuda ? kCpu : bf16_activations ? kCudaBf16 : kCuda;
  std::vector<std::string> models(argv + 2, argv + argc);
  if (models.empty()) models = {"tiny-a", "tiny-a-bf16"};
  std::printf("test_goldens: backend %s, %s error per case <= %.0e, greedy tokens %s (%s)\n", backend_name.c_str(),
              criterion.metric, criterion.tolerance, criterion.tokens_must_match ? "equal" : "counted", nt_version());
  int failures = 0;
  for (const std::string& model : models) {
    const std::string dir = model.find('/') == std::string::npos ? std::string(NEMOTRON_MODELS_DIR) + "/" + model : model;
    Fixture f;
    f.name = dir.substr(dir.find_last_of('/') + 1);
    try {
      std::string message;
      const int32_t activations = bf16_activations ? NT_ACTIVATIONS_BF16 : NT_ACTIVATIONS_F32;
      if (load(f, dir, cuda ? NT_BACKEND_CUDA : NT_BACKEND_CPU, activations, message) == NT_UNSUPPORTED) {
        if (!cuda) throw std::runtime_error("nt_model_load " + dir + " on the CPU: unsupported: " + message);
        std::printf("SKIPPED: the CUDA backend cannot be loaded here: %s\n", message.c_str());
        return kSkipped;
      }
      std::printf("%s on %s\n", dir.c_str(), nt_model_device_name(f.model));
      // Asked to read the weights in place (the unified-memory path, tested on a discrete GPU), it must.
      const char* in_place = std::getenv("NEMOTRON_CUDA_WEIGHTS_IN_PLACE");
      if (cuda && in_place && std::string(in_place) == "1" &&
          std::string(nt_model_device_name(f.model)).find("weights in place") == std::string::npos) {
        std::printf("%-12s FAIL  NEMOTRON_CUDA_WEIGHTS_IN_PLACE=1 but the weights were copied\n", f.name.c_str());
        ++failures;
      }
      Runner runner(criterion, f);
      runner.run();
      failures += runner.failures();
    } catch (const std::exception& e) {
      std::printf("%-12s FAIL  %s\n", f.name.c_str(), e.what());
      ++failures;
    }
  }
  std::printf("test_goldens %s: %s (%d failure(s))\n", backend_name.c_str(), failures == 0 ? "PASS" : "FAIL", failures);
  return failures == 0 ? 0 : 1;
}
