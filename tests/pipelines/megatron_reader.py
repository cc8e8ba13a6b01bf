#!/usr/bin/env python3
"""Reads token shards back, written only from the published layouts, and
compares them with expected ids (one JSON array per record, e.g. from
`sluice encode` or Hugging Face tokenizers).

Megatron-LM indexed dataset (.idx): b"MMIDIDX\\x00\\x00", u64 version (1),
u8 dtype code (8 uint16, 4 int32, ...), u64 sequence count N, u64 document
count D, i32 sizes[N], i64 byte pointers[N], i64 document indices[D];
little-endian. The .bin is the tokens, no header. nanoGPT: a flat uint16 .bin.

usage: megatron_reader.py --dir OUTDIR [--name tokens] --expect IDS.jsonl
                          [--eod ID] [--format megatron|nanogpt] [--tokenizer PATH]
Prints PASS/FAIL lines; exit 0 when everything matches.
"""
import argparse
import array
import hashlib
import json
import os
import struct
import sys

DTYPES = {1: ("B", 1), 2: ("b", 1), 3: ("h", 2), 4: ("i", 4), 5: ("q", 8), 8: ("H", 2)}
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + name + (": " + detail if detail and not ok else ""))
    if not ok:
        failures += 1


def load_array(data, code, offset, count):
    a = array.array(code)
    a.frombytes(data[offset:offset + count * a.itemsize])
    if sys.byteorder != "little":
        a.byteswap()
    return a


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:9] == b"MMIDIDX\x00\x00", "bad magic"
    (version,) = struct.unpack_from("<Q", data, 9)
    (dtype_code,) = struct.unpack_from("<B", data, 17)
    n, d = struct.unpack_from("<QQ", data, 18)
    off = 34
    sizes = load_array(data, "i", off, n)
    off += 4 * n
    pointers = load_array(data, "q", off, n)
    off += 8 * n
    doc_idx = load_array(data, "q", off, d)
    off += 8 * d
    return version, dtype_code, list(sizes), list(pointers), list(doc_idx), off == len(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--name", default="tokens")
    ap.add_argument("--expect", required=True)
    ap.add_argument("--eod", type=int)
    ap.add_argument("--format", default="megatron")
    ap.add_argument("--tokenizer")
    ap.add_argument("--expect-dtype")
    a = ap.parse_args()
    expected = [json.loads(l) for l in open(a.expect) if l.strip()]
    if a.eod is not None:
        expected = [e + [a.eod] for e in expected]
    side = json.load(open(os.path.join(a.dir, "tokens.json")))
    binpath = os.path.join(a.dir, a.name + ".bin")
    with open(binpath, "rb") as f:
        blob = f.read()
    if a.format == "megatron":
        version, code, sizes, pointers, doc_idx, exact = read_idx(os.path.join(a.dir, a.name + ".idx"))
        check("idx version 1", version == 1, str(version))
        check("idx size matches its counts", exact)
        check("dtype code known", code in DTYPES, str(code))
        tc, width = DTYPES[code]
        check("one sequence per record", len(sizes) == len(expected), "%d vs %d" % (len(sizes), len(expected)))
        check("document index is 0..N", doc_idx == list(range(len(sizes) + 1)))
        run, ok = 0, True
        for s, p in zip(sizes, pointers):
            ok = ok and p == run
            run += s * width
        check("pointers are running byte offsets", ok)
        check("bin size = sum(sizes) * itemsize", len(blob) == run, "%d vs %d" % (len(blob), run))
        seqs = [list(load_array(blob, tc, p, s)) for s, p in zip(sizes, pointers)]
        bad = [i for i, (x, y) in enumerate(zip(seqs, expected)) if x != y]
        check("sequences equal the expected ids, in order", not bad and len(seqs) == len(expected),
              "first mismatch at record %s" % (bad[:1],))
        check("sidecar dtype/code", side["megatron_dtype_code"] == code and side["itemsize"] == width)
        if a.expect_dtype:
            check("dtype is " + a.expect_dtype, {"uint16": 8, "int32": 4}[a.expect_dtype] == code, str(code))
    else:
        flat = list(load_array(blob, "H", 0, len(blob) // 2))
        want = [t for e in expected for t in e]
        check("nanogpt stream equals the expected ids", flat == want, "%d vs %d tokens" % (len(flat), len(want)))
    check("sidecar counts", side["documents"] == len(expected) and side["tokens"] == sum(map(len, expected)))
    if a.tokenizer:
        digest = hashlib.sha256(open(a.tokenizer, "rb").read()).hexdigest()
        check("sidecar tokenizer sha256", side["tokenizer"]["sha256"] == digest)
    print("records %d tokens %d" % (len(expected), sum(map(len, expected))))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
