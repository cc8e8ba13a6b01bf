#!/usr/bin/env python3
"""Assembles sluice's demo corpus from real text shipped in Debian packages.

Sources (installed by scripts/setup.sh): debian-reference (en, zh-cn HTML), manpages-zh
(Chinese man pages), fortunes, /usr/share/common-licenses. The real text is then
"dirtied" the way web crawls are: exact and near duplicates, cookie/navigation
boilerplate lines, SEO spam lines, a comment section, mojibake, invalid UTF-8,
full-width characters, e-mail addresses, and a few malformed JSON lines.

Deterministic: the same packages give byte-identical output.
Usage: build_sample.py OUTDIR   (writes OUTDIR/web-sample.jsonl and OUTDIR/web-sample.jsonl.gz)
"""
import glob
import gzip
import html
import json
import os
import random
import re
import sys

rng = random.Random(20261128)


def strip_html(text):
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</li>|</pre>|</tr>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    lines = [re.sub(r"[ \t]+", " ", l).strip() for l in text.split("\n")]
    out, blank = [], False
    for l in lines:
        if not l:
            if not blank and out:
                out.append("")
            blank = True
        else:
            out.append(l)
            blank = False
    return "\n".join(out).strip()


def debian_reference(lang):
    docs = []
    for path in sorted(glob.glob(f"/usr/share/debian-reference/ch*.{lang}.html")):
        raw = open(path, encoding="utf-8", errors="replace").read()
        # One document per section (<h2>), as a web page would be.
        for i, part in enumerate(re.split(r"(?i)<h2[ >]", raw)[1:]):
            text = strip_html("<h2 " + part)
            if len(text) > 400:
                docs.append((f"debref-{lang}-{os.path.basename(path)}-{i}", text[:12000]))
    return docs


def roff_to_text(src):
    out = []
    for line in src.split("\n"):
        if line.startswith(".\\\"") or line.startswith("'\\\""):
            continue
        if line.startswith("."):
            m = re.match(r"\.(SH|SS)\s+(.*)", line)
            if m:
                out.append("")
                out.append(m.group(2).strip('"'))
            elif line.startswith((".PP", ".P", ".LP", ".TP", ".IP")):
                out.append("")
            continue
        line = re.sub(r"\\f[BIRP]|\\f\(..|\\[/,&]", "", line)
        line = line.replace("\\-", "-").replace("\\(aq", "'").replace("\\e", "\\")
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def manpages_zh():
    docs = []
    for path in sorted(glob.glob("/usr/share/man/zh_CN/man1/*.1.gz"))[:160]:
        try:
            text = roff_to_text(gzip.open(path, "rt", encoding="utf-8", errors="replace").read())
        except (OSError, EOFError):
            continue
        if len(text) > 300:
            docs.append((f"manzh-{os.path.basename(path)[:-5]}", text[:10000]))
    return docs


def fortunes():
    docs = []
    for name in ["fortunes", "literature", "science", "wisdom", "people", "computers"]:
        path = f"/usr/share/games/fortunes/{name}"
        if not os.path.exists(path):
            continue
        for i, f in enumerate(open(path, encoding="utf-8", errors="replace").read().split("\n%\n")):
            f = f.strip()
            if f:
                docs.append((f"fortune-{name}-{i}", f))
    rng.shuffle(docs)
    return docs[:300]


def licenses():
    docs = []
    for name in ["GPL-3", "Apache-2.0", "MPL-2.0", "LGPL-2.1"]:
        path = f"/usr/share/common-licenses/{name}"
        if os.path.exists(path):
            docs.append((f"license-{name}", open(path, encoding="utf-8").read()))
    return docs


BOILERPLATE_EN = [
    "Home > Documentation > Reference",
    "We use cookies to improve your experience. By continuing you accept our Cookie Policy.",
    "Share on Facebook | Share on Twitter | Share by e-mail",
    "Log in | Register | Forgot password?",
    "© 2024 Example Media Inc. All rights reserved. Privacy Policy | Terms of Use",
]
BOILERPLATE_ZH = [
    "首页 > 文档 > 参考手册",
    "本网站使用cookie以提升您的体验，继续浏览即表示您同意我们的隐私政策。",
    "分享到：微信 | 微博 | QQ空间",
    "登录 | 注册 | 忘记密码",
    "版权所有 © 2024 示例网络科技有限公司 京ICP备12345678号",
]
SPAM_ZH = "【免费下载】【最新版】【破解版】【高清无码】【时时彩】【六合彩】【北京赛车】【稳赚不赔】"
SPAM_EN = "cheap viagra casino bonus free spins cheap viagra casino bonus free spins online casino best odds"


def comment_section(zh, sentences):
    lines = []
    for i in range(4):
        s = rng.choice(sentences) if sentences else "great post"
        if zh:
            lines.append(f"网友{rng.randint(1000, 9999)} {rng.randint(1, 59)}秒前: {s}")
        else:
            lines.append(f"user{rng.randint(100, 999)} {rng.randint(2, 23)} hours ago: {s}")
    return lines


def dirty(doc_id, text, zh):
    """Wraps real text in the junk a crawl adds around it."""
    paras = text.split("\n")
    sentences = [p for p in paras if len(p) > 30][:10]
    boiler = BOILERPLATE_ZH if zh else BOILERPLATE_EN
    top = rng.sample(boiler, 2)
    if rng.random() < 0.3:
        top.insert(0, SPAM_ZH if zh else SPAM_EN)
    bottom = rng.sample(boiler, 2)
    if rng.random() < 0.3:
        bottom += comment_section(zh, sentences)
    return "\n".join(top + paras + bottom)


def near_duplicate(text):
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    for _ in range(max(1, len(words) // 60)):
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.4:
            words[i] = words[rng.randrange(len(words))]
        elif op < 0.7:
            del words[i]
        else:
            words.insert(i, words[rng.randrange(len(words))])
    return joiner.join(words)


def mojibake(text):
    try:
        return text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return text.encode("utf-8").decode("latin-1")


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and rng.random() < 0.5 else c for c in text)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "raw")
    os.makedirs(out_dir, exist_ok=True)
    en = debian_reference("en") + licenses()
    zh = debian_reference("zh-cn") + manpages_zh()
    if not en or not zh:
        sys.exit("build_sample: Debian text packages missing; run scripts/setup.sh first")
    short = fortunes()
    records = []
    for doc_id, text in en:
        records.append({"id": doc_id, "text": dirty(doc_id, text, False), "url": f"https://example.org/{doc_id}", "lang_hint": "en"})
    for doc_id, text in zh:
        records.append({"id": doc_id, "text": dirty(doc_id, text, True), "url": f"https://example.cn/{doc_id}", "lang_hint": "zh"})
    for doc_id, text in short:
        records.append({"id": doc_id, "text": text, "url": f"https://fortunes.example/{doc_id}"})
    base = list(records)
    # Exact duplicates (mirrors) and near-duplicates (re-posts with small edits).
    for r in rng.sample(base, 40):
        records.append(dict(r, id=r["id"] + "-mirror"))
    for r in rng.sample(base[: len(en) + len(zh)], 40):
        records.append(dict(r, id=r["id"] + "-repost", text=near_duplicate(r["text"])))
    # Broken encodings and width variants.
    for r in rng.sample(base, 10):
        records.append(dict(r, id=r["id"] + "-mojibake", text=mojibake(r["text"])))
    for r in rng.sample(base[len(en):len(en) + len(zh)], 10):
        records.append(dict(r, id=r["id"] + "-fullwidth", text=full_width(r["text"])))
    # Contact details in otherwise real text (PII).
    for r in rng.sample(base, 10):
        records.append(dict(r, id=r["id"] + "-contact", text=r["text"] + "\nContact: maintainer%d@example.com, 192.168.%d.%d" % (rng.randint(1, 99), rng.randint(0, 255), rng.randint(1, 254))))
    # Spam pages: keyword lists only.
    for i in range(15):
        records.append({"id": f"spam-{i}", "text": "\n".join([SPAM_ZH if i % 2 else SPAM_EN] * rng.randint(3, 12))})
    rng.shuffle(records)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    # Malformed input as crawls produce it: cut-off lines, wrong types, a bare string.
    lines.insert(17, lines[16][: len(lines[16]) // 2])
    lines.insert(91, json.dumps({"id": "no-text", "body": "the text is under another key"}))
    lines.insert(133, json.dumps({"id": "numeric-text", "text": 12345}))
    lines.insert(205, json.dumps("just a string"))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    # Invalid UTF-8 inside a string value (repaired to U+FFFD by the reader).
    data += b'{"id": "latin1-bytes", "text": "Caf\xe9 au lait, cr\xe8me br\xfbl\xe9e: text saved as Latin-1 by a broken crawler, mixed into a UTF-8 file."}\n'
    path = os.path.join(out_dir, "web-sample.jsonl")
    with open(path, "wb") as f:
        f.write(data)
    with gzip.GzipFile(path + ".gz", "wb", mtime=0) as f:
        f.write(data)
    n_lines = data.count(b"\n")
    print(f"build_sample: wrote {path} ({len(data) / 1e6:.1f} MB, {n_lines} lines) and {path}.gz")


if __name__ == "__main__":
    main()
