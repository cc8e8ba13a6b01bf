#!/usr/bin/env bash
# Builds the tokenizer benchmark corpus from Debian text packages (no
# repetition): ~100 MB of training text and separate held-out English and
# Chinese files. File lists are sorted, so the corpus is the same on every
# machine with the same packages.
#   train.txt   : fortunes, Debian Reference (en, zh-cn), Chinese man pages
#                 (zh_CN), English man pages (roff source) and package
#                 changelogs, in that order, cut at 100 MiB at a line end
#   heldout_en.txt : GPL/LGPL/Apache/GFDL licence texts + the changelogs after the cut (5 MiB)
#   heldout_zh.txt : traditional-Chinese man pages (zh_TW, 4 MB; not in train)
# Usage: make_corpus.sh OUTDIR
set -eu  # no pipefail: head closing a pipe early is expected here
OUT="${1:?usage: make_corpus.sh OUTDIR}"
mkdir -p "$OUT"
export LC_ALL=C
{
  find /usr/share/games/fortunes -maxdepth 1 -type f ! -name '*.dat' ! -name '*.u8' | sort | xargs cat
  zcat /usr/share/debian-reference/debian-reference.en.txt.gz /usr/share/debian-reference/debian-reference.zh-cn.txt.gz
  find /usr/share/man/zh_CN -name '*.gz' | sort | xargs zcat
  find /usr/share/man/man[1-8] -name '*.gz' | sort | xargs zcat
  find /usr/share/doc -name 'changelog*.gz' | sort | xargs zcat
} 2>/dev/null > "$OUT/all.txt" || true
# Repair any invalid UTF-8 the same way for every tool (iconv drops bad bytes).
iconv -f UTF-8 -t UTF-8 -c "$OUT/all.txt" > "$OUT/all.utf8" && mv "$OUT/all.utf8" "$OUT/all.txt"
head -c $((100 << 20)) "$OUT/all.txt" | sed '$d' > "$OUT/train.txt"
train_bytes=$(stat -c %s "$OUT/train.txt")
{
  cat /usr/share/common-licenses/{GPL-2,GPL-3,LGPL-2.1,Apache-2.0,GFDL-1.3}
  tail -c +$((train_bytes + 1)) "$OUT/all.txt" | head -c $((5 << 20)) | sed '1d;$d'
} > "$OUT/heldout_en.txt"
{ find /usr/share/man/zh_TW -name "*.gz" | sort | xargs zcat 2>/dev/null || true; } | iconv -f UTF-8 -t UTF-8 -c > "$OUT/heldout_zh.txt"
rm -f "$OUT/all.txt"
ls -l "$OUT"
