#!/usr/bin/env python3
"""Summarizes the language-fairness runs.

Usage: summarize.py FAIRNESS_DIR [--json PATH] [--dropped-limit N]

Reads FAIRNESS_DIR/out-<set>-<recipe>/{kept,rejected}/*.jsonl* (zstd via `zstd -dc`),
prints a report to stdout and writes FAIRNESS_DIR/summary.json (deterministic).

Clean keep rate = kept / (in - removed by a dedup stage); dedup removals do not
count against a filter. Junk removal rate = removed (any stage, dedup included) / in.
"""
import argparse
import collections
import glob
import gzip
import json
import os
import re
import subprocess
import sys

DEDUP_STAGES = {"exact_dedup", "minhash_dedup", "line_dedup"}
SETS = ["udhr_clean", "udhr_junk", "udhr_mixed", "dev_clean", "dev_junk", "dev_mixed"]
RECIPES = ["default", "peers"]
JUNK_KINDS = ["repeated_paragraph", "word_list", "keyword_stuffing", "boilerplate", "mojibake", "shuffled_symbols"]
# cp1252 mojibake of UTF-8: a lead byte (Ã, Â, Ð, Ñ, à, á, â, ã, ä, å, æ, ç, è ...) followed by
# a character from a continuation byte (0x80-0xBF read as cp1252).
MOJI = re.compile("[\u00c2-\u00df\u00e0-\u00ef\u00f0-\u00f4][\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
                  "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178\u00a0-\u00bf\ufffd]")


def read_records(pattern):
    out = []
    for f in sorted(glob.glob(pattern, recursive=True)):
        if f.endswith(".zst"):
            data = subprocess.run(["zstd", "-dc", f], check=True, capture_output=True).stdout.decode("utf-8")
        elif f.endswith(".gz"):
            data = gzip.open(f, "rt", encoding="utf-8").read()
        else:
            data = open(f, encoding="utf-8").read()
        for line in data.splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def stage_of(r):
    st = r.get("stage", "")
    reason = r.get("reason", "")
    return st, reason


def is_dedup(r):
    st, reason = stage_of(r)
    return st in DEDUP_STAGES or reason.split(".")[0] in DEDUP_STAGES


def lang_match(r):
    """Whether sluice's `language` agrees with the true language (primary subtag,
    or the ISO 639-3 code); None when sluice did not annotate a language."""
    got = r.get("language")
    if not got:
        return None
    got = got.lower().replace("_", "-")
    g = got.split("-")[0]
    true = r.get("true_lang", "").lower()
    t = true.split("-")[0]
    iso3 = r.get("iso6393", "").lower()
    # macro-language equivalences CLD2 uses
    eq = {"cmn": "zh", "yue": "zh", "nb": "no", "nn": "no", "zsm": "ms", "pes": "fa", "prs": "fa", "arb": "ar",
          "ekk": "et", "lvs": "lv", "khk": "mn", "swh": "sw", "uzn": "uz", "azj": "az", "plt": "mg", "ydd": "yi",
          "tl": "fil", "fil": "tl", "iw": "he", "he": "iw", "sh": "sr"}
    cands = {t, iso3, eq.get(t, t), eq.get(iso3, iso3)}
    return g in cands or eq.get(g, g) in cands


def pct(a, b):
    return round(100.0 * a / b, 2) if b else None


def fmt_pct(a, b):
    return "%6.2f%%" % (100.0 * a / b) if b else "   n/a "


def summarize_clean(kept, rejected, limit):
    n_in = len(kept) + len(rejected)
    dedup = [r for r in rejected if is_dedup(r)]
    dropped = sorted((r for r in rejected if not is_dedup(r)), key=lambda r: r["id"])
    denom = n_in - len(dedup)
    res = {"in": n_in, "kept": len(kept), "removed_by_dedup": len(dedup), "dropped_by_filters": len(dropped),
           "keep_rate_pct": pct(len(kept), denom)}
    # per language (macro): the share of a language's documents that survive
    per_lang = collections.defaultdict(lambda: [0, 0])
    for r in kept:
        per_lang[r["true_lang"]][0] += 1
        per_lang[r["true_lang"]][1] += 1
    for r in dropped:
        per_lang[r["true_lang"]][1] += 1
    langs_all = len(per_lang)
    res["languages"] = langs_all
    res["languages_fully_kept"] = sum(1 for k, n in per_lang.values() if k == n)
    res["languages_any_kept"] = sum(1 for k, n in per_lang.values() if k > 0)
    res["macro_keep_rate_pct"] = round(100.0 * sum(k / n for k, n in per_lang.values()) / langs_all, 2) if langs_all else None
    # reasons
    res["first_reasons"] = dict(sorted(collections.Counter(r.get("reason", "?") for r in dropped).items(), key=lambda kv: (-kv[1], kv[0])))
    allr = collections.Counter()
    for r in dropped:
        for x in r.get("reasons") or [r.get("reason", "?")]:
            allr[x] += 1
    res["all_reasons"] = dict(sorted(allr.items(), key=lambda kv: (-kv[1], kv[0])))
    res["stages"] = dict(sorted(collections.Counter(r.get("stage", "?") for r in dropped).items(), key=lambda kv: (-kv[1], kv[0])))
    # per script
    ps = collections.defaultdict(lambda: [0, 0])
    for r in kept:
        ps[r["script"]][0] += 1
        ps[r["script"]][1] += 1
    for r in dropped:
        ps[r["script"]][1] += 1
    res["by_script"] = {s: {"docs": n, "kept": k, "keep_rate_pct": pct(k, n)}
                        for s, (k, n) in sorted(ps.items(), key=lambda kv: (-kv[1][1], kv[0]))}
    # per source (dev set)
    pset = collections.defaultdict(lambda: [0, 0])
    for r in kept:
        pset[r.get("set", "?")][0] += 1
        pset[r.get("set", "?")][1] += 1
    for r in dropped:
        pset[r.get("set", "?")][1] += 1
    res["by_source"] = {s: {"docs": n, "kept": k, "keep_rate_pct": pct(k, n)} for s, (k, n) in sorted(pset.items())}
    # language ID
    lid = [lang_match(r) for r in kept + dropped]
    annotated = [x for x in lid if x is not None]
    if annotated:
        res["language_id"] = {"annotated": len(annotated), "agree": sum(annotated), "agree_pct": pct(sum(annotated), len(annotated))}
        by = collections.defaultdict(lambda: [0, 0])
        for r in kept + dropped:
            m = lang_match(r)
            if m is not None:
                by[r["script"]][0] += int(m)
                by[r["script"]][1] += 1
        res["language_id"]["agree_by_script"] = {s: {"docs": n, "agree_pct": pct(a, n)} for s, (a, n) in sorted(by.items(), key=lambda kv: (-kv[1][1], kv[0]))}
    res["dropped"] = [{"id": r["id"], "true_lang": r["true_lang"], "lang_name": r.get("lang_name", ""), "script": r["script"],
                       "stage": r.get("stage", ""), "reason": r.get("reason", ""), "reasons": r.get("reasons", []),
                       "language": r.get("language"), "language_score": r.get("language_score")}
                      for r in dropped]
    res["dedup_removed"] = sorted((r["id"], r.get("detail", "")) for r in dedup)
    return res


def summarize_junk(kept, rejected, clean_text=None):
    n_in = len(kept) + len(rejected)
    res = {"in": n_in, "removed": len(rejected), "kept": len(kept), "removal_rate_pct": pct(len(rejected), n_in)}
    kinds = {}
    for kind in JUNK_KINDS + sorted({r.get("junk_kind") for r in kept + rejected} - set(JUNK_KINDS)):
        k = [r for r in kept if r.get("junk_kind") == kind]
        d = [r for r in rejected if r.get("junk_kind") == kind]
        if not k and not d:
            continue
        e = {"in": len(k) + len(d), "removed": len(d), "removal_rate_pct": pct(len(d), len(k) + len(d)),
             "first_reasons": dict(sorted(collections.Counter(r.get("reason", "?") for r in d).items(), key=lambda kv: (-kv[1], kv[0]))[:8]),
             "kept_by_script": dict(sorted(collections.Counter(r["script"] for r in k).items(), key=lambda kv: (-kv[1], kv[0]))[:10])}
        if kind == "mojibake":
            # kept mojibake that normalize repaired vs still broken; and the share removed
            # among variants that damage >= 1% of the characters. Repaired: the kept text
            # equals what the same recipe kept of the clean source document (exact); when
            # the clean run is not there, a pattern check (a heuristic: accented letters
            # before a cp1252-range character also occur in correct Czech or Welsh).
            def is_repaired(r):
                if clean_text is not None and r.get("source_id") in clean_text:
                    return r.get("text") == clean_text[r["source_id"]]
                return len(MOJI.findall(r.get("text", ""))) == 0
            repaired = sum(1 for r in k if is_repaired(r))
            e["kept_repaired"] = repaired
            e["kept_still_broken"] = len(k) - repaired
            heavy_k = sum(1 for r in k if r.get("nonascii_frac", 1) >= 0.01)
            heavy_d = sum(1 for r in d if r.get("nonascii_frac", 1) >= 0.01)
            e["removal_rate_ge1pct_nonascii"] = pct(heavy_d, heavy_k + heavy_d)
            e["removed_or_repaired_pct"] = pct(len(d) + repaired, len(k) + len(d))
        kinds[kind] = e
    res["by_kind"] = kinds
    res["by_script"] = {}
    ps = collections.defaultdict(lambda: [0, 0])
    for r in kept:
        ps[r["script"]][1] += 1
    for r in rejected:
        ps[r["script"]][0] += 1
        ps[r["script"]][1] += 1
    res["by_script"] = {s: {"docs": n, "removed": d, "removal_rate_pct": pct(d, n)} for s, (d, n) in sorted(ps.items(), key=lambda kv: (-kv[1][1], kv[0]))}
    res["kept_ids"] = sorted(r["id"] for r in kept)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--json", default=None)
    ap.add_argument("--dropped-limit", type=int, default=60)
    a = ap.parse_args()
    summary = {"binary": None, "runs": {}}
    bc = os.path.join(a.dir, "binary_commit.txt")
    if os.path.exists(bc):
        summary["binary"] = open(bc).read().strip()
    out = []
    p = out.append
    p("# sluice language-fairness benchmark")
    if summary["binary"]:
        p("binary commit: " + summary["binary"])
    for s in SETS:
        for rc in RECIPES:
            d = os.path.join(a.dir, "out-%s-%s" % (s, rc))
            if not os.path.isdir(d):
                continue
            kept = read_records(os.path.join(d, "kept", "**", "*.jsonl*"))
            rejected = read_records(os.path.join(d, "rejected", "**", "*.jsonl*"))
            malformed = read_records(os.path.join(d, "malformed", "**", "*.jsonl*"))
            src = os.path.join(a.dir, s + ".jsonl")
            n_src = sum(1 for _ in open(src, encoding="utf-8")) if os.path.exists(src) else None
            key = "%s/%s" % (s, rc)
            if s.endswith("mixed"):
                # clean documents and their junk variants in one run, as a crawl holds them:
                # reported as <set>_clean and <set>_junk (a repaired mojibake copy is then an
                # exact duplicate of its clean original, and dedup removes it)
                base = s[: -len("_mixed")]
                is_junk = lambda r: bool(r.get("junk_kind"))
                for part, sel in (("clean", lambda r: not is_junk(r)), ("junk", is_junk)):
                    pk, pr = [r for r in kept if sel(r)], [r for r in rejected if sel(r)]
                    sub = summarize_clean(pk, pr, a.dropped_limit) if part == "clean" else summarize_junk(pk, pr)
                    sub["malformed"] = 0
                    sub["input_records"] = None
                    summary["runs"]["%s_mixed_%s/%s" % (base, part, rc)] = sub
                continue
            if s.endswith("clean"):
                r = summarize_clean(kept, rejected, a.dropped_limit)
            else:
                clean_dir = os.path.join(a.dir, "out-%s-%s" % (s.replace("_junk", "_clean"), rc))
                clean_text = None
                if os.path.isdir(clean_dir):
                    clean_text = {c["id"]: c.get("text") for c in read_records(os.path.join(clean_dir, "kept", "**", "*.jsonl*"))}
                r = summarize_junk(kept, rejected, clean_text)
            r["malformed"] = len(malformed)
            r["input_records"] = n_src
            summary["runs"][key] = r
    # headline table
    p("")
    p("## Headline (clean keep rate excludes dedup removals; junk removal counts every stage)")
    p("%-12s %-8s %8s %8s %8s %10s %10s %6s" % ("set", "recipe", "docs", "kept", "dedup", "keep%", "macro%", "langs"))
    for key, r in summary["runs"].items():
        s, rc = key.split("/")
        if s.endswith("clean"):
            p("%-12s %-8s %8d %8d %8d %9.2f%% %9.2f%% %6d" % (s, rc, r["in"], r["kept"], r["removed_by_dedup"],
                                                            r["keep_rate_pct"] or 0, r["macro_keep_rate_pct"] or 0, r["languages"]))
    p("")
    p("%-12s %-8s %8s %8s %9s  %s" % ("set", "recipe", "docs", "removed", "removal%", "per kind (removal%)"))
    for key, r in summary["runs"].items():
        s, rc = key.split("/")
        if s.endswith("junk"):
            kinds = "  ".join("%s %.1f" % (k, v["removal_rate_pct"]) for k, v in r["by_kind"].items())
            p("%-12s %-8s %8d %8d %8.2f%%  %s" % (s, rc, r["in"], r["removed"], r["removal_rate_pct"] or 0, kinds))
    for key, r in summary["runs"].items():
        s, rc = key.split("/")
        p("")
        p("## %s / %s" % (s, rc))
        if r["input_records"] is not None and r["input_records"] != r["in"] + r["malformed"]:
            p("WARNING: input has %d records, output %d (+%d malformed)" % (r["input_records"], r["in"], r["malformed"]))
        if s.endswith("clean"):
            p("kept %d of %d (%d removed by dedup): keep rate %s; languages %d, all docs kept in %d, some kept in %d; macro keep rate %.2f%%" % (
                r["kept"], r["in"], r["removed_by_dedup"], fmt_pct(r["kept"], r["in"] - r["removed_by_dedup"]).strip(),
                r["languages"], r["languages_fully_kept"], r["languages_any_kept"], r["macro_keep_rate_pct"] or 0))
            if len(r["by_source"]) > 1:
                p("by source: " + ", ".join("%s %d/%d (%.1f%%)" % (k, v["kept"], v["docs"], v["keep_rate_pct"]) for k, v in r["by_source"].items()))
            if "language_id" in r:
                li = r["language_id"]
                p("language ID (`language` vs true_lang): %d/%d agree (%.1f%%)" % (li["agree"], li["annotated"], li["agree_pct"]))
            p("first reasons of dropped clean docs:")
            for k, v in r["first_reasons"].items():
                p("  %5d  %s" % (v, k))
            p("all failing rules (reasons) of dropped clean docs:")
            for k, v in r["all_reasons"].items():
                p("  %5d  %s" % (v, k))
            p("keep rate by script (docs, kept, keep%" + (", lang-ID agree%" if "language_id" in r else "") + "):")
            for sc, v in r["by_script"].items():
                extra = ""
                if "language_id" in r and sc in r["language_id"]["agree_by_script"]:
                    extra = "  lid %6.1f%%" % r["language_id"]["agree_by_script"][sc]["agree_pct"]
                p("  %-20s %5d %5d %7.1f%%%s" % (sc, v["docs"], v["kept"], v["keep_rate_pct"], extra))
            p("dropped clean documents (%d%s):" % (len(r["dropped"]), ", first %d shown; all in summary.json" % a.dropped_limit if len(r["dropped"]) > a.dropped_limit else ""))
            for x in r["dropped"][:a.dropped_limit]:
                lid = ""
                if x["language"] is not None:
                    lid = "  lid=%s(%.2f)" % (x["language"], x["language_score"] or 0)
                p("  %-28s %-10s %-28.28s %-12s %s%s" % (x["id"], x["true_lang"], x["lang_name"], x["script"], x["reason"], lid))
            if r["dedup_removed"]:
                p("removed by dedup (not counted): " + ", ".join("%s (%s)" % t for t in r["dedup_removed"][:20]) + (" ..." if len(r["dedup_removed"]) > 20 else ""))
        else:
            p("removed %d of %d: %s" % (r["removed"], r["in"], fmt_pct(r["removed"], r["in"]).strip()))
            for k, v in r["by_kind"].items():
                extra = ""
                if k == "mojibake":
                    extra = "  (kept: %d repaired by normalize, %d still broken; removed or repaired %.1f%%; removal among >=1%% non-ASCII texts %s%%)" % (
                        v["kept_repaired"], v["kept_still_broken"], v["removed_or_repaired_pct"] or 0, v["removal_rate_ge1pct_nonascii"])
                p("  %-20s %5d in %7.2f%% removed  first reasons: %s%s" % (k, v["in"], v["removal_rate_pct"], ", ".join("%s %d" % kv for kv in list(v["first_reasons"].items())[:4]), extra))
                if v["kept_by_script"]:
                    p("  %-20s kept by script: %s" % ("", ", ".join("%s %d" % kv for kv in v["kept_by_script"].items())))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    jp = a.json or os.path.join(a.dir, "summary.json")
    with open(jp, "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
