#!/usr/bin/env bash
# CPU cost of the sharded plan against one process on ONE big input file
# (issue 14's measurement): the default recipe, `sluice run` vs
# `sluice run --executor local --shards N`, CPU = user + sys of the whole
# process tree (/usr/bin/time), the records each shard read, and a check that
# both runs wrote the same records and stats.json (but for timing).
# FORMAT zst runs on the same corpus as ONE multi-frame .jsonl.zst (4 MB of
# JSONL per zstd frame, cut wherever 4 MB falls, mid-line: what a parallel
# compressor writes), which the sharded run cuts at frame boundaries.
# Usage: bench/sharding/run.sh [MB] [SHARDS] [jsonl|zst]   (needs build/sluice)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MB="${1:-108}"
SHARDS="${2:-4}"
FORMAT="${3:-jsonl}"
DATA="${SLUICE_BENCH_DATA:-$ROOT/bench/data}"
BIN="$ROOT/build/sluice"
mkdir -p "$DATA"
CORPUS="$DATA/one-file-${MB}mb.jsonl"
[[ -f "$CORPUS" ]] || python3 "$ROOT/bench/make_corpus.py" "$CORPUS" --mb "$MB" >/dev/null
RECORDS=$(wc -l < "$CORPUS")
if [[ "$FORMAT" == zst ]]; then
  ZST="$CORPUS.zst"
  [[ -f "$ZST" ]] || split -b 4000000 --filter='zstd -q -3 -c' "$CORPUS" > "$ZST"
  CORPUS="$ZST"
  echo "frames: $(zstd -lv "$CORPUS" 2>/dev/null | awk '/^# Zstandard Frames/ {print $NF}')"
fi
echo "corpus: $CORPUS ($(stat -c %s "$CORPUS") bytes, $RECORDS records); $(nproc) cores"

cpu() {  # name, command... -> prints the line, sets LAST_CPU
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$DATA/time.txt" "$@" >/dev/null 2>"$DATA/err.txt" || { cat "$DATA/err.txt"; return 1; }
  read -r wall user sys rss < "$DATA/time.txt"
  LAST_CPU=$(python3 -c "print($user + $sys)")
  printf '| %s | %.1f s | %.1f s | %.0f MiB |\n' "$name" "$wall" "$LAST_CPU" "$(python3 -c "print($rss / 1024)")"
}

rm -rf "$DATA/one-single" "$DATA/one-sharded"
echo "| run | wall | CPU (user+sys) | peak RSS of one process |"
echo "|---|---|---|---|"
cpu "one process (--threads 2)" "$BIN" run "$CORPUS" -o "$DATA/one-single" -q --no-report --threads 2
single=$LAST_CPU
cpu "--executor local --shards $SHARDS (--threads 2)" "$BIN" run "$CORPUS" -o "$DATA/one-sharded" -q --no-report \
  --executor local --shards "$SHARDS" --threads 2
sharded=$LAST_CPU
python3 - "$DATA" "$SHARDS" "$single" "$sharded" <<'PY'
import json, subprocess, sys
data, shards, single, sharded = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"\nsharded / single CPU: {sharded / single:.2f}x")
ins = [json.load(open(f"{data}/one-sharded/stats/shard-{i}-of-{shards}.json"))["totals"]["in"] for i in range(shards)]
total = sum(ins)
print("records per shard:", ", ".join(f"{n} ({100 * n / total:.1f}%)" for n in ins))
def strip(p):
    d = json.load(open(p)); d.pop("timing", None); return d
same_stats = strip(f"{data}/one-single/stats.json") == strip(f"{data}/one-sharded/stats.json")
def records(d, sub):
    return subprocess.run(f"cat $(ls {d}/{sub}/* 2>/dev/null | sort) 2>/dev/null | zstd -dcq 2>/dev/null | md5sum",
                          shell=True, capture_output=True, text=True).stdout.split()[0]
same = all(records(f"{data}/one-single", s) == records(f"{data}/one-sharded", s) for s in ("kept", "rejected"))
print(f"same kept/rejected records: {same}; same stats.json but timing: {same_stats}")
PY
