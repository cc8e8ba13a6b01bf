#!/usr/bin/env bash
# MinHash benchmark needs (bench/minhash/): numpy and scipy for running the
# Python datasketch library from its source, side by side with sluice. The
# evaluation corpora come from Debian text packages installed by setup.sh
# (debian-reference-en/-zh-cn, manpages-zh, fortunes) and base-files' licenses.
# Idempotent: installs only what is missing.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/../apt_ensure.sh" setup.d/minhash python3-numpy python3-scipy
