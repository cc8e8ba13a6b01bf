#!/usr/bin/env python3
"""Six perturbed copies of make_corpus.py's en.jsonl (52k documents) for the end-to-end MinHash bench.

Usage: python3 bench/minhash/make_en6.py /tmp/mhbench/en.jsonl > /tmp/en6.jsonl
Copy i gets ids prefixed "r<i>-" and len(words)//3 random word-pair swaps (random.seed(i)), so the
copies are not near-duplicates of each other; the near-duplicates inside en.jsonl mostly stop being so too.
"""
import json
import random
import sys


def main():
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
    for i in range(1, 7):
        random.seed(i)
        for line in lines:
            o = json.loads(line)
            o["id"] = f"r{i}-" + o["id"]
            w = o["text"].split(" ")
            for _ in range(max(1, len(w) // 3)):
                a = random.randrange(len(w))
                b = random.randrange(len(w))
                w[a], w[b] = w[b], w[a]
            o["text"] = " ".join(w)
            print(json.dumps(o, ensure_ascii=False))


if __name__ == "__main__":
    main()
