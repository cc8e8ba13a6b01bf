#!/usr/bin/env python3
"""Builds the real-text corpora used by the rules benchmark and calibration.

From Debian packages only (see scripts/setup.d/rules.sh):
  debian-reference-{en,zh-cn}: the same book in both languages. Each HTML chapter
      is stripped to text (block elements become lines) and split into one
      document per section (h2/h3 heading), like a web article per page.
  manpages-zh + man-db: every /usr/share/man/zh_CN/man1 page rendered with
      `man -l` (groff), and the English page of the same name when present.
Writes JSONL ({"id", "text", "language"}) into OUTDIR.
"""
import glob
import gzip
import html.parser
import json
import os
import re
import subprocess
import sys

BLOCK = {"p", "li", "h1", "h2", "h3", "h4", "pre", "td", "th", "dt", "dd", "div", "title", "tr", "br", "table"}
HEADING = {"h1", "h2", "h3"}


class Stripper(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections = [[]]
        self.line = []
        self.skip = 0

    def flush(self):
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.line)).strip()
        if text:
            self.sections[-1].append(text)
        self.line = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in BLOCK:
            self.flush()
        if tag in HEADING:
            self.sections.append([])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag in BLOCK:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.line.append(data)


def debian_reference(lang, out):
    n = 0
    for path in sorted(glob.glob(f"/usr/share/debian-reference/ch*.{lang}.html")):
        p = Stripper()
        p.feed(open(path, encoding="utf-8").read())
        p.flush()
        for i, lines in enumerate(p.sections):
            text = "\n".join(lines).strip()
            if len(text) < 200:  # navigation-only fragments between headings
                continue
            out.write(json.dumps({"id": f"{os.path.basename(path)}#{i}", "text": text,
                                  "language": "zh" if lang.startswith("zh") else lang}, ensure_ascii=False) + "\n")
            n += 1
    return n


def render_man(path, lang):
    env = dict(os.environ, MANWIDTH="100000", LANG="zh_CN.UTF-8" if lang == "zh" else "C.UTF-8",
               MAN_KEEP_FORMATTING="0")
    try:
        r = subprocess.run(["man", "-l", "-E", "UTF-8", path], capture_output=True, env=env, timeout=30)
    except subprocess.TimeoutExpired:
        return ""
    text = r.stdout.decode("utf-8", errors="replace")
    text = re.sub(r".\x08", "", text)  # overstrike bold/underline
    lines = [l.strip() for l in text.splitlines()]
    # Man-page headers/footers ("LS(1)   User Commands   LS(1)") are not prose.
    lines = [l for l in lines if not re.match(r"^\S+\(\d\w*\)\s.*\S+\(\d\w*\)$", l)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def man_pages(out_zh, out_en, limit):
    nz = ne = 0
    for path in sorted(glob.glob("/usr/share/man/zh_CN/man1/*.1.gz"))[:limit]:
        name = os.path.basename(path)
        zh = render_man(path, "zh")
        if len(zh) >= 200:
            out_zh.write(json.dumps({"id": "zh_CN/" + name, "text": zh, "language": "zh"}, ensure_ascii=False) + "\n")
            nz += 1
        en_path = os.path.join("/usr/share/man/man1", name)
        if os.path.exists(en_path):
            en = render_man(en_path, "en")
            if len(en) >= 200:
                out_en.write(json.dumps({"id": "man1/" + name, "text": en, "language": "en"}) + "\n")
                ne += 1
    return nz, ne


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "bench/rules/data"
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    os.makedirs(outdir, exist_ok=True)
    for lang in ("en", "zh-cn"):
        with open(os.path.join(outdir, f"debref_{lang.split('-')[0]}.jsonl"), "w", encoding="utf-8") as f:
            print(f"debian-reference {lang}: {debian_reference(lang, f)} docs")
    with open(os.path.join(outdir, "man_zh.jsonl"), "w", encoding="utf-8") as fz, \
         open(os.path.join(outdir, "man_en.jsonl"), "w", encoding="utf-8") as fe:
        nz, ne = man_pages(fz, fe, limit)
        print(f"man pages: {nz} zh, {ne} en")


if __name__ == "__main__":
    main()
