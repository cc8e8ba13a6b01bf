#!/usr/bin/env python3
"""Packs real HTML pages shipped in Debian packages (/usr/share/doc/*/html) into a
deterministic WARC/1.1 file: for each page a request and a 200 response record,
plus a warcinfo record, a 404, a redirect and an image response. No network.

    python3 samples/build_warc_sample.py OUT.warc.gz [--max-pages N] [--root DIR]

.gz output is one gzip member per record (mtime 0), .zst needs the zstd tool,
anything else is written plain. Same inputs -> same bytes."""
import argparse
import gzip
import hashlib
import pathlib
import subprocess
import sys


def record(warc_type, uri, content_type, block, extra=None):
    rid = hashlib.sha1((warc_type + uri).encode() + block[:64]).hexdigest()
    headers = [
        ("WARC-Type", warc_type),
        ("WARC-Record-ID", f"<urn:uuid:{rid[:8]}-{rid[8:12]}-{rid[12:16]}-{rid[16:20]}-{rid[20:32]}>"),
        ("WARC-Date", "2024-01-01T00:00:00Z"),
    ]
    if uri:
        headers.append(("WARC-Target-URI", uri))
    for k, v in (extra or {}).items():
        headers.append((k, v))
    headers.append(("Content-Type", content_type))
    headers.append(("Content-Length", str(len(block))))
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + block + b"\r\n\r\n"


def http(status, headers, body):
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--max-pages", type=int, default=200)
    ap.add_argument("--root", default="/usr/share/doc")
    a = ap.parse_args()
    pages = sorted(p for p in pathlib.Path(a.root).glob("*/html/**/*.html") if p.is_file())[: a.max_pages]
    if not pages:
        sys.exit(f"no HTML pages under {a.root}/*/html")
    recs = [record("warcinfo", "", "application/warc-fields", b"software: sluice build_warc_sample.py\r\n")]
    for p in pages:
        uri = "http://docs.example.org/" + str(p.relative_to(a.root))
        body = p.read_bytes()
        recs.append(record("request", uri, "application/http; msgtype=request",
                           f"GET /{p.relative_to(a.root)} HTTP/1.1\r\nHost: docs.example.org\r\n\r\n".encode()))
        digest = "sha1:" + hashlib.sha1(body).hexdigest()
        recs.append(record("response", uri, "application/http; msgtype=response",
                           http("200 OK", [("Content-Type", "text/html")], body), {"WARC-Payload-Digest": digest}))
    recs.append(record("response", "http://docs.example.org/missing", "application/http; msgtype=response",
                       http("404 Not Found", [("Content-Type", "text/html")], b"<p>no such page</p>")))
    recs.append(record("response", "http://docs.example.org/old", "application/http; msgtype=response",
                       http("301 Moved Permanently", [("Location", "http://docs.example.org/")], b"")))
    recs.append(record("response", "http://docs.example.org/logo.png", "application/http; msgtype=response",
                       http("200 OK", [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n")))
    out = pathlib.Path(a.out)
    if out.name.lower().endswith(".gz"):
        out.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in recs))
    elif out.name.lower().endswith(".zst"):
        out.write_bytes(subprocess.run(["zstd", "-q", "-c"], input=b"".join(recs), check=True, capture_output=True).stdout)
    else:
        out.write_bytes(b"".join(recs))
    print(f"{out}: {len(pages)} pages, {len(recs)} records")


if __name__ == "__main__":
    main()
