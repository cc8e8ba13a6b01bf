#!/usr/bin/env bash
# Set-up for the text-preparation stages (normalize, language_id, exact/line dedup):
# gettext (msgunfmt, to read the .mo translations used to measure language ID) and
# the Debian Reference in more languages (real multilingual text for tests and the
# language-ID benchmark). Idempotent; runs as root on Debian 12.
set -euo pipefail

bash "$(dirname "${BASH_SOURCE[0]}")/../apt_ensure.sh" setup.d/textprep gettext debian-reference-de debian-reference-fr debian-reference-ja debian-reference-es debian-reference-it debian-reference-pt debian-reference-zh-tw manpages-zh
