#!/usr/bin/env node
// Conformance of sluice's tokenizer with Hugging Face tokenizers (npm package).
//  (a) training: HF's default BPE trainer (vocab 30000, min_frequency 0, no
//      initial alphabet) with ByteLevel(add_prefix_space=false) vs
//      `sluice train-tokenizer --preset gpt2 --min-frequency 0 --initial-alphabet seen
//      --max-pretoken-bytes 0` on the same file: merges and vocab must be equal.
//  (b) encoding: sluice's tokenizer.json (gpt2 and cl100k presets, with special
//      tokens) loads in HF, and HF's ids equal `sluice encode`'s on held-out
//      English, Chinese and whitespace-heavy records.
// Usage: node hf_conformance.js --sluice BIN --npm DIR --work DIR --train FILE --heldout FILE...
// Exit 0 when everything matches; prints one line per check.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (k === 'heldout') (args.heldout = args.heldout || []).push(process.argv[i + 1]);
  else args[k] = process.argv[i + 1];
}
const hf = require(path.join(args.npm, 'node_modules', 'tokenizers'));
let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
  if (!ok) failures++;
}
function sluice(argv, input) {
  return execFileSync(args.sluice, argv, { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'inherit'] }).toString();
}

// ---- (a) training
const hfJson = path.join(args.work, 'hf_tokenizer.json');
{
  const tok = new hf.Tokenizer(hf.BPE.empty());
  tok.setPreTokenizer(hf.byteLevelPreTokenizer(false, true));
  const t0 = Date.now();
  tok.train([args.train]);
  console.log(`hf train: ${(Date.now() - t0) / 1000}s`);
  tok.save(hfJson, false);
}
const slDir = path.join(args.work, 'sluice_gpt2_seen');
{
  const t0 = Date.now();
  sluice(['train-tokenizer', '-q', '-i', args.train, '-o', slDir, '--vocab-size', '30000', '--preset', 'gpt2',
          '--min-frequency', '0', '--initial-alphabet', 'seen', '--max-pretoken-bytes', '0']);
  console.log(`sluice train: ${(Date.now() - t0) / 1000}s`);
}
const a = JSON.parse(fs.readFileSync(hfJson)).model;
const b = JSON.parse(fs.readFileSync(path.join(slDir, 'tokenizer.json'))).model;
{
  let n = 0;
  while (n < a.merges.length && n < b.merges.length && a.merges[n][0] === b.merges[n][0] &&
         a.merges[n][1] === b.merges[n][1]) n++;
  const same = n === a.merges.length && n === b.merges.length;
  check('train merges equal HF', same,
        `${n} common leading merges of ${a.merges.length} (HF) / ${b.merges.length} (sluice)` +
        (same ? '' : `; first difference HF ${JSON.stringify(a.merges[n])} sluice ${JSON.stringify(b.merges[n])}`));
  const va = Object.entries(a.vocab).sort((x, y) => x[1] - y[1]);
  const vb = Object.entries(b.vocab).sort((x, y) => x[1] - y[1]);
  check('train vocab equal HF', JSON.stringify(va) === JSON.stringify(vb), `${va.length} / ${vb.length} tokens`);
}

// ---- (b) encoding: records = held-out lines plus tricky whitespace strings.
const records = [];
for (const f of args.heldout) {
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) if (line.trim().length) records.push(line + '\n');
}
records.push('tabs\tand\t\tspaces   here  \r\nnext', 'nbsp\u00a0\u00a0x \u00a0y', '全角\u3000空格\u3000\u3000中文',
             'trailing   ', '\n\n\nlead', "It's DON'T we'LL 'S", 'digits 1234567 ١٢٣ ①②', 'a<|endoftext|>b<pad>',
             'x \t\n\t y', 'emoji 😀😀 combining e\u0301');
const jsonl = records.map((t) => JSON.stringify({ text: t })).join('\n') + '\n';
const jsonlPath = path.join(args.work, 'heldout.jsonl');
fs.writeFileSync(jsonlPath, jsonl);

for (const preset of ['gpt2', 'cl100k']) {
  const dir = path.join(args.work, 'sluice_' + preset);
  sluice(['train-tokenizer', '-q', '-i', args.train, '-o', dir, '--vocab-size', '8000', '--preset', preset,
          '--special-tokens', '<|endoftext|>,<pad>']);
  const file = path.join(dir, 'tokenizer.json');
  const tok = hf.Tokenizer.fromFile(file);
  const ours = sluice(['encode', '--tokenizer', file, jsonlPath]).trimEnd().split('\n').map((l) => JSON.parse(l));
  const p = Promise.all(records.map((r) => tok.encode(r, null, { addSpecialTokens: false })));
  p.then((encs) => {
    let bad = -1;
    let tokens = 0;
    encs.forEach((e, i) => {
      const ids = Array.from(e.getIds());
      tokens += ids.length;
      if (bad < 0 && JSON.stringify(ids) !== JSON.stringify(ours[i])) bad = i;
    });
    check(`encode ${preset}: sluice ids equal HF ids`, bad < 0 && ours.length === records.length,
          `${records.length} records, ${tokens} tokens` +
          (bad < 0 ? '' : `; first difference in record ${bad} ${JSON.stringify(records[bad]).slice(0, 200)}: HF ` +
                          `${JSON.stringify(Array.from(encs[bad].getIds())).slice(0, 200)} sluice ` +
                          `${JSON.stringify(ours[bad]).slice(0, 200)}`));
    if (preset === 'cl100k') process.exitCode = failures ? 1 : 0;
  }).catch((e) => { check(`encode ${preset}`, false, String(e)); process.exitCode = 1; });
}
process.on('exit', () => { if (failures) process.exitCode = 1; });
