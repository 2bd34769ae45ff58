#!/usr/bin/env bash
# Runs one benchmark, or all of them, with everything it needs installed and built:
#   bench/run.sh serve_large|small_requests|ingest|connections|catalog_scale|dedupe|all [options]
# Options go to the benchmark (see bench/README.md, or bench/<name>.py --help).
set -euo pipefail
cd "$(dirname "$0")/.."
all=(serve_large small_requests ingest connections catalog_scale dedupe)
name=${1:?usage: bench/run.sh NAME|all [options]}
shift
scripts/install-deps.sh bench
bench/build.sh
if [[ "$name" == all ]]; then
  for one in "${all[@]}"; do python3 "bench/$one.py" "$@"; done
else
  exec python3 "bench/$name.py" "$@"
fi
