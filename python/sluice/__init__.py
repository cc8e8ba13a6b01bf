"""sluice from Python: the same C++ engine as the ``sluice`` command line.

    import sluice
    pipe = sluice.Pipeline.from_file("recipe.yaml")
    for record in pipe.process(records):          # any iterable of dicts
        ...                                       # the kept records, cleaned
    pipe.close(); print(pipe.stats()["totals"])

    tok = sluice.Tokenizer.from_file("out/tokenizer/tokenizer.json")
    ids = tok.encode_batch(["Hello world", "你好，世界"])

Records cross into C++ in batches (``batch_size``); the GIL is released while
the engine works, so other Python threads run meanwhile. See docs/python.md.
"""
from __future__ import annotations

import json as _json
import os as _os
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _sluice

__version__ = _sluice.__version__
__all__ = ["Pipeline", "Verdict", "Tokenizer", "train_tokenizer", "stages", "__version__"]

_KEPT, _DROPPED, _MALFORMED = 0, 1, 2


class Verdict(NamedTuple):
    """What the pipeline decided about one record.

    ``kept``: True when the record survived every stage. Otherwise ``stage`` and
    ``reason`` name the stage and rule that dropped it (``reason`` is
    ``"malformed:<error>"`` for a record that could not be read, e.g. no
    ``text``), ``reasons`` lists every failing rule of that stage and
    ``detail`` is the human-readable extra (e.g. "duplicate of doc-17").
    """

    kept: bool
    stage: str = ""
    reason: str = ""
    reasons: Tuple[str, ...] = ()
    detail: str = ""


class Pipeline:
    """A recipe's stages, ready to clean records.

    Build with :meth:`from_yaml` or :meth:`from_file` (the same recipes as
    ``sluice run``, validated the same way: a bad recipe raises ``ValueError``
    naming the stage and key). One Pipeline is one run: dedup stages remember
    what they saw across :meth:`process` calls, and :meth:`stats` counts all of
    them. Call :meth:`close` after the last record to finish the stages
    (reports in the stats); a closed pipeline processes nothing more.
    """

    def __init__(self, _engine: Any) -> None:
        self._engine = _engine

    @classmethod
    def from_yaml(cls, text: str, threads: Optional[int] = None, base_dir: str = ".") -> "Pipeline":
        """A pipeline from recipe YAML text; relative paths in it resolve against ``base_dir``."""
        return cls(_sluice._Pipeline(text, base_dir, threads or 0))

    @classmethod
    def from_file(cls, path: Union[str, "_os.PathLike[str]"], threads: Optional[int] = None) -> "Pipeline":
        """A pipeline from a recipe file (relative paths resolve against its folder)."""
        path = _os.fspath(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls(_sluice._Pipeline(text, _os.path.dirname(_os.path.abspath(path)), threads or 0))

    def process(
        self,
        records: Iterable[Dict[str, Any]],
        with_rejected: bool = False,
        batch_size: int = 1024,
        source: str = "records",
    ) -> Iterator[Any]:
        """Runs the stages over ``records`` (dicts with ``text``; ``id`` and any
        other fields are carried through) and yields, in input order, the kept
        records exactly as ``sluice run`` writes them to ``kept/``. With
        ``with_rejected=True`` it yields ``(record, Verdict)`` for every record
        instead (dropped ones in their ``rejected/`` form). Records without an
        ``id`` get ``"<source>:<n>"``, n counting from 1 over the pipeline's
        life. Memory stays bounded: ``records`` may be a generator over a large
        file; at most ``batch_size`` records are in flight.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        batch: List[Dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch, with_rejected, source)
                batch = []
        if batch:
            yield from self._run_batch(batch, with_rejected, source)

    def _run_batch(self, batch: List[Dict[str, Any]], with_rejected: bool, source: str) -> Iterator[Any]:
        lines = []
        for i, record in enumerate(batch):
            try:  # a record that is not a dict reaches the reader and is malformed (not_an_object)
                # ASCII with \u escapes: a str holding a lone surrogate still
                # crosses, and the reader treats it as it treats such a line.
                lines.append(_json.dumps(record, separators=(",", ":"), allow_nan=False))
            except (TypeError, ValueError) as e:
                name = record.get("id", i) if isinstance(record, dict) else i
                raise TypeError(f"record {name!r} cannot be written as JSON: {e}") from None
        results = self._engine.process_lines(lines, source)
        for record, (kind, out, stage, reason, detail, reasons) in zip(batch, results):
            if kind == _KEPT:
                doc = _json.loads(out)
                yield (doc, Verdict(True)) if with_rejected else doc
            elif not with_rejected:
                continue
            elif kind == _DROPPED:
                yield _json.loads(out), Verdict(False, stage, reason, tuple(reasons), detail)
            else:
                yield record, Verdict(False, "", "malformed:" + reason, ("malformed:" + reason,), detail)

    def close(self) -> None:
        """Finishes the stages (dedup reports, index_out files). Idempotent."""
        self._engine.close()

    def stats(self) -> Dict[str, Any]:
        """The statistics of everything processed so far, as stats.json holds them."""
        return _json.loads(self._engine.stats_json())

    def run(
        self,
        inputs: Union[str, Sequence[str]],
        output: str,
        threads: Optional[int] = None,
        overwrite: bool = False,
        quiet: bool = True,
    ) -> Dict[str, Any]:
        """``sluice run`` with this recipe: reads ``inputs`` (files, folders,
        globs), writes ``output``/{kept,rejected,malformed}/, stats.json and
        report.html, and returns the stats. Ctrl-C stops it (a rerun resumes)."""
        if isinstance(inputs, (str, _os.PathLike)):
            inputs = [inputs]
        return _json.loads(
            self._engine.run([_os.fspath(p) for p in inputs], _os.fspath(output), threads or 0, overwrite, quiet)
        )

    def __enter__(self) -> "Pipeline":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Tokenizer:
    """A byte-level BPE tokenizer (tokenizer.json, as Hugging Face tokenizers
    writes it); ids are identical to ``sluice encode`` and to HF tokenizers."""

    def __init__(self, _engine: Any) -> None:
        self._engine = _engine

    @classmethod
    def from_file(cls, path: Union[str, "_os.PathLike[str]"]) -> "Tokenizer":
        return cls(_sluice._Tokenizer.from_file(_os.fspath(path)))

    @property
    def vocab_size(self) -> int:
        return self._engine.vocab_size

    def encode(self, text: str) -> List[int]:
        return self._engine.encode(text)

    def encode_batch(self, texts: Sequence[str], threads: Optional[int] = None) -> List[List[int]]:
        """Encodes in parallel; the result keeps the order of ``texts``."""
        return self._engine.encode_batch(list(texts), threads or 0)

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        return self._engine.decode(list(ids), skip_special_tokens)

    def token_to_id(self, token: str) -> Optional[int]:
        return self._engine.token_to_id(token)

    def save(self, directory: Union[str, "_os.PathLike[str]"]) -> None:
        """Writes tokenizer.json, vocab.json, merges.txt and tokenizer.tiktoken."""
        directory = _os.fspath(directory)
        _os.makedirs(directory, exist_ok=True)
        self._engine.save(directory)


def train_tokenizer(
    texts: Iterable[str],
    vocab_size: int,
    preset: str = "gpt2",
    special_tokens: Sequence[str] = (),
    min_frequency: int = 0,
    threads: Optional[int] = None,
) -> Tokenizer:
    """Trains a byte-level BPE tokenizer on ``texts`` (any iterable of str),
    exactly as ``sluice train-tokenizer`` does (same merges as Hugging Face
    tokenizers' BpeTrainer on the same input)."""
    return Tokenizer(
        _sluice.train_tokenizer(texts, vocab_size, preset, list(special_tokens), min_frequency, threads or 0)
    )


def stages() -> List[Dict[str, Any]]:
    """Every stage type with its summary, whether it is global (dedup), and
    its options (name, type, default, help, range, choices)."""
    return _sluice.stages()
