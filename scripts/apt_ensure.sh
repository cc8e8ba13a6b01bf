#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet; idempotent.
# Usage: apt_ensure.sh LABEL PACKAGE...   (as root, or with sudo available)
set -euo pipefail
label="$1"
shift
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
missing=()
for p in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} )); then
  echo "$label: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "$label: all Debian packages present"
fi
