#!/usr/bin/env bash
# Set-up for the text-preparation stages (normalize, language_id, exact/line dedup):
# gettext (msgunfmt, to read the .mo translations used to measure language ID) and
# the Debian Reference in more languages (real multilingual text for tests and the
# language-ID benchmark), and the npm package `quran-json` (fully vocalized Arabic
# and ten translations, CC BY-SA 4.0) into ${SLUICE_NPM_DIR:-<repo>/build/npm} for
# bench/textprep/langid_eval.py (the UDHR comes from setup.d/fairness.sh).
# Idempotent; runs as root on Debian 12.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

PKGS=(gettext debian-reference-de debian-reference-fr debian-reference-ja debian-reference-es debian-reference-it
      debian-reference-pt debian-reference-zh-tw manpages-zh)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PKGS+=(nodejs npm); fi
bash "$REPO/scripts/apt_ensure.sh" setup.d/textprep "${PKGS[@]}"

NPM_DIR="${SLUICE_NPM_DIR:-$REPO/build/npm}"
if [[ ! -f "$NPM_DIR/node_modules/quran-json/dist/quran.json" ]]; then
  echo "setup.d/textprep: npm install quran-json@3.1.2 into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  npm install --no-audit --no-fund --prefix "$NPM_DIR" quran-json@3.1.2 >/dev/null
fi
echo "setup.d/textprep: ok"
