#!/usr/bin/env bash
# Times sluice binaries against each other on a page set that run.sh prepared, in alternating rounds
# (so machine load hits each alike), and checks that they write the same kept and rejected records.
# Prints per binary the minimum and median of CPU time (user + sys) and of wall time, and uptime.
# Usage: bench/html/ab.sh WORKDIR ROUNDS label=path/to/sluice ...
#   e.g. bench/html/ab.sh build/bench-html 7 before=/tmp/sluice_before after=build/sluice
set -euo pipefail
WORK="$(cd "$1" && pwd)"; ROUNDS="$2"; shift 2
printf 'stages:\n  - {type: html_extract}\n' > "$WORK/html_extract.yaml"
uptime
declare -A times
for round in $(seq "$ROUNDS"); do
  for lb in "$@"; do
    label="${lb%%=*}"; bin="${lb#*=}"
    rm -rf "$WORK/ab_$label"
    /usr/bin/time -o "$WORK/ab_time" -f "%U %S %e" "$bin" run "$WORK/html_extract.yaml" "$WORK/pages.jsonl" \
      -o "$WORK/ab_$label" --format jsonl --threads 1 -q > /dev/null
    times[$label]+="$(tail -1 "$WORK/ab_time");"
  done
done
first="${1%%=*}"
for lb in "$@"; do
  label="${lb%%=*}"
  python3 - "$label" "${times[$label]}" <<'PY'
import sys
label, runs = sys.argv[1], [tuple(map(float, r.split())) for r in sys.argv[2].strip(";").split(";")]
cpu = sorted(u + s for u, s, _ in runs); wall = sorted(e for _, _, e in runs)
print(f"{label}: CPU (user+sys) min {cpu[0]:.2f} s, median {cpu[len(cpu)//2]:.2f} s; "
      f"wall min {wall[0]:.2f} s, median {wall[len(wall)//2]:.2f} s; {len(runs)} runs")
PY
  if [[ "$label" != "$first" ]]; then
    for part in kept rejected; do
      if cmp -s <(cat "$WORK/ab_$first/$part"/* 2>/dev/null) <(cat "$WORK/ab_$label/$part"/* 2>/dev/null); then
        echo "$label: $part records identical to $first"
      else
        echo "$label: $part records DIFFER from $first"
      fi
    done
  fi
done
uptime
