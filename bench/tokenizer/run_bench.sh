#!/usr/bin/env bash
# Tokenizer training benchmark: sluice vs Hugging Face tokenizers (node) vs
# SentencePiece BPE (Debian spm_train) on the corpus from make_corpus.sh.
# Records wall/CPU time and peak RSS (/usr/bin/time), checks that sluice's
# merges equal HF's, and measures bytes per token on held-out text plus
# encoding speed. Usage: run_bench.sh CORPUS_DIR SLUICE_BIN NPM_DIR OUT_DIR
set -eu
CORPUS="$1"; SLUICE="$2"; NPM="$3"; OUT="$4"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$OUT"
TIME=(/usr/bin/time -f "wall_s %e user_s %U sys_s %S max_rss_kb %M")
echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"

run() {  # name, command...
  local name="$1"; shift
  echo "== $name: $*" >> "$OUT/summary.txt"
  "${TIME[@]}" -o "$OUT/$name.time" "$@" > "$OUT/$name.log" 2>&1 || echo "($name failed: exit $?)" >> "$OUT/summary.txt"
  echo "$name $(cat "$OUT/$name.time" | tail -1)" | tee -a "$OUT/summary.txt"
}

# 1. sluice with HF-equal settings (seen alphabet, no pre-token cut): merges must equal HF's.
run sluice_hf_settings "$SLUICE" train-tokenizer -i "$CORPUS/train.txt" -o "$OUT/sluice_hf" --vocab-size 30000 \
  --preset gpt2 --min-frequency 0 --initial-alphabet seen --max-pretoken-bytes 0
# 2. sluice defaults (all 256 bytes, pre-tokens cut at 256 bytes).
run sluice_default "$SLUICE" train-tokenizer -i "$CORPUS/train.txt" -o "$OUT/sluice_default" --vocab-size 30000
# 3. sluice on one thread.
run sluice_1thread "$SLUICE" train-tokenizer -i "$CORPUS/train.txt" -o "$OUT/sluice_1t" --vocab-size 30000 \
  --preset gpt2 --min-frequency 0 --initial-alphabet seen --max-pretoken-bytes 0 --threads 1
# 4. HF tokenizers (node binding, default trainer: vocab 30000).
run hf node "$HERE/hf_bench.js" "$NPM" train "$CORPUS/train.txt" "$OUT/hf_tokenizer.json"
# 5. SentencePiece BPE (all sentences, 2 threads).
run spm spm_train --input="$CORPUS/train.txt" --model_prefix="$OUT/spm" --vocab_size=30000 --model_type=bpe \
  --num_threads=2 --character_coverage=0.9995 --max_sentence_length=100000 --input_sentence_size=0 \
  --minloglevel=1

python3 - "$OUT" >> "$OUT/summary.txt" <<'PY'
import json, sys
out = sys.argv[1]
a = json.load(open(f"{out}/hf_tokenizer.json"))["model"]
b = json.load(open(f"{out}/sluice_hf/tokenizer.json"))["model"]
c = json.load(open(f"{out}/sluice_1t/tokenizer.json"))["model"]
n = 0
while n < min(len(a["merges"]), len(b["merges"])) and a["merges"][n] == b["merges"][n]:
    n += 1
print(f"merges: HF {len(a['merges'])}, sluice {len(b['merges'])}, equal leading {n}, "
      f"identical={a['merges'] == b['merges'] and a['vocab'] == b['vocab']}, "
      f"1 thread == 2 threads: {b == c}")
PY

# Bytes per token on held-out text (each non-blank line encoded on its own), and encoding speed.
for lang in en zh; do
  f="$CORPUS/heldout_$lang.txt"
  bytes=$(grep -v '^[[:space:]]*$' "$f" | tr -d '\r\n' | wc -c)
  "${TIME[@]}" -o "$OUT/enc_sluice_$lang.time" "$SLUICE" encode --count --tokenizer "$OUT/sluice_default/tokenizer.json" "$f" > "$OUT/enc_sluice_$lang.txt"
  st=$(awk '{s+=$1} END {print s}' "$OUT/enc_sluice_$lang.txt")
  "$SLUICE" encode --count --tokenizer "$OUT/sluice_hf/tokenizer.json" "$f" > "$OUT/enc_sluice_hf_$lang.txt"
  sh=$(awk '{s+=$1} END {print s}' "$OUT/enc_sluice_hf_$lang.txt")
  hfline=$(node "$HERE/hf_bench.js" "$NPM" count "$OUT/hf_tokenizer.json" "$f")
  ht=$(echo "$hfline" | awk '{print $2}')
  hs=$(echo "$hfline" | awk '{print $4}')
  grep -v '^[[:space:]]*$' "$f" | tr -d '\r' > "$OUT/spm_in_$lang.txt"
  spm_encode --model="$OUT/spm.model" --output_format=id < "$OUT/spm_in_$lang.txt" > "$OUT/spm_ids_$lang.txt" 2>/dev/null || true
  sp=$(wc -w < "$OUT/spm_ids_$lang.txt")
  python3 -c "
b=$bytes
print(f'heldout_$lang: {b} bytes; bytes/token: sluice default {b/$st:.3f}, sluice HF-settings {b/$sh:.3f}, HF {b/$ht:.3f}, spm {b/max($sp,1):.3f}')
print(f'encode_$lang: sluice $(awk '{print $2}' "$OUT/enc_sluice_$lang.time")s wall ({b/1e6/max(float(\"$(awk '{print $2}' "$OUT/enc_sluice_$lang.time")\"),1e-9):.1f} MB/s), HF encodeBatch ${hs}s ({b/1e6/max(float(\"$hs\"),1e-9):.1f} MB/s)')
" | tee -a "$OUT/summary.txt"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
