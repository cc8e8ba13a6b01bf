#!/usr/bin/env bash
# Set-up for the rule filters' calibration and benchmark (bench/rules/):
# real English and Chinese prose from Debian packages, and man/groff to render
# the Chinese man pages. The filters themselves need only RE2, ICU and yaml-cpp
# (installed by scripts/setup.sh). Idempotent.
set -euo pipefail
PKGS=(debian-reference-en debian-reference-zh-cn manpages-zh man-db groff-base python3)
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} )); then
  echo "setup.d/rules: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup.d/rules: all Debian packages present"
fi
