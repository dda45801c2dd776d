// cpu::gemm (the small-product helper under ssd_chunk_scan and attention) against a double loop: operands
// used in place and packed (transposed views), full and edge tiles on every ISA's tile sizes, k across the
// 256 k-block, accumulate on and off, k = 0.
#include <string>

#include "backend/cpu/gemm.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 sums of ≤ 600 products of O(1) values: a few 1e-7 relative to the output scale.
constexpr double kGemmTol = 1e-5;

struct Case {
  int64_t m, n, k;
  bool a_transposed, b_transposed, accumulate;
  std::string describe() const {
    return "m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k) + " a_t=" +
           std::to_string(a_transposed) + " b_t=" + std::to_string(b_transposed) + " acc=" + std::to_string(accumulate);
  }
};

std::vector<Case> cases() {
  std::vector<Case> list;
  const int64_t shapes[][3] = {{1, 1, 1}, {5, 7, 3}, {6, 16, 64}, {8, 32, 256}, {13, 33, 257}, {48, 64, 128},
                               {64, 128, 600}, {3, 100, 1}, {7, 9, 0}};
  for (const auto& sh : shapes)
    for (int variant = 0; variant < 4; ++variant)
      list.push_back({sh[0], sh[1], sh[2], (variant & 1) != 0, (variant & 2) != 0, variant == 1 || variant == 2});
  return list;
}

void check_against_loops(const Case& c) {
  Rng rng(c.m * 7919 + c.n * 104729 + c.k);
  constexpr int64_t kPad = 3;  // leading dimensions wider than the matrices
  // Row-major storage of A [m, k] or, transposed, of Aᵀ [k, m]; likewise B.
  const int64_t lda = (c.a_transposed ? c.m : c.k) + kPad, ldb = (c.b_transposed ? c.k : c.n) + kPad, ldc = c.n + kPad;
  const std::vector<float> a = rng.uniform((c.a_transposed ? c.k : c.m) * lda);
  const std::vector<float> b = rng.uniform((c.b_transposed ? c.n : c.k) * ldb);
  const cpu::StridedView av = c.a_transposed ? cpu::StridedView{a.data(), 1, lda} : cpu::StridedView{a.data(), lda, 1};
  const cpu::StridedView bv = c.b_transposed ? cpu::StridedView{b.data(), 1, ldb} : cpu::StridedView{b.data(), ldb, 1};
  std::vector<float> got = rng.uniform(c.m * ldc);
  std::vector<float> want(c.m * c.n);
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < c.n; ++j) {
      double sum = c.accumulate ? got[i * ldc + j] : 0.0;
      for (int64_t p = 0; p < c.k; ++p) sum += static_cast<double>(av.at(i, p)) * bv.at(p, j);
      want[i * c.n + j] = static_cast<float>(sum);
    }
  const std::vector<float> before = got;
  cpu::gemm(c.m, c.n, c.k, av, bv, got.data(), ldc, c.accumulate);
  std::vector<float> got_c(c.m * c.n);
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < c.n; ++j) got_c[i * c.n + j] = got[i * ldc + j];
  CHECK_CLOSE(got_c, want, kGemmTol);
  bool padding_untouched = true;  // columns n .. ldc of C belong to someone else
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = c.n; j < ldc; ++j) padding_untouched &= got[i * ldc + j] == before[i * ldc + j];
  CHECK(padding_untouched);
}

}  // namespace
}  // namespace nemotron

int main() {
  nemotron::test::run_cases("gemm", nemotron::cases(), nemotron::check_against_loops);
  return nemotron::test::finish("test_gemm");
}
