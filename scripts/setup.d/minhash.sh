#!/usr/bin/env bash
# MinHash benchmark needs (bench/minhash/): numpy and scipy for running the
# Python datasketch library from its source, side by side with sluice. The
# evaluation corpora come from Debian text packages installed by setup.sh
# (debian-reference-en/-zh-cn, manpages-zh, fortunes) and base-files' licenses.
# Idempotent: installs only what is missing.
set -euo pipefail
PKGS=(python3-numpy python3-scipy)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} )); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  echo "setup.d/minhash: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
