// Mozilla Readability (the Firefox reader view) over jsdom on every page of PAGES.jsonl;
// writes {"id","text"} per page (text = article.textContent, "" when Readability finds none)
// and the time spent in jsdom + Readability (node start-up and file reading excluded) on stderr.
// Usage: NODE_PATH=<npm dir>/node_modules node readability.js PAGES.jsonl OUT.jsonl
const fs = require('fs');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');
const [, , input, output] = process.argv;
const lines = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.length > 0);
const out = [];
const virtualConsole = new VirtualConsole();  // CSS parse warnings of jsdom silenced
let ms = 0;
for (const line of lines) {
  const page = JSON.parse(line);
  const t0 = process.hrtime.bigint();
  const dom = new JSDOM(page.text, { url: 'file:///' + page.id, virtualConsole });
  const article = new Readability(dom.window.document).parse();
  const text = article ? article.textContent : '';
  ms += Number(process.hrtime.bigint() - t0) / 1e6;
  dom.window.close();
  out.push(JSON.stringify({ id: page.id, text }));
}
fs.writeFileSync(output, out.join('\n') + '\n');
process.stderr.write(`readability: ${lines.length} pages in ${(ms / 1000).toFixed(2)} s (jsdom + Readability)\n`);
