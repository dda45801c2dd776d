// ssd_chunk_scan on CUDA: cuda::ssd_chunk_scan against ref::ssd_chunk_scan (the sequential recurrence in
// double) on fresh random inputs: lengths 1, 2, chunk − 1, chunk, chunk + 1, 3·chunk + 5, several internal
// passes, odd sizes, head_dim past one tile, chunk_size 1 and past one tile, n_groups 1 and > 1, zero and
// non-zero initial state, slow and fast decays, padded conv-output rows (x | B | C strided views), and the
// tiny, 0.5b, 8B and Nemotron-Nano-9B-v2 head shapes. y and the final state are both compared; y and the
// workspace start as NaN and a guard band after the workspace must come back untouched. Invariant: a+b
// tokens in one call equal a then b. Exits 77 (ctest's SKIP_RETURN_CODE) when no CUDA device is usable.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "backend/cuda/ssd_chunk_scan.cuh"
#include "cuda_support.h"
#include "ops/ssd_chunk_scan.h"
#include "ssd_inputs.h"

namespace nemotron {
namespace {
using namespace test;

// float32 chunked scan vs the double sequential recurrence: dot products of up to d_state and chunk_size
// terms, states chained over up to ~260 chunks; observed ≤ 7e-7 relative to the output scale on an H100
// (the CPU test sees the same). 5e-6, as in test_ssd_chunk_scan, keeps that margin and catches a decay off
// by 0.1 % (~5e-5); a wrong group, lost term or misplaced tile is O(1e-1).
constexpr double kScanTol = 5e-6;
// Two float32 runs chunked differently (a+b vs a then b): the same error budget.
constexpr double kSplitTol = 5e-6;
constexpr size_t kGuardBytes = 4096;
constexpr unsigned char kPoison = 0xff;  // every float and double made of these bytes is a NaN

std::vector<SsdCase> cases() {
  return {
      // n_tokens, n_heads, head_dim, n_groups, d_state, chunk_size, initial_state, slow, pad
      {1, 8, 16, 2, 16, 16, true},  // tiny-a's shape: one token
      {2, 8, 16, 2, 16, 16, true},
      {15, 8, 16, 2, 16, 16, true},  // chunk − 1, chunk, chunk + 1
      {16, 8, 16, 2, 16, 16, false},
      {17, 8, 16, 2, 16, 16, true},
      {53, 8, 16, 2, 16, 16, true},          // 3·chunk + 5
      {53, 8, 16, 2, 16, 16, true, false},   // fast decays
      {41, 4, 16, 1, 16, 16, true, true, 9},  // one group for all heads, wider row padding
      {29, 3, 5, 1, 6, 8, true},             // odd sizes
      {70, 6, 33, 3, 40, 24, true, false, 7},  // head_dim and d_state off the tiles, chunk not a power of two
      {17, 2, 3, 1, 4, 1, true},             // chunk_size 1
      {305, 4, 24, 2, 20, 100, true},        // two row tiles per chunk, the second partial
      {600, 2, 16, 1, 16, 256, true},        // four row tiles per chunk
      {700, 2, 16, 1, 16, 300, true},        // a configured chunk past kMaxChunk (256), cut
      {40, 2, 136, 1, 16, 32, true},         // head_dim past one column tile (TN 8, two tiles)
      {2100, 8, 16, 2, 16, 16, true},        // two passes of 2048 tokens
      {4200, 2, 8, 1, 8, 128, true, false},  // three passes, the last partial
      {260, 32, 64, 8, 128, 128, true},      // the 0.5b shape
      {200, 128, 64, 8, 128, 128, true},     // Nemotron-H-8B
      {300, 128, 80, 8, 128, 128, true},     // NVIDIA-Nemotron-Nano-9B-v2
      {130, 128, 80, 8, 128, 128, true, false},
  };
}

// The case's inputs on the device, a NaN-filled workspace sized for the whole case and a guard band.
struct DeviceCase {
  const SsdData& d;
  DeviceArray<float> xbc, dt, A, D, state, y;
  DeviceArray<unsigned char> workspace;
  size_t workspace_bytes;
  DeviceCase(const SsdData& data, size_t ws_bytes)
      : d(data), xbc(data.xbc.size()), dt(data.dt.size()), A(data.A.size()), D(data.D.size()),
        state(data.state.size()), y(data.y_size(data.n_tokens)), workspace(ws_bytes + kGuardBytes),
        workspace_bytes(ws_bytes) {}
  bool ok() const { return xbc.ok() && dt.ok() && A.ok() && D.ok() && state.ok() && y.ok() && workspace.ok(); }
  // Tokens [t0, t0 + n) as device-side SsdInputs (the same views as SsdData::inputs).
  SsdInputs inputs(int64_t t0, int64_t n) const {
    const SsdInputs host = d.inputs(t0, n);
    const auto on_device = [&](const float* p, const std::vector<float>& v, const DeviceArray<float>& a) {
      return a.get() + (p - v.data());
    };
    return {n, on_device(host.x, d.xbc, xbc), on_device(host.B, d.xbc, xbc), on_device(host.C, d.xbc, xbc),
            host.stride, on_device(host.dt, d.dt, dt), A.get(), D.get()};
  }
  float* y_at(int64_t t) const { return y.get() + d.y_size(t); }
};

// Uploads the inputs and the initial state; poisons y and the whole workspace, guard band included.
bool prepare(DeviceCase& dc) {
  bool ok = dc.xbc.upload(dc.d.xbc) == cudaSuccess && dc.dt.upload(dc.d.dt) == cudaSuccess &&
            dc.A.upload(dc.d.A) == cudaSuccess && dc.D.upload(dc.d.D) == cudaSuccess &&
            dc.state.upload(dc.d.state) == cudaSuccess;
  ok = ok && cudaMemset(dc.y.get(), kPoison, dc.d.y_size(dc.d.n_tokens) * sizeof(float)) == cudaSuccess;
  ok = ok && cudaMemset(dc.workspace.get(), kPoison, dc.workspace_bytes + kGuardBytes) == cudaSuccess;
  if (!ok) report_failure(__FILE__, __LINE__, "device upload failed");
  return ok;
}

void check_guard(const DeviceCase& dc) {
  std::vector<unsigned char> guard(kGuardBytes);
  CUDA_CHECK(cudaMemcpy(guard.data(), dc.workspace.get() + dc.workspace_bytes, kGuardBytes, cudaMemcpyDeviceToHost));
  CHECK(std::all_of(guard.begin(), guard.end(), [](unsigned char b) { return b == kPoison; }));
}

void check_against_reference(const SsdCase& c) {
  const SsdData d(c);
  std::vector<float> want(d.y_size(c.n_tokens)), want_state = d.state;
  ref::ssd_chunk_scan(d.shape, d.inputs(0, c.n_tokens), want_state.data(), want.data());

  DeviceCase dc(d, cuda::ssd_chunk_scan_workspace_bytes(d.shape, c.n_tokens));
  if (!dc.ok()) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  if (!prepare(dc)) return;
  cuda::ssd_chunk_scan(d.shape, dc.inputs(0, c.n_tokens), dc.state.get(), dc.y.get(), dc.workspace.get(), nullptr);
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> got(want.size(), NAN), got_state(want_state.size(), NAN);
  CUDA_CHECK(dc.y.download(got));
  CUDA_CHECK(dc.state.download(got_state));
  CHECK_CLOSE(got, want, kScanTol);
  CHECK_CLOSE(got_state, want_state, kScanTol);
  check_guard(dc);
}

// Scanning a+b tokens in one call equals a then b with the state carried; the splits fall inside and on
// chunk and pass boundaries of the whole scan, so the halves are chunked differently.
void check_split(const SsdCase& c) {
  if (c.n_tokens < 2) return;
  const SsdData d(c);
  DeviceCase dc(d, cuda::ssd_chunk_scan_workspace_bytes(d.shape, c.n_tokens));
  if (!dc.ok()) {
    report_failure(__FILE__, __LINE__, "cudaMalloc failed");
    return;
  }
  if (!prepare(dc)) return;
  cuda::ssd_chunk_scan(d.shape, dc.inputs(0, c.n_tokens), dc.state.get(), dc.y.get(), dc.workspace.get(), nullptr);
  CUDA_CHECK(cudaGetLastError());
  std::vector<float> whole(d.y_size(c.n_tokens), NAN), whole_state(d.state.size(), NAN);
  CUDA_CHECK(dc.y.download(whole));
  CUDA_CHECK(dc.state.download(whole_state));

  std::vector<int64_t> splits = {1, c.n_tokens / 2, c.n_tokens - 1, c.chunk_size, c.chunk_size + 1, 2048};
  for (const int64_t a : splits) {
    if (a < 1 || a >= c.n_tokens) continue;
    if (!prepare(dc)) return;
    cuda::ssd_chunk_scan(d.shape, dc.inputs(0, a), dc.state.get(), dc.y.get(), dc.workspace.get(), nullptr);
    cuda::ssd_chunk_scan(d.shape, dc.inputs(a, c.n_tokens - a), dc.state.get(), dc.y_at(a), dc.workspace.get(),
                         nullptr);
    CUDA_CHECK(cudaGetLastError());
    std::vector<float> split(whole.size(), NAN), split_state(whole_state.size(), NAN);
    CUDA_CHECK(dc.y.download(split));
    CUDA_CHECK(dc.state.download(split_state));
    CHECK_CLOSE(split, whole, kSplitTol);
    CHECK_CLOSE(split_state, whole_state, kSplitTol);
    check_guard(dc);
  }
}

}  // namespace
}  // namespace nemotron

int main() {
  if (!nemotron::test::cuda_device_usable("test_ssd_chunk_scan_cuda")) return nemotron::test::kSkipExitCode;
  nemotron::test::run_cases("ssd_chunk_scan_cuda", nemotron::cases(), nemotron::check_against_reference);
  nemotron::test::run_cases("ssd_chunk_scan_cuda split", nemotron::cases(), nemotron::check_split);
  return nemotron::test::finish("test_ssd_chunk_scan_cuda");
}
