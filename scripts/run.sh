#!/usr/bin/env bash
# Installs what is missing, builds mirrord and mirrorctl, and starts the daemon in the
# foreground. With no argument it runs on embedded defaults (state in ./mirrord-state, public HTTP
# on 127.0.0.1:8080); pass a config file to use it instead: scripts/run.sh my-mirrord.toml
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMIRRORD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target mirrord mirrorctl

echo "mirrorctl is at $(pwd)/build/cli/mirrorctl"
if [[ $# -gt 0 ]]; then
  exec build/daemon/mirrord --config "$1"
fi
exec build/daemon/mirrord
