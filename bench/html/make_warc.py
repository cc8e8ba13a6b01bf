#!/usr/bin/env python3
"""Writes a page set (make_pages.py's JSONL: {"id", "text"} per HTML page) as a crawl would store it:
a WARC/1.1 file, one gzip member per record, with a warcinfo record, and per page a request record and
an HTTP 200 text/html response (URL http://docs.example/<id>); every 10th page also gets a 404 page,
a PNG image and a 301 redirect, which must give no document. Record ids and dates are derived from the
URL, so the file is byte-identical from run to run.
Usage: make_warc.py pages.jsonl out.warc.gz
Prints how many records of each kind it wrote."""
import collections
import gzip
import io
import json
import sys
import uuid

DATE = "2026-12-05T00:00:00Z"


def record(out, kind, uri, block, content_type, extra=()):
    rid = uuid.uuid5(uuid.NAMESPACE_URL, kind + ":" + uri)
    head = [
        "WARC/1.1",
        f"WARC-Type: {kind}",
        f"WARC-Record-ID: <urn:uuid:{rid}>",
        f"WARC-Date: {DATE}",
    ]
    if uri:
        head.append(f"WARC-Target-URI: {uri}")
    head += list(extra)
    head += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    data = ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(data)
    out.write(buf.getvalue())


def http(status, headers, body):
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers] + [f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def main():
    pages_path, out_path = sys.argv[1], sys.argv[2]
    counts = collections.Counter()
    with open(out_path, "wb") as out:
        record(out, "warcinfo", "", b"software: sluice bench/html/make_warc.py\r\nformat: WARC File Format 1.1\r\n",
               "application/warc-fields")
        counts["warcinfo"] += 1
        for i, line in enumerate(open(pages_path, encoding="utf-8")):
            page = json.loads(line)
            uri = "http://docs.example/" + page["id"]
            req = f"GET /{page['id']} HTTP/1.1\r\nHost: docs.example\r\n\r\n".encode()
            record(out, "request", uri, req, "application/http; msgtype=request")
            counts["request"] += 1
            body = page["text"].encode("utf-8")
            resp = http("200 OK", [("Content-Type", "text/html; charset=utf-8")], body)
            record(out, "response", uri, resp, "application/http; msgtype=response")
            counts["response 200 html"] += 1
            if i % 10 == 0:
                missing = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
                record(out, "response", uri + ".missing",
                       http("404 Not Found", [("Content-Type", "text/html")], missing),
                       "application/http; msgtype=response")
                png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
                record(out, "response", uri + ".png", http("200 OK", [("Content-Type", "image/png")], png),
                       "application/http; msgtype=response")
                record(out, "response", uri + ".old",
                       http("301 Moved Permanently", [("Location", uri), ("Content-Type", "text/html")], b""),
                       "application/http; msgtype=response")
                counts["response 404"] += 1
                counts["response image/png"] += 1
                counts["response 301"] += 1
    for kind, n in sorted(counts.items()):
        print(f"{kind}: {n}")


if __name__ == "__main__":
    main()
