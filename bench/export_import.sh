#!/usr/bin/env bash
# Size and time of `mirrorctl export` (.tar) and `mirrorctl import` into a mirror without
# upstream: the tiny Qwen fixtures and a generated 1 GiB Hugging Face repo (bench/export_import.py;
# options such as --size 4G or --rounds 1 go to it). Uses the binaries of $MIRRORD_BUILD_DIR (or
# MIRRORD_BIN/MIRRORCTL_BIN) when they exist, else builds build-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${MIRRORD_BIN:-}" ]]; then
  export MIRRORD_BUILD_DIR=${MIRRORD_BUILD_DIR:-build-bench}
  if [[ ! -x "$MIRRORD_BUILD_DIR/daemon/mirrord" || ! -x "$MIRRORD_BUILD_DIR/cli/mirrorctl" ]]; then
    scripts/install-deps.sh bench >/dev/null
    bench/build.sh
  fi
fi
exec python3 bench/export_import.py "$@"
