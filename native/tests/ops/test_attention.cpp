// attention: cpu::attention_causal against the two-pass double reference with GQA (n_kv_heads 1, > 1 and
// = n_heads), n_past 0 and > 0, key counts around the 64-key block, strided q, and peaked scores (so the
// running max matters). Invariant: prefill of a+b tokens equals a then b equals one token at a time
// (each later call sees the earlier tokens through n_past).
// attention_paged: the same sequences scattered over a pool of shuffled blocks (1, 5 and 16 positions,
// unused rows poisoned with NaN) against the reference and against cpu::attention_causal; boundaries of
// blocks and of the kernel's 256-key partitions ±1; a 3000-key decode. Its determinism is checked bit for
// bit: 1 vs 2 vs 3 threads, a+b vs a then b vs token by token, and another block size and table.
#include <omp.h>

#include <cmath>
#include <cstring>
#include <numeric>

#include "ops/attention.h"
#include "test_support.h"

namespace nemotron {
namespace {
using namespace test;

// float32 online softmax over ≤ ~300 keys against double: ~1e-7 relative per step, a few 1e-7 overall;
// 1e-5 is a wide margin, while a wrong KV head, mask or rescale is O(1e-1).
constexpr double kAttentionTol = 1e-5;
// Splitting the tokens changes nothing in any token's arithmetic: only rounding-identical paths.
constexpr double kSplitTol = 1e-6;

struct Case {
  int64_t n_tokens, n_past, n_heads, n_kv_heads, head_dim, q_pad;
  std::string describe() const {
    return "n_tokens=" + std::to_string(n_tokens) + " n_past=" + std::to_string(n_past) + " n_heads=" +
           std::to_string(n_heads) + " n_kv_heads=" + std::to_string(n_kv_heads) + " head_dim=" +
           std::to_string(head_dim) + " q_pad=" + std::to_string(q_pad);
  }
};

std::vector<Case> cases() {
  return {
      // n_tokens, n_past, n_heads, n_kv_heads, head_dim, q_pad
      {1, 0, 1, 1, 1, 0},   {1, 5, 4, 1, 8, 0},     {3, 0, 4, 2, 5, 3},   {7, 60, 6, 3, 16, 0},
      {64, 0, 4, 4, 16, 0}, {65, 0, 8, 2, 32, 17},  {1, 200, 16, 4, 64, 0}, {40, 100, 16, 4, 64, 1024},
      {130, 1, 2, 1, 7, 0},
  };
}

struct Inputs {
  AttentionShape s;
  std::vector<float> q, k, v;
  explicit Inputs(const Case& c)
      : s{c.n_tokens, c.n_past, c.n_heads, c.n_kv_heads, c.head_dim, c.n_heads * c.head_dim + c.q_pad} {
    Rng rng(c.n_tokens * 998244353 + c.n_past * 1009 + c.n_heads * 31 + c.head_dim);
    // ±2 entries make scores of a few units after scaling: softmax far from uniform.
    q = rng.uniform(c.n_tokens * s.q_stride, -2.0f, 2.0f);
    k = rng.uniform((c.n_past + c.n_tokens) * c.n_kv_heads * c.head_dim, -2.0f, 2.0f);
    v = rng.uniform(k.size());
  }
  float scale() const { return 1.0f / std::sqrt(static_cast<float>(s.head_dim)); }
  int64_t out_size(int64_t n) const { return n * s.n_heads * s.head_dim; }
};

void check_against_reference(const Case& c) {
  const Inputs in(c);
  std::vector<float> want(in.out_size(c.n_tokens)), got(want.size(), NAN);
  ref::attention_causal(in.s, in.q.data(), in.k.data(), in.v.data(), in.scale(), want.data());
  cpu::attention_causal(in.s, in.q.data(), in.k.data(), in.v.data(), in.scale(), got.data());
  CHECK_CLOSE(got, want, kAttentionTol);
}

// The cache already holds all n_past + n_tokens positions; a later call just starts at a larger n_past.
void check_split_and_steps(const Case& c) {
  const Inputs in(c);
  std::vector<float> whole(in.out_size(c.n_tokens));
  cpu::attention_causal(in.s, in.q.data(), in.k.data(), in.v.data(), in.scale(), whole.data());
  auto run = [&](int64_t t0, int64_t n, float* out) {
    AttentionShape part = in.s;
    part.n_tokens = n;
    part.n_past = c.n_past + t0;
    cpu::attention_causal(part, in.q.data() + t0 * in.s.q_stride, in.k.data(), in.v.data(), in.scale(), out);
  };
  const int64_t a = c.n_tokens / 2;
  std::vector<float> split(whole.size(), NAN), steps(whole.size(), NAN);
  run(0, a, split.data());
  run(a, c.n_tokens - a, split.data() + in.out_size(a));
  for (int64_t t = 0; t < c.n_tokens; ++t) run(t, 1, steps.data() + in.out_size(t));
  CHECK_CLOSE(split, whole, kSplitTol);
  CHECK_CLOSE(steps, whole, kSplitTol);
}

// ---- attention_paged ----

// Over up to 3000 keys: float32 partials of ≤ 256 keys merged in float32 vs double; ≤ 1e-6 seen,
// while a wrong block, position, mask or merge is O(1e-1).
constexpr double kPagedTol = 1e-5;
// Paged vs contiguous CPU kernels: both float32, in different summation orders; ≤ 2e-6 seen.
constexpr double kPagedVsContiguousTol = 1e-5;

// Bit-for-bit equality (memcmp), reporting how many floats differ.
#define CHECK_IDENTICAL(got, want) check_identical((got), (want), #got " vs " #want, __FILE__, __LINE__)
void check_identical(const std::vector<float>& got, const std::vector<float>& want, const char* what, const char* file,
                     int line) {
  if (got.size() == want.size() && std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0) return;
  size_t n_diff = got.size() == want.size() ? 0 : SIZE_MAX;
  for (size_t i = 0; n_diff != SIZE_MAX && i < got.size(); ++i) n_diff += std::memcmp(&got[i], &want[i], sizeof(float)) != 0;
  report_failure(file, line, std::string(what) + ": not bit-identical (" +
                                 (n_diff == SIZE_MAX ? "sizes differ" : std::to_string(n_diff) + " floats differ") + ")");
}

struct PagedCase {
  int64_t n_tokens, n_past, n_heads, n_kv_heads, head_dim, block_tokens, q_pad;
  std::string describe() const {
    return Case{n_tokens, n_past, n_heads, n_kv_heads, head_dim, q_pad}.describe() +
           " block_tokens=" + std::to_string(block_tokens);
  }
};

std::vector<PagedCase> paged_cases() {
  return {
      // n_tokens, n_past, n_heads, n_kv_heads, head_dim, block_tokens, q_pad
      {1, 0, 1, 1, 20, 1, 0},      // the first token alone
      {1, 4, 4, 4, 20, 5, 0},      // decode: the new token fills block 0
      {1, 5, 4, 1, 20, 5, 3},      // decode: the new token opens block 1
      {1, 6, 8, 2, 20, 5, 0},      // decode: second row of block 1
      {1, 16, 8, 2, 64, 16, 0},    // decode: the new token opens block 1 of 16
      {7, 0, 4, 4, 20, 5, 0},      // prefill from empty across a block boundary
      {7, 9, 8, 2, 8, 5, 0},       // prefill chunk from mid-block across two boundaries
      {3, 15, 8, 2, 64, 16, 11},   // a few tokens (split across threads) from the last row of a block
      {33, 15, 4, 1, 20, 16, 0},   // prefill chunk from the last row of a block
      {17, 47, 6, 1, 32, 1, 0},    // one-position blocks, 6 query heads on one KV head
      {4, 252, 4, 4, 20, 1, 0},    // tokens at positions 252..255: the last of partition 0
      {3, 255, 8, 2, 20, 5, 0},    // positions 255..257 across the first partition boundary
      {20, 250, 8, 2, 64, 16, 0},  // prefill chunk across the first partition boundary
      {1, 256, 4, 1, 20, 16, 0},   // decode: the only key of partition 1
      {1, 2999, 8, 2, 128, 16, 0}, // long decode: 12 partitions
      {1, 2999, 4, 1, 20, 5, 0},   // long decode, odd head_dim
      {9, 2990, 8, 8, 20, 16, 0},  // prefill chunk at long context (partitions folded inside a task)
  };
}

// A pool of the needed blocks plus spares, all rows NaN until written: reading a row that is not the
// sequence's, or a position beyond n_past + n_tokens, makes the output NaN.
struct Pool {
  int64_t block_tokens;
  std::vector<float> k, v;
  std::vector<int32_t> table;
  // Scatters contiguous caches [n_keys, kv_row] into shuffled blocks (the shuffle seeded by `seed`).
  Pool(const std::vector<float>& k_cache, const std::vector<float>& v_cache, int64_t n_keys, int64_t kv_row,
       int64_t block_tokens, uint64_t seed)
      : block_tokens(block_tokens) {
    constexpr int64_t kSpareBlocks = 3;
    const int64_t n_used = (n_keys + block_tokens - 1) / block_tokens, n_blocks = n_used + kSpareBlocks;
    k.assign(n_blocks * block_tokens * kv_row, NAN);
    v.assign(k.size(), NAN);
    std::vector<int32_t> order(n_blocks);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
    table.assign(order.begin(), order.begin() + n_used);
    for (int64_t p = 0; p < n_keys; ++p) {
      const int64_t row = int64_t{table[p / block_tokens]} * block_tokens + p % block_tokens;
      std::copy_n(&k_cache[p * kv_row], kv_row, &k[row * kv_row]);
      std::copy_n(&v_cache[p * kv_row], kv_row, &v[row * kv_row]);
    }
  }
  PagedKv view() const { return {k.data(), v.data(), block_tokens, table.data()}; }
};

struct PagedInputs : Inputs {
  Pool pool;
  explicit PagedInputs(const PagedCase& c)
      : Inputs(Case{c.n_tokens, c.n_past, c.n_heads, c.n_kv_heads, c.head_dim, c.q_pad}),
        pool(k, v, c.n_past + c.n_tokens, c.n_kv_heads * c.head_dim, c.block_tokens, c.n_past * 7 + c.block_tokens) {}
  std::vector<float> run_cpu(const PagedKv& kv) const {
    std::vector<float> out(out_size(s.n_tokens), NAN);
    cpu::attention_paged(s, q.data(), kv, scale(), out.data());
    return out;
  }
};

void check_paged_against_reference(const PagedCase& c) {
  const PagedInputs in(c);
  std::vector<float> want(in.out_size(c.n_tokens), NAN), contiguous(want.size(), NAN);
  ref::attention_paged(in.s, in.q.data(), in.pool.view(), in.scale(), want.data());
  const std::vector<float> got = in.run_cpu(in.pool.view());
  CHECK_CLOSE(got, want, kPagedTol);
  cpu::attention_causal(in.s, in.q.data(), in.k.data(), in.v.data(), in.scale(), contiguous.data());
  CHECK_CLOSE(got, contiguous, kPagedVsContiguousTol);
}

// The same bits for any thread count and for any block size and table holding the same sequence.
void check_paged_threads_and_layout(const PagedCase& c) {
  const PagedInputs in(c);
  const int max_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const std::vector<float> one = in.run_cpu(in.pool.view());
  for (int threads : {2, 3}) {
    omp_set_num_threads(threads);
    const std::vector<float> many = in.run_cpu(in.pool.view());
    CHECK_IDENTICAL(many, one);
  }
  omp_set_num_threads(max_threads);
  const Pool other(in.k, in.v, c.n_past + c.n_tokens, c.n_kv_heads * c.head_dim, c.block_tokens == 1 ? 3 : 1, 12345);
  const std::vector<float> relaid = in.run_cpu(other.view());
  CHECK_IDENTICAL(relaid, one);
}

// Prefill a+b tokens = a then b = one token at a time, bit for bit (decode-sized calls and prefill-sized
// calls take different task layouts in the kernel; the per-row arithmetic must not change).
void check_paged_split_and_steps(const PagedCase& c) {
  const PagedInputs in(c);
  const std::vector<float> whole = in.run_cpu(in.pool.view());
  auto run = [&](int64_t t0, int64_t n, float* out) {
    AttentionShape part = in.s;
    part.n_tokens = n;
    part.n_past = c.n_past + t0;
    cpu::attention_paged(part, in.q.data() + t0 * in.s.q_stride, in.pool.view(), in.scale(), out);
  };
  const int64_t a = c.n_tokens / 2;
  std::vector<float> split(whole.size(), NAN), steps(whole.size(), NAN);
  run(0, a, split.data());
  run(a, c.n_tokens - a, split.data() + in.out_size(a));
  for (int64_t t = 0; t < c.n_tokens; ++t) run(t, 1, steps.data() + in.out_size(t));
  CHECK_IDENTICAL(split, whole);
  CHECK_IDENTICAL(steps, whole);
}

}  // namespace
}  // namespace nemotron

int main() {
  using namespace nemotron;
  test::run_cases("attention", cases(), check_against_reference);
  test::run_cases("attention split/steps", cases(), check_split_and_steps);
  test::run_cases("attention_paged", paged_cases(), check_paged_against_reference);
  test::run_cases("attention_paged threads/layout", paged_cases(), check_paged_threads_and_layout);
  test::run_cases("attention_paged split/steps", paged_cases(), check_paged_split_and_steps);
  return test::finish("test_attention");
}
