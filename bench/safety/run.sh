#!/usr/bin/env bash
# Throughput of the safety stages (bias_audit, lexicon_filter, pii) on real
# text: the Debian Reference in English and Simplified Chinese (Debian packages
# debian-reference-en / -zh-cn), split into paragraphs, repeated to ~20 MB.
# Reads the per-stage CPU time the engine records in stats.json (timing.stages),
# so reading/writing costs are excluded. One worker thread.
# Usage: bench/safety/run.sh [BUILD_DIR]      (default: build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
SLUICE="$BUILD/sluice"
DATA="$ROOT/bench/data/safety"
mkdir -p "$DATA"
for lang in en zh-cn; do
  src="/usr/share/debian-reference/debian-reference.$lang.txt.gz"
  [[ -f "$src" ]] || { echo "missing $src (apt-get install debian-reference-${lang})" >&2; exit 2; }
  out="$DATA/$lang.txt"
  if [[ ! -s "$out" ]]; then
    for _ in $(seq 1 25); do zcat "$src"; echo; done > "$out"
  fi
done
for lang in en zh-cn; do
  rm -rf "$DATA/out-$lang"
  "$SLUICE" run "$ROOT/bench/safety/recipe.yaml" "$DATA/$lang.txt" --text-mode paragraph \
    -o "$DATA/out-$lang" --threads 1 --format jsonl --no-report -q
  python3 - "$DATA/out-$lang/stats.json" "$lang" "$(stat -c %s "$DATA/$lang.txt")" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
print(f"## {sys.argv[2]}: {int(sys.argv[3]) / 1e6:.1f} MB input, docs in/kept: "
      f"{stats.get('docs_in', stats.get('funnel', {}).get('in', '?'))}")
for name, t in stats["timing"]["stages"].items():
    print(f"{name:16s} {t['cpu_seconds']:8.3f} s  {t['mb_per_cpu_second']:8.1f} MB/s")
PY
done
