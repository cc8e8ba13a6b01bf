#!/usr/bin/env bash
# Throughput of the safety stages on real text: the Debian Reference in English
# and Simplified Chinese (Debian packages debian-reference-en / -zh-cn), split
# into paragraphs (~210 bytes each), repeated 25x to ~21 MB per language.
#
# Each stage runs alone in a one-thread `sluice run`; its cost is the process CPU
# time (user+sys, from getrusage) minus that of the same run with an empty recipe
# (reading, parsing, writing), best of REPS runs. CPU time, unlike the engine's
# wall-clock stage timing (also printed, "engine MB/s"), does not grow when
# other jobs share the machine.
# Usage: bench/safety/run.sh [BUILD_DIR] [REPS]      (defaults: build, 3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
REPS="${2:-3}"
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
python3 - "$BUILD/sluice" "$DATA" "$REPS" <<'PY'
import json, os, resource, subprocess, sys
sluice, data, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
configs = {
    "baseline (no stage)": "stages: []\n",
    "bias_audit": "stages:\n  - {type: bias_audit}\n",
    "lexicon_filter": "stages:\n  - {type: lexicon_filter}\n",
    "pii [email, ip]": "stages:\n  - {type: pii, types: [email, ip]}\n",
    "pii (all types)": "stages:\n  - {type: pii}\n",
    "default safety chain": "stages:\n  - {type: bias_audit}\n  - {type: lexicon_filter}\n  - {type: pii, types: [email, ip]}\n",
}
for lang in ["en", "zh-cn"]:
    inp = os.path.join(data, lang + ".txt")
    mb = os.path.getsize(inp) / 1e6
    print(f"## {lang}: {mb:.1f} MB, one thread, best of {reps}")
    print(f"{'config':24s} {'cpu s':>7s} {'stage cpu s':>11s} {'MB/s/core':>9s} {'engine MB/s':>11s}")
    base = None
    for name, recipe in configs.items():
        rpath = os.path.join(data, "recipe.yaml")
        with open(rpath, "w") as f:
            f.write(recipe)
        best, engine = None, ""
        for _ in range(reps):
            out = os.path.join(data, "out")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sluice, "run", rpath, inp, "--text-mode", "paragraph", "-o", out, "--threads", "1",
                            "--format", "jsonl", "--no-report", "-q", "--overwrite"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            best = cpu if best is None else min(best, cpu)
            t = json.load(open(os.path.join(out, "stats.json")))["timing"]["stages"]
            if t:
                engine = " + ".join(f"{v['mb_per_cpu_second']:.0f}" for v in t.values())
        if base is None:
            base = best
            print(f"{name:24s} {best:7.2f}")
            continue
        stage = max(best - base, 1e-9)
        print(f"{name:24s} {best:7.2f} {stage:11.2f} {mb / stage:9.1f} {engine:>11s}")
PY
