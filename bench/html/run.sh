#!/usr/bin/env bash
# HTML main-content extraction: sluice's html_extract against Mozilla Readability (jsdom) on real
# documentation pages from Debian packages (downloaded with apt-get download, unpacked with
# dpkg-deb -x, not installed): debian-reference-en (DocBook: navheader/navfooter, chapter TOCs) and
# python3.11-doc (Sphinx: related bars, sidebars, footers). Ground truth from the page structure
# (ground_truth.py), scores by score.py; sluice also on the pages as a .warc.gz (make_warc.py).
# Results: bench/html/RESULTS.md.
# Usage: bench/html/run.sh [BUILD_DIR]
# Env: STEP (every STEP-th Python page, default 4), OFFSET (first Python page: 0 = the pages the rules
# were tuned on, 2 = held out; default 0), THREADS (sluice threads, default 1), OUT (work directory,
# default BUILD_DIR/bench-html[-OFFSET]), RUNS (timed runs of each side, default 3: compare the best;
# on a shared machine compare CPU time, user + sys, and note the load that uptime prints).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD_DIR="$(cd "${1:-$REPO/build}" && pwd)"
OFFSET="${OFFSET:-0}"
OUT="${OUT:-$BUILD_DIR/bench-html$([[ $OFFSET == 0 ]] || echo "-$OFFSET")}"
NPM="$BUILD_DIR/npm-html"
STEP="${STEP:-4}"
THREADS="${THREADS:-1}"
RUNS="${RUNS:-3}"
mkdir -p "$OUT/debs"
if [[ ! -d "$OUT/root/usr/share/debian-reference" ]]; then
  (cd "$OUT/debs" && apt-get download debian-reference-en python3.11-doc)
  for d in "$OUT"/debs/*.deb; do dpkg-deb -x "$d" "$OUT/root"; done
fi
if [[ ! -d "$NPM/node_modules/@mozilla/readability" ]]; then
  mkdir -p "$NPM" && (cd "$NPM" && npm init -y >/dev/null && npm install --no-audit --no-fund @mozilla/readability jsdom)
fi
python3 "$HERE/make_pages.py" "$OUT/root" "$STEP" "$OFFSET" > "$OUT/pages.jsonl"
python3 "$HERE/ground_truth.py" "$OUT/pages.jsonl" > "$OUT/truth.jsonl"
echo "pages: $(wc -l < "$OUT/pages.jsonl"), $(du -m "$OUT/pages.jsonl" | cut -f1) MB"

printf 'stages:\n  - {type: html_extract}\n' > "$OUT/html_extract.yaml"
uptime
for run in $(seq "$RUNS"); do
  rm -rf "$OUT/sluice_out"
  /usr/bin/time -f "sluice run $run: %e s wall, %U s user, %S s sys, %M KB max RSS" \
    "$BUILD_DIR/sluice" run "$OUT/html_extract.yaml" "$OUT/pages.jsonl" -o "$OUT/sluice_out" \
    --format jsonl --threads "$THREADS" -q
done
cat "$OUT"/sluice_out/kept/*.jsonl > "$OUT/sluice.jsonl"
for run in $(seq "$RUNS"); do
  NODE_PATH="$NPM/node_modules" /usr/bin/time -f "readability run $run: %e s wall, %U s user, %S s sys, %M KB max RSS" \
    node "$HERE/readability.js" "$OUT/pages.jsonl" "$OUT/readability.jsonl"
done
# The same pages as a crawl stores them (make_warc.py: a .warc.gz with request records and 404, image
# and redirect responses beside the pages), read by sluice's WARC reader: one document per HTML 200
# response, carrying its url.
python3 "$HERE/make_warc.py" "$OUT/pages.jsonl" "$OUT/pages.warc.gz"
for run in $(seq "$RUNS"); do
  rm -rf "$OUT/sluice_warc_out"
  /usr/bin/time -f "sluice run (WARC) $run: %e s wall, %U s user, %S s sys, %M KB max RSS" \
    "$BUILD_DIR/sluice" run "$OUT/html_extract.yaml" "$OUT/pages.warc.gz" -o "$OUT/sluice_warc_out" \
    --format jsonl --threads "$THREADS" -q
done
python3 - "$OUT/sluice_warc_out" "$OUT/sluice_warc.jsonl" <<'PY'
import glob, json, sys
with open(sys.argv[2], "w") as out:
    for f in sorted(glob.glob(sys.argv[1] + "/kept/*.jsonl")):
        for line in open(f):
            r = json.loads(line)
            out.write(json.dumps({"id": r["url"].replace("http://docs.example/", ""), "text": r["text"]}) + "\n")
PY
uptime
python3 "$HERE/score.py" "$OUT/truth.jsonl" "sluice=$OUT/sluice.jsonl" "sluice_warc=$OUT/sluice_warc.jsonl" \
  "readability=$OUT/readability.jsonl"
