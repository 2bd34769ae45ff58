#!/usr/bin/env bash
# Builds the mirrord and mirrorctl the benchmarks run (optimised, with symbols for perf), in
# $MIRRORD_BUILD_DIR (default build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${MIRRORD_BUILD_DIR:-build-bench}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIRRORD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target mirrord mirrorctl >/dev/null
