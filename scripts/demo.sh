#!/usr/bin/env bash
# The main job on the bundled sample, from a fresh Debian 12 machine (as root):
# installs what is needed, builds sluice, assembles the sample corpus from real
# Debian text, cleans it with the example recipe (kept/, rejected/, malformed/,
# stats.json, report.html) and trains a byte-level BPE tokenizer on the result.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/out/demo}"
bash "$ROOT/scripts/setup.sh"
TARGETS=sluice bash "$ROOT/scripts/build.sh" -DSLUICE_BUILD_TESTS=OFF
python3 "$ROOT/samples/build_sample.py" "$ROOT/samples/raw"
"$ROOT/build/sluice" run "$ROOT/samples/recipes/web.yaml" "$ROOT/samples/raw/web-sample.jsonl" -o "$OUT" --overwrite
echo
echo "demo: cleaned corpus in $OUT/kept/, rejects in $OUT/rejected/, report at $OUT/report.html"
if [[ -f "$OUT/tokenizer/tokenizer.json" ]]; then
  echo "demo: tokenizer in $OUT/tokenizer/ (tokenizer.json, vocab.json, merges.txt)"
fi
