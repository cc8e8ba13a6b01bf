#!/usr/bin/env python3
"""Builds the `sluice tokenize` benchmark corpus from Debian text packages:
JSONL documents of ~2 KB (paragraphs grouped in order) from the Debian
Reference in 8 languages (en de fr es it pt ja zh-cn), fortunes, and package
changelogs, cut at TARGET_MB. Sorted file lists: the same corpus on every
machine with the same packages.
usage: make_corpus.py OUT.jsonl [TARGET_MB]"""
import glob
import gzip
import json
import sys

out_path = sys.argv[1]
target = int(sys.argv[2] if len(sys.argv) > 2 else 30) << 20


def texts():
    for lang in ["en", "de", "fr", "es", "it", "pt", "ja", "zh-cn"]:
        p = "/usr/share/debian-reference/debian-reference.%s.txt.gz" % lang
        yield gzip.open(p).read().decode("utf-8", "replace")
    for p in sorted(glob.glob("/usr/share/games/fortunes/*")):
        if not p.endswith((".dat", ".u8")):
            yield open(p, "rb").read().decode("utf-8", "replace").replace("\n%\n", "\n\n")
    for p in sorted(glob.glob("/usr/share/doc/*/changelog*.gz")):
        try:
            yield gzip.open(p).read().decode("utf-8", "replace")
        except OSError:
            pass


size = 0
docs = 0
with open(out_path, "w", encoding="utf-8") as out:
    for text in texts():
        cur = []
        cur_len = 0
        for para in text.split("\n\n"):
            if not para.strip():
                continue
            cur.append(para)
            cur_len += len(para)
            if cur_len >= 2000:
                line = json.dumps({"text": "\n\n".join(cur)}, ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode())
                docs += 1
                cur, cur_len = [], 0
                if size >= target:
                    break
        if size >= target:
            break
print("%s: %d documents, %.1f MB" % (out_path, docs, size / 1e6))
