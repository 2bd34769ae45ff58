#!/usr/bin/env bash
# Builds the Debian package: a release build configured for /usr, then CPack's DEB generator.
# Usage: scripts/package.sh [OUTDIR]   (default: build-deb/package). Prints the .deb's path.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh package
build_dir=${MIRRORD_DEB_BUILD_DIR:-build-deb}
out_dir=${1:-$build_dir/package}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIRRORD_WERROR=ON \
  -DMIRRORD_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr \
  -DMIRRORD_CATALOG_DIR=/usr/share/mirrord/catalog >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$out_dir" >&2
ls "$out_dir"/mirrord_*.deb
