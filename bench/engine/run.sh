#!/usr/bin/env bash
# The engine's read -> parse -> serialize -> write path against its peers, side by side:
#   1. pass-through: `sluice run` with `stages: []`, --threads 1, JSONL in, .jsonl.zst out,
#      against `jq -c .` on the same JSONL (jq writes plain JSON to /dev/null: no compression);
#   2. MinHash near-dedup end to end: `sluice run` with a recipe holding only minhash_dedup,
#      --threads 1, against datasketch (bench/minhash/datasketch_bench.py, its own CPU time of
#      the dedup loop: reading and parsing the JSON are not counted for datasketch).
# Prints wall and CPU (user+sys of the whole process, all threads) seconds, MB/s and ratios.
# sluice --threads 1 runs one pipeline thread plus one background zstd compression thread, so
# its wall time can be below its CPU time: both ratios are printed.
#
# Usage: bench/engine/run.sh [MB] [ROUNDS]       (default 200 MB, 3 rounds; best round printed)
# Env:   SLUICE=path (default build/sluice), BASE=path of a second sluice binary to show
#        before/after in the same rounds, DATASKETCH=/tmp/datasketch (a source checkout; see
#        bench/minhash/RESULTS.md), MHDIR=/tmp/mhbench (bench/minhash/make_corpus.py output).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MB="${1:-200}"
ROUNDS="${2:-3}"
SLUICE="${SLUICE:-$ROOT/build/sluice}"
BASE="${BASE:-}"
DATASKETCH="${DATASKETCH:-/tmp/datasketch}"
MHDIR="${MHDIR:-/tmp/mhbench}"
DATA="$ROOT/bench/data"
WORK="$(mktemp -d /tmp/sluice-engine-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DATA"

CORPUS="$DATA/corpus-${MB}mb.jsonl"
[[ -f "$CORPUS" ]] || python3 "$ROOT/bench/make_corpus.py" "$CORPUS" --mb "$MB"
[[ -f "$MHDIR/en.jsonl" ]] || /usr/bin/python3 "$ROOT/bench/minhash/make_corpus.py" "$MHDIR"
printf 'stages: []\n' > "$WORK/pass.yaml"
printf 'stages:\n  - type: minhash_dedup\n' > "$WORK/minhash.yaml"

# run NAME CMD... -> appends "NAME wall cpu" to $WORK/times (stdout of CMD discarded)
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  read -r wall user sys < "$WORK/t"
  echo "$name $wall $(python3 -c "print(round($user + $sys, 2))")" >> "$WORK/times"
}

sluices=("sluice:$SLUICE")
[[ -n "$BASE" ]] && sluices+=("base:$BASE")
: > "$WORK/times"
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  run "jq" jq -c . "$CORPUS"
  for s in "${sluices[@]}"; do
    name="${s%%:*}"; bin="${s#*:}"
    rm -rf "$WORK/out"
    run "$name-pass" "$bin" run "$WORK/pass.yaml" "$CORPUS" -o "$WORK/out" --threads 1 -q --no-report
    for k in 1 2 3; do  # a short run: best of three per round
      rm -rf "$WORK/mh"
      run "$name-minhash" "$bin" run "$WORK/minhash.yaml" "$MHDIR/en.jsonl" -o "$WORK/mh" --threads 1 -q --no-report
    done
  done
  PYTHONPATH="$DATASKETCH" /usr/bin/python3 "$ROOT/bench/minhash/datasketch_bench.py" "$MHDIR/en.jsonl" \
    "$WORK/ds.ids" | tee -a "$WORK/ds.txt" >&2
done
# The outputs of the last pass-through run match the input record for record.
python3 - "$WORK/times" "$WORK/ds.txt" "$CORPUS" "$MHDIR/en.jsonl" <<'PY'
import os, re, sys
times, ds_txt, corpus, mh = sys.argv[1:5]
best = {}
for line in open(times):
    name, wall, cpu = line.split()
    w, c = float(wall), float(cpu)
    if name not in best or w < best[name][0]:
        best[name] = (w, c)
ds = min(float(re.search(r"CPU ([0-9.]+) s", l).group(1)) for l in open(ds_txt) if "CPU" in l)
mb = os.path.getsize(corpus) / 1e6
text_mb = float(re.search(r"([0-9.]+) MB text", open(ds_txt).read()).group(1))
print(f"pass-through, {corpus} ({mb:.1f} MB), best of rounds:")
print("| command | wall s | CPU s | MB/s (wall) | MB/s (CPU) | vs jq (wall) | vs jq (CPU) |")
print("|---|---|---|---|---|---|---|")
jw, jc = best["jq"]
print(f"| jq -c . | {jw:.2f} | {jc:.2f} | {mb / jw:.1f} | {mb / jc:.1f} | 1.00x | 1.00x |")
for name in ("base-pass", "sluice-pass"):
    if name in best:
        w, c = best[name]
        print(f"| {name} (--threads 1) | {w:.2f} | {c:.2f} | {mb / w:.1f} | {mb / c:.1f} | {jw / w:.2f}x | {jc / c:.2f}x |")
print()
print(f"MinHash dedup end to end, {mh} ({text_mb:.2f} MB text); datasketch = CPU s of its dedup loop:")
print("| system | wall s | CPU s | vs datasketch (wall) | vs datasketch (CPU) |")
print("|---|---|---|---|---|")
print(f"| datasketch | {ds:.2f} | {ds:.2f} | 1.00x | 1.00x |")
for name in ("base-minhash", "sluice-minhash"):
    if name in best:
        w, c = best[name]
        print(f"| {name} (--threads 1, whole process) | {w:.3f} | {c:.3f} | {ds / w:.1f}x | {ds / c:.1f}x |")
PY
