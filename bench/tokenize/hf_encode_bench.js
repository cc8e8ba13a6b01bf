#!/usr/bin/env node
// HF tokenizers (npm) side of the `sluice tokenize` benchmark: encodes the
// `text` of every JSONL record with encodeBatch (batches of 1024 documents,
// no special tokens added) and prints "docs N tokens T read_s R encode_s E".
// With OUT, also writes one JSON array of ids per record (for the equality check).
//   node hf_encode_bench.js NPM_DIR TOKENIZER_JSON CORPUS.jsonl [OUT.jsonl]
'use strict';
const fs = require('fs');
const path = require('path');
const [npm, tokPath, input, output] = process.argv.slice(2);
const hf = require(path.join(npm, 'node_modules', 'tokenizers'));
const t0 = Date.now();
const tok = hf.Tokenizer.fromFile(tokPath);
const texts = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l).text);
const t1 = Date.now();
(async () => {
  let tokens = 0;
  const out = output ? fs.createWriteStream(output) : null;
  for (let i = 0; i < texts.length; i += 1024) {
    const encs = await tok.encodeBatch(texts.slice(i, i + 1024), { addSpecialTokens: false });
    for (const e of encs) {
      tokens += e.getLength();
      if (out) out.write(JSON.stringify(Array.from(e.getIds())) + '\n');
    }
  }
  const t2 = Date.now();
  if (out) out.end();
  console.log(`docs ${texts.length} tokens ${tokens} read_s ${(t1 - t0) / 1000} encode_s ${(t2 - t1) / 1000}`);
})();
