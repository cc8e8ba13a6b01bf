#!/usr/bin/env bash
# Set-up for the rule filters' calibration and benchmark (bench/rules/):
# real English and Chinese prose from Debian packages, and man/groff to render
# the Chinese man pages. The filters themselves need only RE2, ICU and yaml-cpp
# (installed by scripts/setup.sh). Idempotent.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/../apt_ensure.sh" setup.d/rules debian-reference-en debian-reference-zh-cn manpages-zh man-db groff-base python3
