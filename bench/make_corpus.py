#!/usr/bin/env python3
"""Builds a large benchmark corpus (JSONL) from real text installed on Debian.

Sources: every man page (all languages; roff markup stripped), Debian Reference (all
languages, HTML stripped), /usr/share/common-licenses, fortunes. Documents are emitted
in a fixed order and the list is cycled (with distinct ids) until --mb megabytes are
written, so the corpus is real text at any size; cycles repeat documents, which matters
for dedup benchmarks (use --no-repeat there) but not for pass-through speed.

Usage: make_corpus.py OUT.jsonl [--mb 200] [--lang all|en|zh] [--no-repeat]
"""
import argparse
import glob
import gzip
import html
import json
import os
import re

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--mb", type=float, default=200)
ap.add_argument("--lang", default="all", choices=["all", "en", "zh"])
ap.add_argument("--no-repeat", action="store_true")
args = ap.parse_args()


def roff(src):
    out = []
    for line in src.split("\n"):
        if line.startswith((".\\\"", "'\\\"")):
            continue
        if line.startswith("."):
            if line.startswith((".SH", ".SS", ".PP", ".P", ".LP", ".TP", ".IP")):
                out.append("")
            continue
        line = re.sub(r"\\f[BIRP]|\\f\(..|\\[/,&]", "", line)
        out.append(line.replace("\\-", "-"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def strip_html(text):
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</li>|</pre>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def sources():
    man_dirs = {"all": "/usr/share/man/*/man*/*.gz /usr/share/man/man*/*.gz",
                "en": "/usr/share/man/man*/*.gz", "zh": "/usr/share/man/zh_*/man*/*.gz"}[args.lang]
    for pattern in man_dirs.split():
        for path in sorted(glob.glob(pattern)):
            try:
                text = roff(gzip.open(path, "rt", encoding="utf-8", errors="replace").read())
            except (OSError, EOFError, UnicodeError):
                continue
            if len(text) > 200:
                yield "man:" + path, text
    ref = {"all": "*", "en": "en", "zh": "zh-cn"}[args.lang]
    for path in sorted(glob.glob(f"/usr/share/debian-reference/*.{ref}.html")):
        raw = open(path, encoding="utf-8", errors="replace").read()
        for i, part in enumerate(re.split(r"(?i)<h2[ >]", raw)[1:]):
            text = strip_html("<h2 " + part)
            if len(text) > 200:
                yield f"ref:{path}:{i}", text
    if args.lang in ("all", "en"):
        for path in sorted(glob.glob("/usr/share/common-licenses/*")):
            if os.path.isfile(path):
                yield "license:" + path, open(path, encoding="utf-8", errors="replace").read()
        for path in sorted(glob.glob("/usr/share/games/fortunes/*.u8")) or sorted(glob.glob("/usr/share/games/fortunes/*[!.dat]")):
            for i, f in enumerate(open(path, encoding="utf-8", errors="replace").read().split("\n%\n")):
                if f.strip():
                    yield f"fortune:{path}:{i}", f.strip()


docs = list(sources())
target = int(args.mb * 1e6)
written = 0
cycle = 0
with open(args.out, "w", encoding="utf-8") as out:
    while written < target:
        for doc_id, text in docs:
            line = json.dumps({"id": f"{doc_id}#{cycle}", "text": text}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            if written >= target:
                break
        cycle += 1
        if args.no_repeat:
            break
print(f"make_corpus: {args.out}: {written / 1e6:.1f} MB from {len(docs)} distinct documents, {cycle} cycle(s)")
