#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cpp; clang 14 with ASan + UBSan, the "fuzz"
# preset of CMakePresets.json) and runs each for a fixed time on its committed corpus
# tests/fuzz/corpus/<name>/. New inputs go to <build>/fuzz-corpus/<name>/, never into the source
# tree; a crash stops the run and leaves the input in <build>/fuzz-artifacts/ (commit it as
# tests/fuzz/corpus/<name>/regression-<what> with the fix, and the replay test keeps it fixed).
#
# Usage: scripts/fuzz.sh [-t SECONDS_PER_TARGET] [-p PRESET] [NAME...]
#   -t  time per target (default 20)        -p  configure/build preset (default fuzz)
#   NAME  targets to run, e.g. hf_json (default: every tests/fuzz/*_fuzz.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
preset=fuzz
while getopts "t:p:" option; do
  case "$option" in
    t) seconds=$OPTARG ;;
    p) preset=$OPTARG ;;
    *) sed -n '2,12p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

names=("$@")
if (( ${#names[@]} == 0 )); then
  for source in tests/fuzz/*_fuzz.cpp; do
    base=$(basename "$source" .cpp)
    names+=("${base%_fuzz}")
  done
fi

cmake --preset "$preset" >/dev/null
build_dir=build-$preset  # the presets' binaryDir
targets=()
for name in "${names[@]}"; do targets+=("${name}_fuzz"); done
cmake --build --preset "$preset" -j"$(nproc)" --target "${targets[@]}"

artifacts=$build_dir/fuzz-artifacts
summary=$build_dir/fuzz-summary.txt
mkdir -p "$artifacts"
: >"$summary"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for name in "${names[@]}"; do
  corpus=tests/fuzz/corpus/$name
  work=$build_dir/fuzz-corpus/$name
  log=$build_dir/fuzz-$name.log
  mkdir -p "$work" "$corpus"
  echo "fuzzing $name for ${seconds}s (corpus $corpus)"
  if "$build_dir/tests/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
      "$work" "$corpus" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    tail -n 60 "$log"
    echo "fuzz target $name failed: the input is in $artifacts/ (full log: $log)"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
  printf '%-16s %-6s %10s executions in %ss (%s)\n' "$name" "$result" "${runs:-?}" \
    "$seconds" "${coverage:-cov: ?}" | tee -a "$summary"
done
exit $status
