#!/usr/bin/env bash
# Builds and runs the text-preparation benchmark against an existing build/
# (cmake ... && ninja -C build sluice first). Single thread; prints Markdown.
#   bash bench/textprep/run_bench.sh [BUILD_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="$BUILD/textprep_bench"
g++ -std=c++20 -O2 -g -Wall -Wextra -I"$ROOT" "$ROOT/bench/textprep/textprep_bench.cc" -o "$OUT" \
  -Wl,--whole-archive "$BUILD/libsluice_stages.a" -Wl,--no-whole-archive \
  -lcld2 -lfasttext -lyaml-cpp -lsimdjson -lzstd -lz -ltbb \
  $(pkg-config --libs re2 icu-uc icu-i18n libxxhash) -lpthread
"$OUT"
