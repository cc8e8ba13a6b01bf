#!/usr/bin/env python3
"""Collects the benchmark pages from the unpacked Debian packages into one JSONL file
({"id": path, "text": html, "content_type": "text/html"} per page), in sorted path order:
every debian-reference-en page, and every STEP-th Sphinx page of python3.11-doc.
Usage: make_pages.py ROOT STEP > pages.jsonl"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
step = int(sys.argv[2])
pages = sorted((root / "usr/share/debian-reference").glob("*.en.html"))
py = sorted((root / "usr/share/doc/python3.11/html").rglob("*.html"))
pages += py[::step]
for p in pages:
    rel = str(p.relative_to(root))
    print(json.dumps({"id": rel, "text": p.read_text(encoding="utf-8"), "content_type": "text/html"},
                     ensure_ascii=False))
