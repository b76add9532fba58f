"""Rejects and duplicates sinks used by runs: counting, and writing JSONL side files."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path

from corpuskit.atomic import AtomicOutput, OutputError
from corpuskit.document import Document
from corpuskit.events import EventSink, duplicate_record, reject_record
from corpuskit.jsonl import dumps_line
from corpuskit.ordering import InputOrder


class CountingSink:
    """Counts drops per stage and reason, then passes them on to ``inner``."""

    def __init__(self, inner: EventSink, warn: Callable[[str], None] | None = None) -> None:
        self.inner = inner
        self.warn = warn
        self.rejected: Counter[str] = Counter()
        self.duplicates: Counter[str] = Counter()
        self.reasons: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        self.rejected[stage] += 1
        self.reasons[stage][reason.split(" (")[0]] += 1
        if self.warn is not None and stage == "read":
            where = doc.source.where() if doc.source else doc.id
            self.warn(f"{where}: {reason}")
        self.inner.reject(doc, stage=stage, reason=reason)

    def duplicate(self, doc: Document, *, stage: str, of: str, similarity: float,
                  cluster: str | None) -> None:
        self.duplicates[stage] += 1
        self.inner.duplicate(doc, stage=stage, of=of, similarity=similarity, cluster=cluster)

    @property
    def total_rejected(self) -> int:
        return sum(self.rejected.values())

    @property
    def total_duplicates(self) -> int:
        return sum(self.duplicates.values())


class FileSink:
    """Writes rejects and duplicates as JSONL side files, each atomically, in input order.

    Records are serialised when the drop is reported and written in the order of the
    documents' input positions (:class:`~corpuskit.ordering.InputOrder`; the runner
    tells ``order`` which positions entered and left the pipeline).
    """

    def __init__(self, rejects: Path, duplicates: Path) -> None:
        self.order = InputOrder()
        self.rejects = AtomicOutput(rejects)
        try:
            self.duplicates = AtomicOutput(duplicates)
        except OSError:
            self.rejects.abort()
            raise
        self._write_reject = partial(_write, self.rejects)
        self._write_duplicate = partial(_write, self.duplicates)

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        data = dumps_line(reject_record(doc, stage=stage, reason=reason))
        self.order.emit(doc.position, self._write_reject, data)

    def duplicate(self, doc: Document, *, stage: str, of: str, similarity: float,
                  cluster: str | None) -> None:
        record = duplicate_record(doc, stage=stage, of=of, similarity=similarity, cluster=cluster)
        self.order.emit(doc.position, self._write_duplicate, dumps_line(record))

    def commit(self) -> None:
        """Move both files into place (call only when the run completed)."""
        self.order.flush()
        self.rejects.commit()
        self.duplicates.commit()

    def abort(self) -> None:
        """Discard both temporary files."""
        self.rejects.abort()
        self.duplicates.abort()


def _write(out: AtomicOutput, data: bytes) -> None:
    try:
        out.stream.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write {out.path}: {exc.strerror or exc}") from exc
