#!/usr/bin/env bash
# Interleaved before/after throughput runs on the same machine state:
#   bash bench/minhash/speed_compare.sh BEFORE_minhash_eval AFTER_minhash_eval [CORPUS_DIR] [ROUNDS]
# Each round and corpus: before (1 thread), after (1 and 2 threads), datasketch,
# before/after with {threshold: 0.8, verify: exact}; prints the load average.
# datasketch must be exported to /tmp/datasketch (see RESULTS.md).
set -uo pipefail
B=$1; N=$2; D=${3:-/tmp/mhbench}; ROUNDS=${4:-2}
cd "$(dirname "$0")/../.."
for round in $(seq 1 "$ROUNDS"); do
  for c in en zh; do
    echo "== round $round corpus $c, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "-- before t1"; $B $D/$c.jsonl --threads 1 --repeat 5 2>&1 | grep -E "CPU time|threads=|removed"
    echo "-- after t1";  $N $D/$c.jsonl --threads 1 --repeat 5 2>&1 | grep -E "CPU time|threads=|removed"
    echo "-- after t2";  $N $D/$c.jsonl --threads 2 --repeat 5 2>&1 | grep -E "CPU time|threads=|removed"
    echo "-- datasketch"; PYTHONPATH=/tmp/datasketch /usr/bin/python3 bench/minhash/datasketch_bench.py $D/$c.jsonl /tmp/ds_$c.ids 2>&1 | tail -1
    echo "-- before exact t1"; $B $D/$c.jsonl --threads 1 --repeat 3 --options '{threshold: 0.8, verify: exact}' 2>&1 | grep -E "CPU time|removed"
    echo "-- after exact t1";  $N $D/$c.jsonl --threads 1 --repeat 3 --options '{threshold: 0.8, verify: exact}' 2>&1 | grep -E "CPU time|removed"
  done
done
echo "-- zh {shingle: char}, before / after"
$B $D/zh.jsonl --threads 1 --repeat 5 --options '{shingle: char}' 2>&1 | grep -E "CPU time"
$N $D/zh.jsonl --threads 1 --repeat 5 --options '{shingle: char}' 2>&1 | grep -E "CPU time"
echo "== end, load $(cut -d' ' -f1-3 /proc/loadavg)"
