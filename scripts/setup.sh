#!/usr/bin/env bash
# Installs everything sluice needs to build, test and run its demo on Debian 12.
# Idempotent: packages already present are skipped by apt; safe to run repeatedly.
set -euo pipefail

PKGS=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libre2-dev libicu-dev libxxhash-dev libtbb-dev catch2 libsimdjson-dev
  libzstd-dev zlib1g-dev libcli11-dev libyaml-cpp-dev libfasttext-dev libcld2-dev libgumbo-dev
  zstd gzip python3 python3-dev pybind11-dev python3-pytest python3-jsonschema python3-yaml
)
# Sanitizer/fuzzer builds use clang; samples use Debian text packages.
if [[ "${SLUICE_SETUP_EXTRA:-1}" == "1" ]]; then
  PKGS+=(clang libclang-rt-14-dev fortunes fortunes-min manpages-zh debian-reference-en debian-reference-zh-cn)
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/apt_ensure.sh" setup "${PKGS[@]}"

# Area-specific extras (npm packages, data) live in scripts/setup.d/*.sh, each
# idempotent, so that areas do not edit one shared file.
for extra in "$HERE"/setup.d/*.sh; do
  [[ -e "$extra" ]] || continue
  bash "$extra"
done
