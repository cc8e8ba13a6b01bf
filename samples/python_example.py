#!/usr/bin/env python3
"""Clean a JSONL corpus from Python, then train a tokenizer on what survives.

    PYTHONPATH=build/python python3 samples/python_example.py samples/raw/web-sample.jsonl out/py
"""
import json
import os
import sys

import sluice

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))


def records(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                yield json.loads(line)
            except ValueError:
                continue  # not JSON at all: sluice run would count it as malformed


pipe = sluice.Pipeline.from_file(os.path.join(here, "recipes", "web.yaml"))
texts = []
with open(os.path.join(out, "kept.jsonl"), "w", encoding="utf-8") as kept:
    for record, verdict in pipe.process(records(src), with_rejected=True):
        if verdict.kept:
            kept.write(json.dumps(record, ensure_ascii=False) + "\n")
            texts.append(record["text"])
pipe.close()
totals = pipe.stats()["totals"]
print(f"in {totals['in']}: kept {totals['kept']}, dropped {totals['dropped']}, malformed {totals['malformed']}")

tok = sluice.train_tokenizer(texts, vocab_size=2000, special_tokens=["<|endoftext|>"])
tok.save(os.path.join(out, "tokenizer"))
print("tokenizer:", os.path.join(out, "tokenizer", "tokenizer.json"), "first ids:", tok.encode(texts[0])[:10])
