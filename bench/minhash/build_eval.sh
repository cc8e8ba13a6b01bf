#!/usr/bin/env bash
# Builds bench/minhash/minhash_eval by hand against the project's static
# libraries (no CMake change needed). Run from the repository root after
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build sluice
set -euo pipefail
BUILD=${BUILD:-build}
OUT=${OUT:-$BUILD/minhash_eval}
g++ -std=c++20 -O2 -g -Wall -Wextra -I. bench/minhash/minhash_eval.cc -o "$OUT" \
  -Wl,--whole-archive "$BUILD/libsluice_stages.a" -Wl,--no-whole-archive \
  -lsimdjson -lyaml-cpp -ltbb -lxxhash -lre2 $(pkg-config --libs icu-uc icu-i18n) \
  -lzstd -lz -lcld2 -lfasttext -lgumbo -lpthread
echo "built $OUT"
g++ -std=c++20 -O2 -g -Wall -Wextra -I. bench/minhash/segment_bench.cc -o "$BUILD/segment_bench" \
  "$BUILD/libsluice_stages.a" -lsimdjson -lxxhash $(pkg-config --libs icu-uc icu-i18n) -lpthread
echo "built $BUILD/segment_bench"
g++ -std=c++20 -O2 -Wall -Wextra -I. bench/minhash/family_check.cc -o "$BUILD/family_check" \
  "$BUILD/libsluice_stages.a" -lsimdjson -lxxhash $(pkg-config --libs icu-uc icu-i18n) -lpthread
echo "built $BUILD/family_check"
