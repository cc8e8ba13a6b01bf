#!/usr/bin/env bash
# Wall time of the default recipe on the bundled sample (samples/build_sample.py),
# split into 8 input files (shards take whole files: input i goes to shard
# i % N): one process vs `--executor local --shards 2` and `--shards 4`, all
# with --threads 2 on this 2-core machine, and a check that the sharded outputs
# equal the single run's byte for byte.
# Usage: bench/slurm/run_bench.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$(cd "${1:-$ROOT/build}" && pwd)/sluice"
WORK="${2:-/tmp/sluice-bench-slurm}"
rm -rf "$WORK" && mkdir -p "$WORK"
python3 "$ROOT/samples/build_sample.py" "$WORK/sample" >/dev/null
cd "$WORK"
python3 - <<'PY'
import os
lines = open("sample/web-sample.jsonl", "rb").read().splitlines(True)
os.makedirs("in", exist_ok=True)
per = (len(lines) + 7) // 8
for p in range(8):
    open("in/part-%02d.jsonl" % p, "wb").write(b"".join(lines[p * per:(p + 1) * per]))
PY
ls -l sample/web-sample.jsonl in/
run() {
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$BIN" run -i in -o "$name" -q --threads 2 "$@" >/dev/null
  t1=$(date +%s.%N)
  printf '%-10s %6.2f s   %s\n' "$name" "$(echo "$t1 - $t0" | bc)" "sluice run -i in -o $name -q --threads 2 $*"
}
for rep in 1 2 3; do
  rm -rf single shards2 shards4
  run single
  run shards2 --executor local --shards 2
  run shards4 --executor local --shards 4
done
for d in shards2 shards4; do
  for sub in kept rejected malformed; do
    if [[ "$(cat single/$sub/* 2>/dev/null | md5sum)" != "$(cat $d/$sub/* 2>/dev/null | md5sum)" ]]; then
      echo "MISMATCH: $d/$sub"; exit 1
    fi
  done
done
echo "kept/rejected/malformed of shards2 and shards4 == single (byte for byte)"
