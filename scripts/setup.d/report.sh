#!/usr/bin/env bash
# Set-up for the run report (issue 8): Debian's chromium, used headless by the
# browser test in tests/pipelines/report_browser_test.cc (screenshot + DOM dump
# of a rendered report.html). Idempotent: does nothing when chromium is present.
set -euo pipefail

PKGS=(chromium fonts-dejavu-core)
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} )); then
  echo "setup.d/report: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup.d/report: chromium present"
fi
