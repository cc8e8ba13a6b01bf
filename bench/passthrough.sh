#!/usr/bin/env bash
# Pass-through pipeline (read -> parse -> write, no stages) on >= 200 MB of real
# text, side by side with `zstd -dc FILE | wc -l`: MB/s, 1 -> 2 thread scaling,
# peak RSS. Usage: bench/passthrough.sh [MB]   (needs build/sluice)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MB="${1:-200}"
DATA="$ROOT/bench/data"
mkdir -p "$DATA"
CORPUS="$DATA/corpus-${MB}mb.jsonl"
[[ -f "$CORPUS.zst" ]] || { python3 "$ROOT/bench/make_corpus.py" "$CORPUS" --mb "$MB"; zstd -q -3 -f "$CORPUS" -o "$CORPUS.zst"; rm -f "$CORPUS"; }
RECIPE="$DATA/passthrough.yaml"
printf 'stages: []\n' > "$RECIPE"
BYTES=$(zstd -dc "$CORPUS.zst" | wc -c)
echo "corpus: $CORPUS.zst ($(stat -c %s "$CORPUS.zst") bytes compressed, $BYTES bytes uncompressed)"

measure() {  # name, command...
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$DATA/time.txt" "$@" >/dev/null 2>"$DATA/err.txt" || { cat "$DATA/err.txt"; return 1; }
  read -r secs rss < "$DATA/time.txt"
  python3 - "$name" "$secs" "$rss" "$BYTES" <<'PY'
import sys
name, secs, rss, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"| {name} | {secs:.2f} s | {size / 1e6 / secs:.1f} MB/s | {rss / 1024:.0f} MiB |")
PY
}

echo "| command | wall | throughput (uncompressed MB/s) | peak RSS |"
echo "|---|---|---|---|"
measure "zstd -dc | wc -l" bash -c "zstd -dc '$CORPUS.zst' | wc -l"
for t in 1 2; do
  rm -rf "$DATA/out-$t"
  measure "sluice run (pass-through, --threads $t, jsonl.zst out)" \
    "$ROOT/build/sluice" run "$RECIPE" "$CORPUS.zst" -o "$DATA/out-$t" --threads "$t" -q --no-report
done
cmp <(zstd -dc "$DATA"/out-1/kept/*.zst) <(zstd -dc "$DATA"/out-2/kept/*.zst) && echo "1-thread and 2-thread outputs identical"
