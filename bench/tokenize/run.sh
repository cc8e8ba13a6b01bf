#!/usr/bin/env bash
# `sluice tokenize` against Hugging Face tokenizers' encodeBatch (npm), and the
# decontaminate stage at scale. Prints one summary block; numbers go to
# bench/RESULTS.md by hand.
#   bench/tokenize/run.sh [WORK_DIR] [SLUICE_BIN] [NPM_DIR]
# Needs scripts/setup.d/tokenizer.sh (node, npm tokenizers, Debian text) and /usr/bin/time.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${1:-/tmp/sluice_tokenize_bench}"
SLUICE="${2:-$ROOT/build/sluice}"
NPM="${3:-$ROOT/build/npm}"
mkdir -p "$WORK"
cd "$WORK"

python3 "$HERE/make_corpus.py" corpus.jsonl 30
bytes=$(stat -c %s corpus.jsonl)
# The tokenizer: vocab 32000 with <|endoftext|>, trained on the first ~10 MB.
head -n 3700 corpus.jsonl > train.jsonl
"$SLUICE" train-tokenizer -q -i train.jsonl -o tok --vocab-size 32000 --special-tokens '<|endoftext|>'
cat corpus.jsonl > /dev/null  # warm the page cache for everyone

t() { /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB max RSS" "$@"; }
echo "== corpus: $bytes bytes, $(wc -l < corpus.jsonl) documents"
for threads in 1 2; do
  echo "== sluice tokenize --threads $threads (megatron, --append-eod)"
  t "$SLUICE" tokenize --tokenizer tok/tokenizer.json -i corpus.jsonl -o "meg$threads" --format megatron \
    --append-eod --threads "$threads"
done
cmp meg1/tokens.bin meg2/tokens.bin && cmp meg1/tokens.idx meg2/tokens.idx && echo "== 1 and 2 threads: identical"
echo "== HF tokenizers encodeBatch, RAYON_NUM_THREADS=2 (timing run, no output)"
RAYON_NUM_THREADS=2 t node "$HERE/hf_encode_bench.js" "$NPM" tok/tokenizer.json corpus.jsonl
echo "== equality: HF ids + end-of-text vs sluice's .idx/.bin (Python reader from the published layout)"
RAYON_NUM_THREADS=2 node "$HERE/hf_encode_bench.js" "$NPM" tok/tokenizer.json corpus.jsonl hf_ids.jsonl > /dev/null
python3 "$ROOT/tests/pipelines/megatron_reader.py" --dir meg2 --expect hf_ids.jsonl --eod 0 \
  --tokenizer tok/tokenizer.json --expect-dtype uint16 | tail -4

echo "== decontaminate at scale: the whole corpus as the benchmark (13-grams), 2 threads"
cat > decon.yaml <<YAML
stages:
  - {type: decontaminate, benchmarks: [corpus.jsonl], mode: drop}
YAML
python3 - <<'PY'
import json
# Documents to check: every 10th corpus document (contaminated) and text not in the corpus (man pages).
import glob, gzip
with open("decon_in.jsonl", "w") as out:
    for i, line in enumerate(open("corpus.jsonl")):
        if i % 10 == 0:
            out.write(line)
    for p in sorted(glob.glob("/usr/share/man/man1/*.gz"))[:3000]:
        out.write(json.dumps({"text": gzip.open(p).read().decode("utf-8", "replace")}) + "\n")
PY
t "$SLUICE" validate decon.yaml > /dev/null
t "$SLUICE" run decon.yaml decon_in.jsonl -o decon_out --threads 2 -q --overwrite
python3 - <<'PY'
import json
s = json.load(open("decon_out/stats.json"))
for st in s["stages"]:
    if st.get("report"):
        r = st["report"]
        print("decontaminate: benchmark_ngrams %d, documents %d, contaminated %d" %
              (r["benchmark_ngrams"], r["documents"], r["contaminated"]))
PY
echo "== decontamination held-out evaluation (tests/filters/decontaminate_test.cc)"
"$ROOT/build/tests/filters_test" "[decontam_eval]" | grep decontam_eval || true
