#!/usr/bin/env node
// Hugging Face tokenizers (npm) side of the tokenizer benchmark.
//   node hf_bench.js NPM_DIR train FILE OUT_JSON   -> default BPE trainer (vocab 30000), ByteLevel(add_prefix_space=false)
//   node hf_bench.js NPM_DIR count TOKENIZER_JSON FILE -> encodes each non-blank line, prints "tokens N seconds S"
'use strict';
const fs = require('fs');
const path = require('path');
const [npm, mode, a, b] = process.argv.slice(2);
const hf = require(path.join(npm, 'node_modules', 'tokenizers'));
if (mode === 'train') {
  const tok = new hf.Tokenizer(hf.BPE.empty());
  tok.setPreTokenizer(hf.byteLevelPreTokenizer(false, true));
  const t0 = Date.now();
  tok.train([a]);
  console.log(`hf_train_seconds ${(Date.now() - t0) / 1000}`);
  tok.save(b, false);
} else if (mode === 'count') {
  const tok = hf.Tokenizer.fromFile(a);
  const lines = fs.readFileSync(b, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim().length);
  const t0 = Date.now();
  const batch = 4096;
  (async () => {
    let tokens = 0;
    for (let i = 0; i < lines.length; i += batch) {
      const encs = await tok.encodeBatch(lines.slice(i, i + batch), { addSpecialTokens: false });
      for (const e of encs) tokens += e.getLength();
    }
    console.log(`tokens ${tokens} seconds ${(Date.now() - t0) / 1000}`);
  })();
} else {
  console.error('usage: hf_bench.js NPM_DIR train FILE OUT | count TOKENIZER_JSON FILE');
  process.exit(1);
}
