#!/usr/bin/env python3
"""Builds the MinHash evaluation corpora from real Debian text, with planted near-duplicates.

English: debian-reference (en HTML, stripped), the fortunes databases, /usr/share/common-licenses.
Chinese: debian-reference (zh-cn HTML, stripped) and the zh_CN manual pages (roff stripped).

For a fraction of the base documents, 1-3 variants are planted: every token is, with
probability `rate` (uniform in [0, 0.15] per variant), deleted, substituted by a random
token of the corpus, or followed by an inserted one; 30% of variants also swap two
paragraphs. Chinese edits work on characters. The result is shuffled (fixed seed) so a
variant may come before its original. Ground truth is not computed here: the C++ driver
computes exact Jaccard on the very shingles sluice uses (all pairs).

Usage: make_corpus.py OUTDIR [--seed 1] [--scale 1.0]
Writes OUTDIR/en.jsonl and OUTDIR/zh.jsonl ({"id": ..., "text": ...} per line).
"""
import argparse
import glob
import gzip
import html
import json
import os
import random
import re


def strip_html_paragraphs(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        data = f.read()
    paras = []
    for m in re.finditer(r"<p>(.*?)</p>", data, re.S):
        text = re.sub(r"<[^>]+>", "", m.group(1))
        text = html.unescape(re.sub(r"\s+", " ", text)).strip()
        if text:
            paras.append(text)
    return paras


def roff_paragraphs(path):
    try:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            data = f.read()
    except OSError:
        return []
    paras, cur = [], []
    for line in data.splitlines():
        if line.startswith((".", "'")):
            if line.startswith((".PP", ".SH", ".TP", ".IP", ".LP", ".P", ".SS")) and cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        line = re.sub(r"\\f[BIRP]|\\f\(..|\\-|\\\(..|\\&|\\e", "", line).strip()
        if line:
            cur.append(line)
    if cur:
        paras.append(" ".join(cur))
    return [p for p in paras if len(p) >= 20]


def fortunes():
    out = []
    for path in sorted(glob.glob("/usr/share/games/fortunes/*")):
        if "." in os.path.basename(path) or os.path.isdir(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for block in f.read().split("\n%\n"):
                block = block.strip()
                if len(block.split()) >= 25:
                    out.append(block)
    return out


def group(paras, rng, lo, hi, min_units, units):
    docs, i = [], 0
    while i < len(paras):
        n = rng.randint(lo, hi)
        doc = paras[i:i + n]
        i += n
        if units("\n\n".join(doc)) >= min_units:
            docs.append(doc)
    return docs


def english_bases(rng):
    paras = []
    for path in sorted(glob.glob("/usr/share/debian-reference/*.en.html")):
        paras += strip_html_paragraphs(path)
    docs = group(paras, rng, 2, 6, 60, lambda t: len(t.split()))
    for path in sorted(glob.glob("/usr/share/common-licenses/*")):
        if os.path.islink(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            lp = [re.sub(r"\s+", " ", p).strip() for p in f.read().split("\n\n") if p.strip()]
        docs += group(lp, rng, 3, 8, 60, lambda t: len(t.split()))
    docs += [[f] for f in fortunes()]
    return docs


def chinese_bases(rng):
    paras = []
    for path in sorted(glob.glob("/usr/share/debian-reference/*.zh-cn.html")):
        paras += strip_html_paragraphs(path)
    docs = group(paras, rng, 2, 6, 150, len)
    man = []
    for path in sorted(glob.glob("/usr/share/man/zh_CN/man*/*.gz")):
        man.append(roff_paragraphs(path))
    for paras in man:
        docs += group(paras, rng, 3, 8, 150, len)
    # Keep documents that are mostly Chinese.
    def han_share(doc):
        t = "".join(doc)
        return sum(1 for c in t if "\u4e00" <= c <= "\u9fff") / max(1, len(t))
    return [d for d in docs if han_share(d) >= 0.3]


def tokens_of(text, chinese):
    if chinese:
        return list(text)
    return text.split(" ")


def edit(doc, rng, vocab, chinese):
    """Returns a variant of doc (a list of paragraphs)."""
    rate = rng.uniform(0.0, 0.15)
    paras = list(doc)
    if len(paras) >= 2 and rng.random() < 0.3:
        i, j = rng.sample(range(len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
    out = []
    for p in paras:
        toks = tokens_of(p, chinese)
        res = []
        for t in toks:
            r = rng.random()
            if r < rate / 3:
                continue  # deletion
            if r < 2 * rate / 3:
                res.append(rng.choice(vocab))  # substitution
                continue
            res.append(t)
            if r < rate:
                res.append(rng.choice(vocab))  # insertion
        out.append(("" if chinese else " ").join(res))
    return out


def build(bases, rng, chinese, prefix):
    vocab = []
    for d in bases[:2000]:
        for p in d:
            vocab += [t for t in tokens_of(p, chinese) if t.strip()]
    docs = []
    for i, d in enumerate(bases):
        docs.append((f"{prefix}-{i}", d))
        if rng.random() < 0.3:
            for k in range(rng.randint(1, 3)):
                src = d if k == 0 or rng.random() < 0.5 else docs[-1][1]  # some chains
                docs.append((f"{prefix}-{i}-v{k}", edit(src, rng, vocab, chinese)))
    rng.shuffle(docs)
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of base documents to use")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for lang, chinese in (("en", False), ("zh", True)):
        rng = random.Random(args.seed)
        bases = english_bases(rng) if not chinese else chinese_bases(rng)
        if args.scale < 1.0:
            bases = bases[: int(len(bases) * args.scale)]
        docs = build(bases, rng, chinese, lang)
        path = os.path.join(args.outdir, f"{lang}.jsonl")
        size = 0
        with open(path, "w", encoding="utf-8") as f:
            for doc_id, paras in docs:
                line = json.dumps({"id": doc_id, "text": "\n\n".join(paras)}, ensure_ascii=False)
                size += len(line.encode()) + 1
                f.write(line + "\n")
        print(f"{path}: {len(docs)} documents ({len(bases)} bases), {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
