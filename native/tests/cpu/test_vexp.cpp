// exp_in_place (the vectorized exp under ssd_chunk_scan and attention) against std::exp: within 1 ulp for
// normal results over the whole float range in small steps, gradual underflow, inf / NaN, and array
// lengths that leave a tail after the full vectors.
#include <cmath>
#include <string>

#include "backend/cpu/vexp.h"
#include "test_support.h"

namespace nemotron {
namespace {

constexpr double kMaxUlp = 1.0;           // Cody–Waite reduction + degree-7 Taylor: at most 1 ulp off
constexpr float kSmallestNormal = 1.17549435e-38f;
constexpr float kSubnormalTol = 2e-45f;   // in the subnormal range: within about one subnormal step

double ulp_distance(float got, float want) {
  return std::fabs(static_cast<double>(got) - want) / (std::nextafter(want, INFINITY) - want);
}

void check_range() {
  std::vector<float> x;
  for (float v = -110.0f; v < 90.0f; v += 0.00073f) x.push_back(v);
  std::vector<float> y = x;
  cpu::exp_in_place(y.data(), static_cast<int64_t>(y.size()));
  double worst_ulp = 0.0;
  int64_t wrong = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const float want = std::exp(x[i]);
    if (std::isinf(want)) {
      wrong += !(std::isinf(y[i]) && y[i] > 0);
    } else if (want < kSmallestNormal) {
      wrong += !(std::fabs(y[i] - want) <= kSubnormalTol);
    } else {
      worst_ulp = std::max(worst_ulp, ulp_distance(y[i], want));
    }
  }
  CHECK(wrong == 0);
  CHECK(worst_ulp <= kMaxUlp);
}

void check_specials_and_tails() {
  std::vector<float> special = {NAN, -INFINITY, INFINITY, 0.0f, -0.0f, -1000.0f, 1000.0f};
  cpu::exp_in_place(special.data(), static_cast<int64_t>(special.size()));
  CHECK(std::isnan(special[0]));
  CHECK(special[1] == 0.0f && special[5] == 0.0f);
  CHECK(std::isinf(special[2]) && std::isinf(special[6]));
  CHECK(special[3] == 1.0f && special[4] == 1.0f);
  for (int64_t n = 0; n <= 19; ++n) {  // every tail length for 8- and 16-lane vectors
    std::vector<float> v(n + 1, -0.5f);
    v[n] = 12345.0f;  // past the end: must stay untouched
    cpu::exp_in_place(v.data(), n);
    bool ok = v[n] == 12345.0f;
    for (int64_t i = 0; i < n; ++i) ok &= ulp_distance(v[i], std::exp(-0.5f)) <= kMaxUlp;
    CHECK(ok);
  }
}

}  // namespace
}  // namespace nemotron

int main() {
  nemotron::check_range();
  nemotron::check_specials_and_tails();
  return nemotron::test::finish("test_vexp");
}
