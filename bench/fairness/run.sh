#!/usr/bin/env bash
# Language-fairness benchmark: builds the corpora (once) into build/fairness/,
# runs `sluice run` with the built-in default recipe and with the peers'
# English-only defaults (bench/rules/peers_defaults.yaml) on each corpus, and
# summarizes (build/fairness/summary.{txt,json}).
# Usage: bench/fairness/run.sh [BUILD_DIR]      (BUILD_DIR holds `sluice`; default <repo>/build)
# Env: FAIRNESS_DIR (default <repo>/build/fairness), THREADS (default 2),
#      REBUILD_CORPUS=1 to rebuild the corpora, SETS / RECIPES to run a subset.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD_DIR="$(cd "${1:-$REPO/build}" && pwd)"
SLUICE="$BUILD_DIR/sluice"
OUT="${FAIRNESS_DIR:-$REPO/build/fairness}"
THREADS="${THREADS:-2}"
SETS="${SETS:-udhr_clean udhr_junk udhr_mixed dev_clean dev_junk dev_mixed}"
RECIPES="${RECIPES:-default peers}"
mkdir -p "$OUT"

if [[ "${REBUILD_CORPUS:-0}" == 1 ]] || ! [[ -s "$OUT/udhr_clean.jsonl" && -s "$OUT/udhr_junk.jsonl" && -s "$OUT/dev_clean.jsonl" && -s "$OUT/dev_junk.jsonl" ]]; then
  echo "fairness: building corpora into $OUT"
  python3 "$HERE/make_corpus.py" "$OUT"
fi

# The mixed sets: each clean document and its junk variants in one input, as a crawl holds them.
for base in udhr dev; do
  if [[ ! -s "$OUT/${base}_mixed.jsonl" || "$OUT/${base}_clean.jsonl" -nt "$OUT/${base}_mixed.jsonl" ]]; then
    cat "$OUT/${base}_clean.jsonl" "$OUT/${base}_junk.jsonl" > "$OUT/${base}_mixed.jsonl"
  fi
done

# The binary is rebuilt from time to time by others: wait for it (up to 5 minutes).
for _ in $(seq 60); do [[ -x "$SLUICE" ]] && break; sleep 5; done
[[ -x "$SLUICE" ]] || { echo "fairness: no $SLUICE" >&2; exit 1; }
# The binary may hold uncommitted work: record HEAD and the binary's build time.
{ printf 'HEAD %s; binary built %s\n' "$(git -C "$REPO" log -1 --format='%h (%cI)' 2>/dev/null)" \
    "$(date -u -r "$SLUICE" +%Y-%m-%dT%H:%M:%SZ)"; } > "$OUT/binary_commit.txt"
"$SLUICE" --version > "$OUT/binary_version.txt" 2>&1 || true

for set in $SETS; do
  for recipe in $RECIPES; do
    dir="$OUT/out-$set-$recipe"
    args=()
    case "$recipe" in
      default) ;;                                           # built-in default recipe
      peers) args+=("$REPO/bench/rules/peers_defaults.yaml") ;;
      *) echo "unknown recipe $recipe" >&2; exit 1 ;;
    esac
    echo "fairness: $set / $recipe -> $dir"
    # --write-signals is off (the default); --overwrite so reruns replace old output
    "$SLUICE" run "${args[@]}" -i "$OUT/$set.jsonl" -o "$dir" --threads "$THREADS" --overwrite 2>&1 | grep -E '^total:' || true
    [[ -f "$dir/stats.json" ]] || { echo "fairness: run $set/$recipe failed" >&2; exit 2; }
  done
done

python3 "$HERE/summarize.py" "$OUT" | tee "$OUT/summary.txt"
