#!/usr/bin/env python3
"""The same near-dedup with the Python `datasketch` library (MinHash + MinHashLSH), for comparison.

Run from a datasketch source checkout (never committed here):
  PYTHONPATH=/tmp/datasketch python3 bench/minhash/datasketch_bench.py CORPUS.jsonl REMOVED_IDS_OUT [--num-perm 128]

Per document, in input order (the same greedy rule as sluice): lowercase, split on \\w+ (what
datasketch users typically do; Python's Unicode \\w keeps a run of Chinese characters as one
token), word 5-gram shingles (one shingle of all words when shorter), MinHash with 128
permutations (drawn once and shared unless --fresh-permutations), query the LSH (threshold 0.8, datasketch's own bands x rows), verify the
candidates with MinHash.jaccard >= 0.8 and drop the document if one passes, otherwise insert it.
Prints wall and CPU time (time.process_time, one thread) and throughput; writes removed ids.
"""
import argparse
import json
import re
import time

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")


def shingles(text, n):
    words = WORD.findall(text.lower())
    if not words:
        return []
    if len(words) < n:
        return [" ".join(words).encode("utf-8")]
    return [" ".join(words[i:i + n]).encode("utf-8") for i in range(len(words) - n + 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("removed_out")
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--fresh-permutations", action="store_true",
                    help="let every MinHash draw its own permutations (the naive use; slower)")
    args = ap.parse_args()
    docs = []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            docs.append((o["id"], o["text"]))
    text_bytes = sum(len(t.encode("utf-8")) for _, t in docs)
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    sigs = {}
    removed = []
    # By default the permutations are drawn once and shared (datasketch's recommended fast path).
    perms = None if args.fresh_permutations else MinHash(num_perm=args.num_perm).permutations
    w0, c0 = time.perf_counter(), time.process_time()
    for doc_id, text in docs:
        sh = shingles(text, args.ngram)
        if not sh:
            continue
        m = MinHash(num_perm=args.num_perm, permutations=perms)
        m.update_batch(sh)
        dup = False
        for cand in lsh.query(m):
            if m.jaccard(sigs[cand]) >= args.threshold:
                dup = True
                break
        if dup:
            removed.append(doc_id)
            continue
        lsh.insert(doc_id, m)
        sigs[doc_id] = m
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    with open(args.removed_out, "w", encoding="utf-8") as f:
        for r in removed:
            f.write(r + "\n")
    print(f"datasketch num_perm={args.num_perm} bands x rows={lsh.b}x{lsh.r}: {len(docs)} docs, "
          f"{text_bytes / 1e6:.2f} MB text, wall {wall:.2f} s, CPU {cpu:.2f} s: "
          f"{text_bytes / 1e6 / cpu:.2f} MB/s per CPU-second, {len(docs) / cpu:.0f} docs/s; removed {len(removed)}")


if __name__ == "__main__":
    main()
