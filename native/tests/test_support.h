// The op tests' whole framework: CHECK macros that count failures, a seeded RNG that fills vectors,
// a scale-aware error measure, and a case runner that names the failing case's sizes.
// No external test framework is installed on the build machines; ctest only needs an exit code.
// Header-only and plain C++17 so that nvcc can compile the CUDA tests against it too.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace nemotron::test {

inline int& failure_count() {
  static int count = 0;
  return count;
}

inline void report_failure(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what.c_str());
  ++failure_count();
}

#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) ::nemotron::test::report_failure(__FILE__, __LINE__, #cond);              \
  } while (0)

// Compares two float arrays of equal length by max_rel_error (below) against `tol`.
#define CHECK_CLOSE(got, want, tol)                                                        \
  ::nemotron::test::check_close((got), (want), (tol), #got " vs " #want, __FILE__, __LINE__)

// Deterministic inputs: every case seeds its own generator, so a failure reproduces alone.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  std::vector<float> uniform(size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (float& e : v) e = dist(engine_);
    return v;
  }

 private:
  std::mt19937_64 engine_;
};

// max |got − want| / max |want|: an error relative to the output's scale, so entries that happen to
// cancel to near zero do not dominate (a per-element relative error would blow up there).
inline double max_rel_error(const std::vector<float>& got, const std::vector<float>& want) {
  double max_diff = 0.0, max_ref = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double diff = std::fabs(static_cast<double>(got[i]) - want[i]);
    max_diff = std::isnan(diff) ? INFINITY : std::max(max_diff, diff);
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(want[i])));
  }
  constexpr double kTinyScale = 1e-30;  // an all-zero reference compares absolutely
  return max_diff / std::max(max_ref, kTinyScale);
}

inline void check_close(const std::vector<float>& got, const std::vector<float>& want, double tol,
                        const char* what, const char* file, int line) {
  if (got.size() != want.size()) {
    report_failure(file, line, std::string(what) + ": sizes differ");
    return;
  }
  const double err = max_rel_error(got, want);
  static const bool verbose = std::getenv("NEMOTRON_TEST_VERBOSE") != nullptr;  // to see the margins
  if (verbose) std::printf("  %s:%d %s: %.3g (tolerance %.3g)\n", file, line, what, err, tol);
  if (!(err <= tol)) {
    char msg[256];
    std::snprintf(msg, sizeof msg, "%s: max rel error %.3g > tolerance %.3g", what, err, tol);
    report_failure(file, line, msg);
  }
}

// Runs `body` on every case; a case that adds failures is named by its describe() (its sizes).
template <class Case, class Body>
void run_cases(const char* suite, const std::vector<Case>& cases, Body body) {
  for (const Case& c : cases) {
    const int before = failure_count();
    body(c);
    if (failure_count() > before) std::fprintf(stderr, "  in %s case {%s}\n", suite, c.describe().c_str());
  }
  std::printf("%s: %zu cases\n", suite, cases.size());
}

// main()'s return value: ctest reads the exit code.
inline int finish(const char* test_name) {
  if (failure_count() == 0) {
    std::printf("%s: all passed\n", test_name);
    return 0;
  }
  std::printf("%s: %d failure(s)\n", test_name, failure_count());
  return 1;
}

}  // namespace nemotron::test
