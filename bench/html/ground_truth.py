#!/usr/bin/env python3
"""Ground truth for the HTML extraction benchmark, from each doc generator's documented page
structure, with Python's html.parser (independent of sluice's parser and rules).

For every page: main-content paragraphs = text blocks (p, pre, h1-h6, li, dt, dd, td, th, caption)
inside the main-content container, each block's own text (text of nested blocks belongs to them),
Sphinx permalink glyphs left out; boilerplate strings = text of the nav/sidebar/footer/related/TOC
blocks and links outside (or, for TOCs, inside) that container.
  Sphinx (python3.11-doc):  container div[role=main] (div.body); boilerplate div.related,
                            div.sphinxsidebar, div.footer, div.mobile-nav, .toctree-wrapper, and every
                            <nav> (docutils' local table of contents is nav.contents inside the body).
  DocBook (debian-reference): container div.chapter/.preface/.appendix/.book/.article;
                            boilerplate div.navheader, div.navfooter, div.toc (also inside the container).
Both lists keep strings of >= MIN_CHARS non-space characters; boilerplate strings that also occur in
the page's main content (a TOC entry equal to a section heading) are ambiguous and left out.
Usage: ground_truth.py PAGES.jsonl > truth.jsonl   (PAGES.jsonl: {"id","text"} per page)
"""
import json
import re
import sys
from html.parser import HTMLParser

MIN_CHARS = 10
BLOCKS = {"p", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "param", "keygen"}
MAIN_CLASSES = {"chapter", "preface", "appendix", "book", "article"}
CHROME_CLASSES = {"related", "sphinxsidebar", "footer", "mobile-nav", "navheader", "navfooter", "toc",
                  "toctree-wrapper"}


def squash(s):
    return re.sub(r"\s+", "", s)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, is_main, is_chrome, is_block, is_headerlink)
        self.blocks = []  # [text, in_main, in_chrome]
        self.block_stack = []
        self.main_found = False
        self.main_texts = []
        self.chrome_strings = []
        self.link_stack = []

    def flags(self):
        in_main = any(f[1] for f in self.stack)
        in_chrome = any(f[2] for f in self.stack)
        skip = any(f[4] for f in self.stack) or any(f[0] in ("script", "style") for f in self.stack)
        return in_main, in_chrome, skip

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        outer_main = any(f[1] for f in self.stack)
        is_main = False
        if not outer_main:
            if tag == "div" and (a.get("role") == "main" or (classes & MAIN_CLASSES)):
                is_main = True
                self.main_found = True
        is_chrome = (bool(classes & CHROME_CLASSES) and tag in ("div", "dl", "nav", "ul")) or tag == "nav"
        headerlink = tag == "a" and "headerlink" in classes
        if tag in VOID:
            return
        # HTML's implied end tags for the blocks we count (p inside p, li after li, ...).
        if tag in ("p", "li", "dt", "dd", "td", "th", "tr") and self.stack:
            implied = {"p": {"p"}, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "td": {"td", "th"},
                       "th": {"td", "th"}, "tr": {"tr", "td", "th"}}[tag]
            if self.stack[-1][0] in implied:
                self.handle_endtag(self.stack[-1][0])
        is_block = tag in BLOCKS
        self.stack.append((tag, is_main, is_chrome, is_block, headerlink))
        if is_block:
            in_main, in_chrome, _ = self.flags()
            self.block_stack.append(len(self.blocks))
            self.blocks.append(["", in_main, in_chrome])
        if tag == "a":
            in_main, in_chrome, _ = self.flags()
            self.link_stack.append(["", in_chrome])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    t = self.stack.pop()
                    if t[3]:
                        self.block_stack.pop()
                    if t[0] == "a" and self.link_stack:
                        text, chrome = self.link_stack.pop()
                        if chrome:
                            self.chrome_strings.append(text)
                return

    def handle_data(self, data):
        in_main, in_chrome, skip = self.flags()
        if skip:
            return
        if self.block_stack:
            self.blocks[self.block_stack[-1]][0] += data
        for link in self.link_stack:
            link[0] += data
        if in_main and not in_chrome:
            self.main_texts.append(data)


def truth(html):
    p = Page()
    p.feed(html)
    p.close()
    main_blob = squash("".join(p.main_texts))
    paragraphs, chrome = [], []
    for text, in_main, in_chrome in p.blocks:
        t = re.sub(r"\s+", " ", text).strip()
        if len(squash(t)) < MIN_CHARS:
            continue
        if in_chrome:
            chrome.append(t)
        elif in_main:
            paragraphs.append(t)
    for text in p.chrome_strings:
        t = re.sub(r"\s+", " ", text).strip()
        if len(squash(t)) >= MIN_CHARS:
            chrome.append(t)
    chrome = sorted({c for c in chrome if squash(c) not in main_blob})
    return paragraphs, chrome


def main():
    for line in open(sys.argv[1], encoding="utf-8"):
        page = json.loads(line)
        paragraphs, chrome = truth(page["text"])
        print(json.dumps({"id": page["id"], "paragraphs": paragraphs, "boilerplate": chrome}, ensure_ascii=False))


if __name__ == "__main__":
    main()
