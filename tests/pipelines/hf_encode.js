#!/usr/bin/env node
// Encodes the `text` of every JSONL record with Hugging Face tokenizers (npm)
// and writes one JSON array of ids per record, for comparison with sluice.
//   node hf_encode.js NPM_DIR TOKENIZER_JSON INPUT.jsonl OUT.jsonl
'use strict';
const fs = require('fs');
const path = require('path');
const [npm, tokPath, input, output] = process.argv.slice(2);
const hf = require(path.join(npm, 'node_modules', 'tokenizers'));
const tok = hf.Tokenizer.fromFile(tokPath);
const texts = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text);
(async () => {
  const out = [];
  for (let i = 0; i < texts.length; i += 1024) {
    const encs = await tok.encodeBatch(texts.slice(i, i + 1024), { addSpecialTokens: false });
    for (const e of encs) out.push(JSON.stringify(Array.from(e.getIds())));
  }
  fs.writeFileSync(output, out.join('\n') + '\n');
})();
