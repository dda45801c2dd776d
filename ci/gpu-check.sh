#!/usr/bin/env bash
# One-shot GPU check, run on the lent GPU machine in a single call (nothing is downloaded):
#   1. build the native core with the CUDA backend (CUDA toolkit + cuBLAS required there),
#   2. run every native test: the CPU op tests against the references, and the CUDA op tests against
#      the same references (a CUDA test that finds no device exits 77 and shows as skipped),
#   3. run the benches,
#   4. print a short table last.
# Java is not needed on the GPU machine. Usage: ci/gpu-check.sh [build-dir]
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/gpu}
log=$(mktemp -d)

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
echo "== configure + build ($build)"
if ! cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DNEMOTRON_CUDA=ON >"$log/configure.txt" 2>&1; then
  cat "$log/configure.txt"; echo "gpu-check: configure FAILED"; exit 1
fi
grep -E "nemotron4j:" "$log/configure.txt"
if ! cmake --build "$build" -j "$(nproc)" >"$log/build.txt" 2>&1; then
  tail -50 "$log/build.txt"; echo "gpu-check: build FAILED"; exit 1
fi

echo "== tests"
ctest --test-dir "$build" --output-on-failure --timeout 300 | tee "$log/ctest.txt"
tests_rc=${PIPESTATUS[0]}

echo "== benches"
for bench in "$build"/native/bench/bench_*; do
  [ -x "$bench" ] || continue
  echo "-- $(basename "$bench")"
  "$bench" | tee -a "$log/bench.txt"
done

echo
echo "== summary ($(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo 'no GPU visible'))"
printf '%-28s %s\n' "test" "result"
grep -E "^ *[0-9]+/[0-9]+ Test +#[0-9]+:" "$log/ctest.txt" | sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) \.+ *([A-Za-z*]+( [A-Za-z]+)?).*/\1 \2/' |
  awk '{printf "%-28s %s %s\n", $1, $2, $3}'
grep -E "tests passed|tests failed" "$log/ctest.txt"
exit "$tests_rc"
