#!/usr/bin/env bash
# Runs the openai npm client tests and the bounded load test against the built jar
# (java/cli/target/nemotron4j.jar). Maven's `verify` calls this from java/cli; it fails, never
# skips, when node or npm is missing (ci/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "client-tests: '$tool' not found; Node.js 20+ and npm are needed for the openai client tests" \
      "(ci/setup.sh installs them; -DskipTests skips all tests)" >&2
    exit 1
  fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "client-tests: node $(node -v) found; Node.js 20 or newer is needed" >&2
  exit 1
fi
# Exactly the locked openai version; from npm's cache when it has it (mvn -o on a warm machine).
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
node --test --test-concurrency=1 --test-reporter=spec test/
