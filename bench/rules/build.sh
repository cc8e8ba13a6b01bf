#!/usr/bin/env bash
# Builds bench/rules/rules_bench against the project's static libraries.
# Usage: bench/rules/build.sh [BUILD_DIR]   (run from the repository root)
set -euo pipefail
BUILD=${1:-build}
[[ -f "$BUILD/build.ninja" ]] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$BUILD" -j2 sluice_filters sluice_stages >/dev/null
g++ -std=c++20 -O2 -g -Wall -Wextra -I. bench/rules/rules_bench.cc -o "$BUILD/rules_bench" \
  -Wl,--whole-archive "$BUILD/libsluice_filters.a" -Wl,--no-whole-archive "$BUILD/libsluice_stages.a" \
  $(pkg-config --libs re2 icu-uc icu-i18n libxxhash) -lyaml-cpp -lsimdjson -ltbb -lfasttext -lcld2 -lzstd -lz
echo "$BUILD/rules_bench"
