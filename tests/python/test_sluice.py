"""The Python API against the command line on real data (CTest: python/api).

Needs PYTHONPATH=<build>/python, SLUICE_BINARY and SLUICE_SOURCE_DIR (set by
tests/CMakeLists.txt).
"""
import glob
import gzip
import json
import os
import resource
import subprocess
import threading
import time

import pytest

import sluice

BIN = os.environ["SLUICE_BINARY"]
SRC = os.environ["SLUICE_SOURCE_DIR"]


def sh(*args, **kw):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True, **kw)


def read_records(folder):
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        if path.endswith(".zst"):
            data = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout
        elif path.endswith(".gz"):
            data = gzip.open(path).read()
        else:
            data = open(path, "rb").read()
        out += [json.loads(line) for line in data.splitlines() if line.strip()]
    return out


def _strict_object(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def _no_constants(name):
    raise ValueError(name)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled web sample (real pages, several languages, junk and
    duplicates) as records: its lines that are JSON objects to Python too (the
    sample also holds broken lines on purpose; those are the reader's tests)."""
    d = tmp_path_factory.mktemp("sample")
    subprocess.run(["python3", os.path.join(SRC, "samples", "build_sample.py"), str(d)], check=True,
                   capture_output=True)
    records, lines = [], []
    with open(os.path.join(d, "web-sample.jsonl"), "rb") as f:
        for raw in f:
            try:  # valid UTF-8 only: the reader repairs broken bytes, Python cannot hold them
                line = raw.decode("utf-8")
                rec = json.loads(line, object_pairs_hook=_strict_object, parse_constant=_no_constants)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                records.append(rec)
                lines.append(line)
    path = os.path.join(d, "valid.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    assert len(records) > 500
    return path, records


@pytest.fixture(scope="module")
def cli_run(sample, tmp_path_factory):
    path, _ = sample
    out = tmp_path_factory.mktemp("cli") / "out"
    sh("run", path, "-o", str(out), "-q", "--no-report", "--threads", "2")
    return out


def strip_timing(stats):
    stats = dict(stats)
    stats.pop("timing", None)
    return stats


def test_pipeline_keeps_exactly_what_the_cli_keeps(sample, cli_run):
    _, records = sample
    cli_kept = read_records(cli_run / "kept")
    pipe = sluice.Pipeline.from_yaml(open(os.path.join(SRC, "pipelines/recipes/default.yaml")).read(), threads=2)
    kept = list(pipe.process(iter(records), batch_size=97))
    assert len(kept) == len(cli_kept) > 0
    assert [r["id"] for r in kept] == [r["id"] for r in cli_kept]
    assert [r["text"] for r in kept] == [r["text"] for r in cli_kept]
    assert kept == cli_kept  # every field, as kept/ holds them
    pipe.close()
    stats = pipe.stats()
    cli_stats = json.load(open(cli_run / "stats.json"))
    assert stats["totals"] == {**cli_stats["totals"]}
    for mine, theirs in zip(stats["stages"], cli_stats["stages"]):
        assert mine["name"] == theirs["name"]
        assert mine["dropped"] == theirs["dropped"]
        assert mine["counters"] == theirs["counters"]
        assert mine.get("report") == theirs.get("report")


def test_with_rejected_gives_every_record_a_verdict(sample, cli_run):
    _, records = sample
    pipe = sluice.Pipeline.from_file(os.path.join(SRC, "pipelines/recipes/default.yaml"))
    pairs = list(pipe.process(records, with_rejected=True))
    assert len(pairs) == len(records)
    dropped = [(rec, v) for rec, v in pairs if not v.kept]
    cli_rejected = read_records(cli_run / "rejected")
    assert [r["id"] for r, _ in dropped] == [r["id"] for r in cli_rejected]
    assert [(v.stage, v.reason) for _, v in dropped] == [(r["stage"], r["reason"]) for r in cli_rejected]
    assert all(v.reason and v.reasons and v.reasons[0] == v.reason for _, v in dropped)
    # A record without text is malformed, not lost.
    bad = list(pipe.process([{"id": "no-text", "title": "x"}], with_rejected=True))
    assert bad[0][1] == sluice.Verdict(False, "", "malformed:missing_text", ("malformed:missing_text",),
                                       bad[0][1].detail)
    assert pipe.stats()["totals"]["malformed"] == 1


def test_run_equals_the_cli(sample, cli_run, tmp_path):
    path, _ = sample
    pipe = sluice.Pipeline.from_file(os.path.join(SRC, "pipelines/recipes/default.yaml"), threads=2)
    stats = pipe.run(path, str(tmp_path / "out"))
    assert strip_timing(stats) == strip_timing(json.load(open(cli_run / "stats.json")))
    assert read_records(tmp_path / "out" / "kept") == read_records(cli_run / "kept")


def test_recipe_errors_raise_value_error_naming_stage_and_key():
    with pytest.raises(ValueError, match="gopher_quality.*min_words|min_words.*gopher_quality"):
        sluice.Pipeline.from_yaml("stages:\n  - {type: gopher_quality, min_words: -3}\n")
    with pytest.raises(ValueError, match="no_such_stage"):
        sluice.Pipeline.from_yaml("stages:\n  - {type: no_such_stage}\n")
    with pytest.raises(ValueError, match="bogus"):
        sluice.Pipeline.from_yaml("stages:\n  - {type: normalize, bogus: 1}\n")
    # A record that is not an object is malformed, as the same JSONL line is for `sluice run`.
    pipe = sluice.Pipeline.from_yaml("stages: []\n")
    [(record, verdict)] = list(pipe.process(["not a dict"], with_rejected=True))
    assert verdict.reason == "malformed:not_an_object"
    assert pipe.stats()["totals"] == {**pipe.stats()["totals"], "in": 1, "malformed": 1}
    with pytest.raises(TypeError, match="cannot be written as JSON"):
        list(pipe.process([{"text": "x", "when": object()}]))


def test_tokenizer_ids_equal_sluice_encode(sample, tmp_path):
    path, records = sample
    texts = [r["text"] for r in records]
    tok = sluice.train_tokenizer(texts, vocab_size=800, special_tokens=["<|endoftext|>"])
    tok.save(tmp_path / "tok")
    # The same training from the command line gives the same tokenizer files.
    sh("train-tokenizer", "-i", path, "-o", str(tmp_path / "cli-tok"), "--vocab-size", "800",
       "--special-tokens", "<|endoftext|>", "--threads", "2")
    for name in ("tokenizer.json", "merges.txt", "vocab.json"):
        assert open(tmp_path / "tok" / name, "rb").read() == open(tmp_path / "cli-tok" / name, "rb").read()
    loaded = sluice.Tokenizer.from_file(tmp_path / "cli-tok" / "tokenizer.json")
    assert loaded.vocab_size == tok.vocab_size == 800
    cli = sh("encode", "--tokenizer", str(tmp_path / "cli-tok" / "tokenizer.json"), path).stdout.splitlines()
    batch = loaded.encode_batch(texts, threads=2)
    assert batch == [json.loads(line) for line in cli]
    assert [loaded.encode(t) for t in texts[:20]] == batch[:20]
    assert loaded.decode(batch[3]) == texts[3]
    assert loaded.token_to_id("<|endoftext|>") == 0
    with pytest.raises(ValueError, match="directory"):
        sluice.Tokenizer.from_file(tmp_path / "tok")


def test_gil_is_released_while_cpp_works(sample):
    """Another Python thread keeps running while a pipeline works in C++."""
    _, records = sample
    records = records * 8
    # Heavy stages, tiny results (everything is dropped): the time is C++ time.
    pipe = sluice.Pipeline.from_yaml(
        "stages:\n  - {type: language_id}\n  - {type: gopher_repetition}\n"
        "  - {type: gopher_quality, min_words: 100000000}\n", threads=1)
    done = threading.Event()
    gaps = []
    kept = []

    def work():
        kept.extend(pipe.process(records, batch_size=len(records)))  # one long C++ call
        done.set()

    t = threading.Thread(target=work)
    start = time.perf_counter()
    t.start()
    last = time.perf_counter()
    while not done.is_set():
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        time.sleep(0.001)
    t.join()
    elapsed = time.perf_counter() - start
    assert kept == []
    assert elapsed > 0.5, "the work was too short to tell"
    # Had the C++ call held the GIL, this thread would have stalled for most of it.
    assert max(gaps) < elapsed / 3, (max(gaps), elapsed)


def test_a_million_records_from_a_generator_in_bounded_memory():
    pipe = sluice.Pipeline.from_yaml("stages:\n  - {type: normalize}\n", threads=2)

    def records():
        for i in range(1_000_000):
            yield {"id": f"r{i}", "text": f"Record number {i}: ｆｕｌｌ width and   spaces."}

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = 0
    for rec in pipe.process(records(), batch_size=2048):
        n += 1
        if n == 1:
            assert rec["text"] == "Record number 0: full width and spaces."
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert n == 1_000_000
    assert pipe.stats()["totals"]["in"] == 1_000_000
    assert (after - before) < 200 * 1024, f"peak RSS grew by {(after - before) / 1024:.0f} MiB"


def test_stages_lists_every_stage_with_options():
    stages = {s["type"]: s for s in sluice.stages()}
    assert stages["minhash_dedup"]["global"] is True
    assert stages["gopher_quality"]["global"] is False
    opts = {o["name"]: o for o in stages["minhash_dedup"]["options"]}
    assert opts["threshold"]["default"] == "0.8"
    assert opts["threshold"]["type"] == "float"
    assert all(s["summary"] for s in stages.values())
