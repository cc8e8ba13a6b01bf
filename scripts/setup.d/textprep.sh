#!/usr/bin/env bash
# Set-up for the text-preparation stages (normalize, language_id, exact/line dedup):
# gettext (msgunfmt, to read the .mo translations used to measure language ID) and
# the Debian Reference in more languages (real multilingual text for tests and the
# language-ID benchmark). Idempotent; runs as root on Debian 12.
set -euo pipefail

PKGS=(gettext debian-reference-de debian-reference-fr debian-reference-ja debian-reference-es
      debian-reference-it debian-reference-pt debian-reference-zh-tw manpages-zh)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} )); then
  echo "setup.d/textprep: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup.d/textprep: all packages present"
fi
