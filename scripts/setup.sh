#!/usr/bin/env bash
# Installs everything sluice needs to build, test and run its demo on Debian 12.
# Idempotent: packages already present are skipped by apt; safe to run repeatedly.
set -euo pipefail

PKGS=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libre2-dev libicu-dev libxxhash-dev libtbb-dev catch2 libsimdjson-dev
  libzstd-dev zlib1g-dev libcli11-dev libyaml-cpp-dev libfasttext-dev libcld2-dev
  zstd gzip python3
)
# Sanitizer/fuzzer builds use clang; samples use Debian text packages.
if [[ "${SLUICE_SETUP_EXTRA:-1}" == "1" ]]; then
  PKGS+=(clang libclang-rt-14-dev fortunes fortunes-min manpages-zh debian-reference-en debian-reference-zh-cn)
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} )); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# Area-specific extras (npm packages, data) live in scripts/setup.d/*.sh, each
# idempotent, so that areas do not edit one shared file.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for extra in "$HERE"/setup.d/*.sh; do
  [[ -e "$extra" ]] || continue
  bash "$extra"
done
