#!/usr/bin/env bash
# Everything needed to pass the tests on a fresh Debian 12 machine (as root):
# set-up, build, and the whole CTest suite (unit tests and the tests labelled
# `slow`). LABELS=unit runs only the fast ones.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
bash "$ROOT/scripts/setup.sh"
python3 "$ROOT/samples/build_sample.py" "$ROOT/samples/raw" >/dev/null
BUILD_DIR="$BUILD_DIR" bash "$ROOT/scripts/build.sh" -DSLUICE_BUILD_TESTS=ON "$@"
cd "$BUILD_DIR"
if [[ -n "${LABELS:-}" ]]; then
  ctest --output-on-failure -j "$(nproc)" -L "$LABELS"
else
  ctest --output-on-failure -j "$(nproc)"
fi
