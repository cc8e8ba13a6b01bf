#!/usr/bin/env python3
"""Collects the benchmark pages from the unpacked Debian packages into one JSONL file
({"id": path, "text": html, "content_type": "text/html"} per page), in sorted path order:
every debian-reference-en page, and every STEP-th Sphinx page of python3.11-doc starting at OFFSET
(the rules were tuned on OFFSET 0; OFFSET 2 is a held-out set of other Python pages).
Usage: make_pages.py ROOT STEP [OFFSET] > pages.jsonl"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
step = int(sys.argv[2])
offset = int(sys.argv[3]) if len(sys.argv) > 3 else 0
pages = sorted((root / "usr/share/debian-reference").glob("*.en.html"))
py = sorted((root / "usr/share/doc/python3.11/html").rglob("*.html"))
pages += py[offset::step]
for p in pages:
    rel = str(p.relative_to(root))
    print(json.dumps({"id": rel, "text": p.read_text(encoding="utf-8"), "content_type": "text/html"},
                     ensure_ascii=False))
