#!/usr/bin/env python3
"""Language-ID accuracy of sluice's `language_id` stage on real multilingual text.

Sources (installed by scripts/setup.sh + scripts/setup.d/textprep.sh):
  * gettext translations: msgunfmt on /usr/share/locale/<L>/LC_MESSAGES/*.mo; every
    translated msgstr is a sample labelled with the locale's language. Buckets by
    length in characters: short (5..29), medium (30..99), long (msgstrs of one
    catalogue concatenated to >= 300 chars).
  * Debian Reference plain text (/usr/share/debian-reference/debian-reference.<L>.txt.gz):
    paragraphs of >= 200 chars ("docref"). Translations leave some paragraphs
    (commands, untranslated sections) in English, so this label is noisy.

Runs `sluice run` with a one-stage recipe and prints per-language precision and
recall per bucket as a Markdown table.

  python3 bench/textprep/langid_eval.py --sluice build/sluice [--per-lang 400] [--model lid.176.bin]
"""
import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

LOCALES = {  # locale dir -> expected ISO code
    "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt", "nl": "nl", "sv": "sv", "da": "da",
    "fi": "fi", "pl": "pl", "cs": "cs", "hu": "hu", "ro": "ro", "tr": "tr", "id": "id", "vi": "vi",
    "ru": "ru", "uk": "uk", "bg": "bg", "el": "el", "ar": "ar", "he": "he", "ja": "ja", "ko": "ko",
    "zh_CN": "zh", "zh_TW": "zh-Hant",
}
DOCREF = {"en": "en", "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt", "ja": "ja",
          "zh-cn": "zh", "zh-tw": "zh-Hant"}

FORMAT_RE = re.compile(r"%(\d+\$)?[-+ #0]*\d*(\.\d+)?(hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcspn%]|\{[^{}]*\}|<[^<>]*>")


def unescape(s):
    return (s.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\\\", "\\"))


def msgstrs(mo_path):
    """Translated strings of a catalogue, minus copies of the English msgid."""
    try:
        po = subprocess.run(["msgunfmt", mo_path], capture_output=True, text=True, errors="replace",
                            timeout=60).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    pairs, msgid, msgstr, field = [], [], [], None
    def flush():
        if field is not None and msgstr:
            pairs.append(("".join(msgid), "".join(msgstr)))
    for line in po.splitlines():
        m = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if m:
            kind = m.group(1)
            if kind == "msgid":
                flush()
                msgid, msgstr = [], []
                field = "id"
                msgid.append(unescape(m.group(2)))
            elif kind == "msgid_plural":
                field = "plural"
            else:
                if msgstr and field == "str":
                    flush()
                    msgstr = []
                field = "str"
                msgstr.append(unescape(m.group(2)))
        elif line.startswith('"') and field is not None:
            (msgid if field == "id" else msgstr if field == "str" else []).append(unescape(line[1:-1]))
    flush()
    cleaned = []
    for mid, s in pairs:
        if s == mid or not mid:  # untranslated copies and the header entry
            continue
        s = FORMAT_RE.sub(" ", s).replace("_", "").replace("&", "")
        s = re.sub(r"[ \t]+", " ", s).strip()
        if sum(ch.isalpha() for ch in s) >= 3:
            cleaned.append(s)
    return cleaned


def samples(per_lang):
    items = []
    for loc, code in LOCALES.items():
        d = f"/usr/share/locale/{loc}/LC_MESSAGES"
        if not os.path.isdir(d):
            continue
        buckets = collections.defaultdict(list)
        for mo in sorted(os.listdir(d)):
            if not mo.endswith(".mo"):
                continue
            strs = msgstrs(os.path.join(d, mo))
            seen = set()
            acc = ""
            for s in strs:
                if s in seen:
                    continue
                seen.add(s)
                n = len(s)
                if 5 <= n < 30:
                    buckets["short"].append(s)
                elif 30 <= n < 100:
                    buckets["medium"].append(s)
                acc += s + "\n"
                if len(acc) >= 300:
                    buckets["long"].append(acc.strip())
                    acc = ""
        for b, lst in buckets.items():
            # Spread the sample over all catalogues: every k-th item.
            step = max(1, len(lst) // per_lang)
            for i, s in enumerate(lst[::step][:per_lang]):
                items.append({"id": f"{b}:{loc}:{i}", "text": s, "expect": code, "bucket": b})
    for lang, code in DOCREF.items():
        p = f"/usr/share/debian-reference/debian-reference.{lang}.txt.gz"
        if not os.path.exists(p):
            continue
        with gzip.open(p, "rt", errors="replace") as f:
            paras = [re.sub(r"\s+", " ", x).strip() for x in re.split(r"\n\s*\n", f.read())]
        paras = [x for x in paras if len(x) >= 200]
        step = max(1, len(paras) // per_lang)
        for i, s in enumerate(paras[::step][:per_lang]):
            items.append({"id": f"docref:{lang}:{i}", "text": s, "expect": code, "bucket": "docref"})
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default="build/sluice")
    ap.add_argument("--per-lang", type=int, default=400)
    ap.add_argument("--model", default="")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    items = samples(args.per_lang)
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        with open(inp, "w") as f:
            for it in items:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")
        stage = {"type": "language_id"}
        if args.model:
            stage["model"] = os.path.abspath(args.model)
        recipe = os.path.join(tmp, "recipe.yaml")
        with open(recipe, "w") as f:
            f.write("stages:\n  - " + json.dumps(stage) + "\n")
        out = os.path.join(tmp, "out")
        subprocess.run([args.sluice, "run", recipe, "-i", inp, "-o", out, "--format", "jsonl", "-q",
                        "--threads", str(args.threads), "--no-report"], check=True)
        got = {}
        for root, _, files in os.walk(os.path.join(out, "kept")):
            for name in files:
                if name.endswith(".jsonl"):
                    with open(os.path.join(root, name)) as f:
                        for line in f:
                            r = json.loads(line)
                            got[r["id"]] = r.get("language", "und")

    for bucket in ["short", "medium", "long", "docref"]:
        sel = [it for it in items if it["bucket"] == bucket]
        if not sel:
            continue
        tp, fp, fn, n = (collections.Counter() for _ in range(4))
        correct = 0
        for it in sel:
            pred, exp = got.get(it["id"], "missing"), it["expect"]
            n[exp] += 1
            if pred == exp:
                tp[exp] += 1
                correct += 1
            else:
                fn[exp] += 1
                fp[pred] += 1
        print(f"\n### bucket `{bucket}`: {len(sel)} samples, accuracy {correct / len(sel):.3f}\n")
        print("| lang | n | precision | recall |")
        print("|---|---|---|---|")
        for lang in sorted(n):
            p = tp[lang] / (tp[lang] + fp[lang]) if tp[lang] + fp[lang] else 0.0
            r = tp[lang] / n[lang]
            print(f"| {lang} | {n[lang]} | {p:.3f} | {r:.3f} |")
        wrong = collections.Counter(
            (it["expect"], got.get(it["id"], "missing")) for it in sel if got.get(it["id"]) != it["expect"])
        print("\nmost common confusions (expected -> predicted): " +
              ", ".join(f"{e}->{p} {c}" for (e, p), c in wrong.most_common(8)))


if __name__ == "__main__":
    sys.exit(main())
