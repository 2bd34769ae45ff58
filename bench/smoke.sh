#!/usr/bin/env bash
# The benchmarks at toy sizes (about 30 s), so that CI notices when one breaks. Ratios are printed
# but never judged here: on a shared machine they are noise at these sizes. Fails only when a
# benchmark fails to run. Uses the binaries of $MIRRORD_BUILD_DIR (default build-test, as built by
# scripts/test.sh) when they exist, else builds build-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench >/dev/null
export MIRRORD_BUILD_DIR=${MIRRORD_BUILD_DIR:-build-test}
if [[ ! -x "$MIRRORD_BUILD_DIR/daemon/mirrord" || ! -x "$MIRRORD_BUILD_DIR/cli/mirrorctl" ]]; then
  export MIRRORD_BUILD_DIR=build-bench
  bench/build.sh
fi
workdir=$(mktemp -d /tmp/mirrord-smoke.XXXXXX)
trap 'rm -rf "$workdir"' EXIT
common=(--workdir "$workdir" --rounds 1)
started=$SECONDS
python3 bench/serve_large.py "${common[@]}" --size 32M --clients 2
python3 bench/small_requests.py "${common[@]}" --seconds 1
python3 bench/ingest.py "${common[@]}" --size 32M --shards 2
python3 bench/connections.py "${common[@]}" --idle 100 --slow 10 --slow-size 8M --probes 100
python3 bench/catalog_scale.py "${common[@]}" --repos 50 --files 20 --lookups 100 --seconds 1
python3 bench/dedupe.py "${common[@]}" --shard-size 4M
echo "bench smoke: every benchmark ran ($((SECONDS - started)) s)"
