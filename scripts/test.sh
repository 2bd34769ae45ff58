#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and runs the whole test
# suite (unit tests and integration tests with real clients) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
build_dir=${MIRRORD_BUILD_DIR:-build-test}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIRRORD_WERROR=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
# The JavaScript client used by the integration tests (pinned in package-lock.json).
(cd tests/integration/js && npm ci --no-audit --no-fund --loglevel=error)
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)"
