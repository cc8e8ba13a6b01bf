#!/usr/bin/env python3
"""Scores extractions against ground_truth.py: share of main-content paragraphs kept (the paragraph,
all whitespace removed, is a substring of the extraction with all whitespace removed), share of
boilerplate strings left (same test), pooled over all pages, per source, and over all pages but the
index pages (genindex-*, py-modindex, index.html, index.en.html, contents.html: pages that are link
indexes or whole-manual tables of contents). "kept"/"left" pool every string of the group; "page kept" /
"page left" are the means over pages (pages without such strings left out), so that one big page
(contents.html has 9,934 boilerplate strings) does not decide the pooled share.
Usage: score.py truth.jsonl NAME=extracted.jsonl ...   (extracted: {"id","text"} per page; a page
missing from an extraction counts as extracted empty)."""
import json
import re
import sys


def squash(s):
    return re.sub(r"\s+", "", s)


def load(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            out[r["id"]] = r
    return out


truth = load(sys.argv[1])
print(f"{'extractor':<12} {'source':<22} {'pages':>5} {'paragraphs':>10} {'kept':>7} {'boilerplate':>11} {'left':>7} {'page kept':>9} {'page left':>9}")
for arg in sys.argv[2:]:
    name, path = arg.split("=", 1)
    got = load(path)
    groups = {}
    for pid, t in truth.items():
        src = "debian-reference" if "debian-reference" in pid else "python3.11-doc"
        text = squash(got.get(pid, {}).get("text", ""))
        name_ = pid.rsplit("/", 1)[-1]
        index_page = name_.startswith(("genindex", "py-modindex")) or name_ in ("index.html", "index.en.html",
                                                                                  "contents.html")
        keys = [src, "all"] + ([] if index_page else ["all but index pages"])
        for key in keys:
            g = groups.setdefault(key, [0, 0, 0, 0, 0, [], []])
            kept = sum(1 for p in t["paragraphs"] if squash(p) in text)
            left = sum(1 for b in t["boilerplate"] if squash(b) in text)
            g[0] += 1
            g[1] += len(t["paragraphs"])
            g[2] += kept
            g[3] += len(t["boilerplate"])
            g[4] += left
            if t["paragraphs"]:
                g[5].append(kept / len(t["paragraphs"]))
            if t["boilerplate"]:
                g[6].append(left / len(t["boilerplate"]))
    for key in sorted(groups, key=lambda k: (k.startswith("all"), k)):
        n, p, k, b, l, pk, pl = groups[key]
        print(f"{name:<12} {key:<22} {n:>5} {p:>10} {k / max(p, 1):>7.3f} {b:>11} {l / max(b, 1):>7.3f}"
              f" {sum(pk) / max(len(pk), 1):>9.3f} {sum(pl) / max(len(pl), 1):>9.3f}")
