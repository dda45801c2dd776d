#!/usr/bin/env bash
# One-shot GPU check, run on the lent GPU machine in a single call (nothing is downloaded; no JVM needed):
#   1. build the native core and the CUDA backend library (CUDA toolkit + cuBLAS required there), for
#      this machine's GPU only (CI compiles every .cu for sm_80/87/90 elsewhere),
#   2. run the GPU tests: every CUDA kernel against the CPU reference on fresh random inputs, and the
#      goldens of tiny-a / tiny-a-bf16 through the C API on the GPU (greedy tokens equal, logits within
#      1e-2 relative error) and on the CPU,
#   3. benchmark the whole model with random bf16 weights of the NVIDIA-Nemotron-Nano-9B-v2 shape
#      (bench_cuda_model: prefill 512 / 2048 / 8192, decode batch 1 / 8 / 64, each as a ratio to the
#      read bandwidth or bf16 GEMM peak measured in the same run), then again with float32-accurate
#      activations and with sampling on the GPU,
#   4. print a short table last.
# Usage: ci/gpu-check.sh [build-dir]      env: GPU_CHECK_SKIP_BENCH=1 to stop after the tests;
#        GPU_CHECK_CMAKE_ARGS="..." adds configure arguments (e.g. a cuBLAS stand-in to rehearse the script
#        on a machine without a GPU: every GPU test then reports skipped)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/gpu}
log=$(mktemp -d)
start=$(date +%s)
stamp() { echo "[$(( $(date +%s) - start )) s] $*"; }

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
archs=native
nvidia-smi >/dev/null 2>&1 || archs="80;87;90"
stamp "configure + build ($build, CUDA architectures $archs)"
if ! cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DNEMOTRON_CUDA=ON \
    -DCMAKE_CUDA_ARCHITECTURES="$archs" ${GPU_CHECK_CMAKE_ARGS:-} >"$log/configure.txt" 2>&1; then
  cat "$log/configure.txt"; echo "gpu-check: configure FAILED"; exit 1
fi
grep -E "nemotron4j:" "$log/configure.txt"
# Only what this script runs: the CUDA library, its tests, the goldens test and the model bench.
targets=(nemotron_cuda test_goldens)
for t in native/tests/ops/test_*_cuda.cu; do targets+=("$(basename "$t" .cu)"); done
[ -f native/bench/bench_cuda_model.cpp ] && targets+=(bench_cuda_model)
if ! cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >"$log/build.txt" 2>&1; then
  grep -E "error|Error" "$log/build.txt" | head -40; tail -20 "$log/build.txt"; echo "gpu-check: build FAILED"; exit 1
fi
export NEMOTRON_CUDA_LIBRARY="$PWD/$build/native/libnemotron_cuda.so"

stamp "GPU tests"
ctest --test-dir "$build" -R "_cuda$|^goldens" --output-on-failure --timeout 300 | tee "$log/ctest.txt"
tests_rc=${PIPESTATUS[0]}
bench_rc=0

if [ "${GPU_CHECK_SKIP_BENCH:-0}" != 1 ] && [ -x "$build/native/bench/bench_cuda_model" ]; then
  stamp "bench_cuda_model (9B-v2 shape, random bf16 weights)"
  timeout 300 "$build/native/bench/bench_cuda_model" 2>&1 | tee "$log/bench.txt"
  bench_rc=${PIPESTATUS[0]}
  stamp "bench_cuda_model with float32-accurate activations (what the precision costs)"
  timeout 120 "$build/native/bench/bench_cuda_model" --activations f32 --prefill 2048 --decode 8 --steps 16 2>&1 |
    tee "$log/bench_f32.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || bench_rc=1
  stamp "bench_cuda_model drawing on the GPU (NEMOTRON_CUDA_SAMPLING=1: logits stay on the device)"
  NEMOTRON_CUDA_SAMPLING=1 timeout 120 "$build/native/bench/bench_cuda_model" --prefill 512 --decode 1,8,64 --steps 16 \
    2>&1 | tee "$log/bench_sampling.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || bench_rc=1
fi

echo
stamp "summary ($(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo 'no GPU visible'))"
printf '%-28s %s\n' "test" "result"
grep -E "^ *[0-9]+/[0-9]+ Test +#[0-9]+:" "$log/ctest.txt" | sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) \.+ *([A-Za-z*]+( [A-Za-z]+)?).*/\1 \2/' |
  awk '{printf "%-28s %s %s\n", $1, $2, $3}'
grep -E "tests passed|tests failed" "$log/ctest.txt"
if [ -f "$log/bench.txt" ]; then
  grep -E "^limits:|^model:" "$log/bench.txt"
  sed -n '/^bench /,$p' "$log/bench.txt"
  if grep -q "^bench " "$log/bench_f32.txt" 2>/dev/null; then
    echo "with --activations f32:"; sed -n '/^bench /,$p' "$log/bench_f32.txt" | tail -n +2
  fi
  if grep -q "^bench " "$log/bench_sampling.txt" 2>/dev/null; then
    echo "sampling on the GPU (NEMOTRON_CUDA_SAMPLING=1):"; sed -n '/^bench /,$p' "$log/bench_sampling.txt" | tail -n +2
  fi
fi
[ "$bench_rc" = 0 ] || echo "gpu-check: a bench FAILED (see above)"
[ "$tests_rc" = 0 ] && [ "$bench_rc" = 0 ]
