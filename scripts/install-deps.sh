#!/usr/bin/env bash
# Installs the Debian 12 packages mirrord needs to build, run and test, when they are missing.
# Usage: scripts/install-deps.sh [build|test|bench|package]   (test also installs what the test
# suite uses; bench also installs the reference servers and load generators bench/ measures
# against; package what scripts/package.sh needs to build the .deb)
set -euo pipefail

build_packages=(
  g++ cmake make pkg-config
  libboost1.81-dev        # Asio/Beast: HTTP server with C++20 coroutines (1.81: our async style)
  libcurl4-openssl-dev    # the upstream fetcher
  libssl-dev              # sha256/sha1 (EVP), TLS
  zlib1g-dev              # inflating deflated members of PyTorch archives (pickle scanning)
  libsqlite3-dev          # the catalog
  libtomlplusplus-dev     # config and policy files
  nlohmann-json3-dev      # JSON for the HF API and the admin API
  libsystemd-dev          # sd_notify
  libgit2-dev             # git mirroring (fetch into bare repositories)
  libarchive-dev          # reading wheels (zip) for PEP 658 metadata; .tar export bundles
  gpgv gpg gpg-agent gpgconf   # apt: gpgv checks InRelease; gpg (+ agent) re-signs
)
test_packages=(
  libgtest-dev libgmock-dev googletest   # unit tests
  python3 python3-pytest                 # integration tests and fake upstreams
  nodejs npm                             # @huggingface/hub client in integration tests
  curl git git-lfs                       # real git clients against the mirror
  zsh                                    # mirrorctl's zsh completion, tested in a real zsh
  python3-pip python3-pip-whl python3-setuptools-whl python3-wheel   # real pip, real wheels
  apt-utils dpkg-dev xz-utils            # apt-ftparchive, dpkg-deb: signed test repositories
  clang-14 libclang-rt-14-dev llvm-14    # ASan/UBSan build, libFuzzer, llvm-symbolizer for reports
  openssl                                # test CA and certificates (TLS tests), a foreign key (federation)
  chromium fonts-dejavu-core             # headless browser for the web catalog page test
  tesseract-ocr tesseract-ocr-eng        # OCR of that page's screenshot
  systemd man-db groff-base              # systemd-analyze verify; man -l and groff check man pages
)
package_packages=(
  dpkg-dev                # dpkg-shlibdeps: the package's library dependencies (CPack DEB)
)
bench_packages=(
  nginx                   # the reference static server (sendfile) and the loopback upstream
  wrk apache2-utils       # HTTP load generators (wrk; ab for cross-checks)
  curl python3            # single-stream downloads; data generators
  gcc                     # builds bench/tools/hload.c (HEAD load: wrk cannot send HEAD)
)

wanted=("${build_packages[@]}")
if [[ "${1:-build}" == "test" ]]; then
  wanted+=("${test_packages[@]}" "${package_packages[@]}")
elif [[ "${1:-build}" == "package" ]]; then
  wanted+=("${package_packages[@]}")
elif [[ "${1:-build}" == "bench" ]]; then
  wanted+=("${bench_packages[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs from another repository may already provide npm.
    if [[ "$pkg" == npm ]] && command -v npm >/dev/null; then continue; fi
    if [[ "$pkg" == nodejs ]] && command -v node >/dev/null; then continue; fi
    missing+=("$pkg")
  fi
done

if (( ${#missing[@]} )); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi
