#!/usr/bin/env bash
# Tokenizer area set-up (idempotent): SentencePiece for the benchmark, Node.js and
# the npm `tokenizers` package (Hugging Face's prebuilt binding) for the
# conformance test and the benchmark. npm packages go to <repo>/build/npm so that
# the source tree stays clean.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

PKGS=(sentencepiece time fortunes fortunes-min manpages-zh debian-reference-en debian-reference-zh-cn)
# Node.js may come from elsewhere (e.g. NodeSource, which bundles npm and conflicts
# with Debian's npm package): install Debian's only when node/npm are absent.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PKGS+=(nodejs npm); fi
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} )); then
  echo "setup.d/tokenizer: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

NPM_DIR="${SLUICE_NPM_DIR:-$REPO/build/npm}"
if [[ ! -d "$NPM_DIR/node_modules/tokenizers" ]]; then
  echo "setup.d/tokenizer: npm install tokenizers into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  npm install --no-audit --no-fund --prefix "$NPM_DIR" tokenizers@0.23 >/dev/null
fi
echo "setup.d/tokenizer: ok (node $(node --version), tokenizers in $NPM_DIR)"
