#!/usr/bin/env python3
"""Writes a large synthetic stats.json (schema sluice.stats/1) to stdout, to
measure `sluice report` on a run far bigger than the tests': many inputs,
stages, reasons, tags, signals, languages and samples.

usage: make_big_stats.py [INPUTS] [STAGES] [REASONS_PER_STAGE] > big.json
"""
import json
import sys

inputs = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
stages = int(sys.argv[2]) if len(sys.argv) > 2 else 30
reasons = int(sys.argv[3]) if len(sys.argv) > 3 else 40


def log_hist(total, lo_exp=8, hi_exp=60):
    buckets = []
    left = total
    for i in range(lo_exp, hi_exp):
        c = left // 3 if i < hi_exp - 1 else left
        left -= c
        if c:
            buckets.append([2 ** (i / 4), 2 ** ((i + 1) / 4), c])
    return {"kind": "log", "total": total, "buckets": buckets}


docs = inputs * 1000
ins = []
for i in range(inputs):
    ins.append({"path": f"corpus/shard-{i:05d}.jsonl.zst", "in": 1000, "kept": 600, "dropped": 390,
                "malformed": 10, "bytes_in": 4_000_000, "bytes_kept": 2_500_000})
st = []
n = docs - inputs * 10
for s in range(stages):
    dropped = n // 40
    st.append({
        "name": f"stage_{s}", "type": "gopher_quality", "docs_in": n, "docs_out": n - dropped,
        "docs_dropped": dropped, "bytes_in": n * 4000, "bytes_out": (n - dropped) * 4000,
        "dropped": {f"stage_{s}.rule_{r}": dropped // reasons for r in range(reasons)},
        "failed_rules": {f"stage_{s}.rule_{r}": dropped // reasons * 2 for r in range(reasons)},
        "counters": {f"stage_{s}.lang.{c}": n // 50 for c in ["en", "zh", "de", "fr", "ja", "ru", "es"] * 1}
        if s == 0 else {f"stage_{s}.seen": n},
        "tags": {f"identity.t{t}": {"in": n // 100, "dropped": dropped // (90 + t)} for t in range(12)},
        "signals": {f"stage_{s}.score_{k}": log_hist(n) for k in range(4)},
        "histograms": {f"stage_{s}.cluster_size": log_hist(n // 10, 4, 40)} if s % 10 == 0 else {},
        "report": {"audit": [{"tag": f"identity.t{t}", "ratio": 1.1 + t / 10, "flagged": t > 1} for t in range(12)]},
    })
    n -= dropped
stats = {
    "schema": "sluice.stats/1", "sluice_version": "0.1.0",
    "totals": {"in": docs, "kept": inputs * 600, "dropped": inputs * 390, "malformed": inputs * 10,
               "bytes_in": inputs * 4_000_000, "bytes_kept": inputs * 2_500_000},
    "inputs": ins,
    "engine": {"counters": {"malformed:invalid_json": inputs * 10},
               "histograms": {"input_chars": log_hist(docs), "kept_chars": log_hist(inputs * 600)}},
    "stages": st,
    "kept_signals": {f"stage_{s}.score_{k}": log_hist(n) for s in range(stages) for k in range(4)},
    "samples": [{"stage": f"stage_{s}", "reason": f"stage_{s}.rule_{r}", "id": f"d{s}-{r}-{k}",
                 "text": "<p>sample text</p> " * 30} for s in range(stages) for r in range(reasons) for k in range(3)],
    "timing": {"threads": 2, "wall_seconds": 1234.5,
               "stages": {f"stage_{s}": {"cpu_seconds": 10.0 + s, "mb_per_cpu_second": 50.0 - s} for s in range(stages)}},
}
json.dump(stats, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
