#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cpp; clang 14 with ASan + UBSan, the "fuzz"
# preset of CMakePresets.json) and runs each for a fixed time on its committed corpus
# tests/fuzz/corpus/<name>/, as many at once as there are cores. New inputs go to
# <build>/fuzz-corpus/<name>/, never into the source tree; a crash fails the run and leaves the
# input in <build>/fuzz-artifacts/ (commit it as tests/fuzz/corpus/<name>/regression-<what> with the
# fix, and the replay test keeps it fixed). The summary (executions per target) is printed and
# kept in <build>/fuzz-summary.txt.
#
# Usage: scripts/fuzz.sh [-t SECONDS_PER_TARGET] [-p PRESET] [-j PARALLEL] [NAME...]
#   -t  time per target (default 20)   -p  configure/build preset (default fuzz; CI: asan)
#   -j  targets run at once (default: the number of cores)
#   NAME  targets to run, e.g. hf_json (default: every tests/fuzz/*_fuzz.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
preset=fuzz
parallel=$(nproc)
while getopts "t:p:j:" option; do
  case "$option" in
    t) seconds=$OPTARG ;;
    p) preset=$OPTARG ;;
    j) parallel=$OPTARG ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
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
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Fuzzes one target; its verdict goes to <build>/fuzz-<name>.result ("ok" or "FAILED").
fuzz_one() {
  local name=$1 corpus=tests/fuzz/corpus/$1 work=$build_dir/fuzz-corpus/$1
  local log=$build_dir/fuzz-$1.log
  mkdir -p "$work" "$corpus"
  if "$build_dir/tests/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
      "$work" "$corpus" >"$log" 2>&1; then
    echo ok >"$build_dir/fuzz-$name.result"
  else
    echo FAILED >"$build_dir/fuzz-$name.result"
  fi
}

echo "fuzzing ${#names[@]} targets for ${seconds}s each, $parallel at a time"
for name in "${names[@]}"; do
  rm -f "$build_dir/fuzz-$name.result"
  while (( $(jobs -rp | wc -l) >= parallel )); do wait -n || true; done
  fuzz_one "$name" &
done
wait

status=0
: >"$summary"
for name in "${names[@]}"; do
  log=$build_dir/fuzz-$name.log
  result=$(cat "$build_dir/fuzz-$name.result" 2>/dev/null || echo FAILED)
  if [[ "$result" != ok ]]; then
    status=1
    echo "=== $name failed (full log: $log; input in $artifacts/)"
    tail -n 40 "$log" || true
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]*' "$log" 2>/dev/null | tail -n 1 || true)
  printf '%-18s %-6s %10s executions in %ss (%s)\n' "$name" "$result" "${runs:-?}" \
    "$seconds" "${coverage:-cov: ?}" >>"$summary"
done
cat "$summary"
exit $status
