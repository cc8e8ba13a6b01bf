#!/usr/bin/env bash
# Configures and builds sluice into BUILD_DIR (default build/). Extra arguments
# go to CMake, e.g. scripts/build.sh -DSLUICE_SANITIZE=address.
# TARGETS (env) limits what is built, e.g. TARGETS=sluice.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
JOBS="${JOBS:-$(nproc)}"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
# shellcheck disable=SC2086
ninja -C "$BUILD_DIR" -j "$JOBS" ${TARGETS:-}
