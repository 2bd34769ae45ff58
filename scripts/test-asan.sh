#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (the "asan" preset of
# CMakePresets.json: clang 14, build-asan/) and runs the unit tests, the integration tests and the
# fuzz corpus replays under them. Any sanitizer report fails the run, also one from a daemon that
# an integration test started and stopped: reports are written to build-asan/sanitizer-logs/ and
# checked at the end. MIRRORD_ASAN_TESTS selects tests (a ctest -R regex; default all but the
# reliability suite, whose crash and timing tests are run in the plain build).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
(cd tests/integration/js && npm ci --no-audit --no-fund --loglevel=error)

logs=$PWD/build-asan/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:log_path=$logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
# Leaks inside system libraries that mirrord cannot fix (each rule says why).
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export MIRRORD_SANITIZED=1
status=0
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" \
  -R "${MIRRORD_ASAN_TESTS:-.}" -E '^reliability' || status=$?

if compgen -G "$logs/*" >/dev/null; then
  for report in "$logs"/*; do
    echo "=== sanitizer report $report"
    cat "$report"
  done
  echo "sanitizer reports found (above)"
  exit 1
fi
exit $status
