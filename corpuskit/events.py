"""Where dropped documents go: the rejects and duplicates side channels."""

from __future__ import annotations

from typing import Any, Protocol

from corpuskit.document import Document


class EventSink(Protocol):
    """Receives every document a stage or reader drops, with the reason."""

    def reject(self, doc: Document, *, stage: str, reason: str) -> None: ...

    def duplicate(
        self, doc: Document, *, stage: str, of: str, similarity: float, cluster: str | None
    ) -> None: ...


class NullSink:
    """A sink for stages used outside a run: it raises, so nothing is lost unnoticed."""

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        raise RuntimeError(f"stage {stage!r} rejected {doc.id!r} ({reason}) but is not bound to a run")

    def duplicate(
        self, doc: Document, *, stage: str, of: str, similarity: float, cluster: str | None
    ) -> None:
        raise RuntimeError(f"stage {stage!r} dropped duplicate {doc.id!r} but is not bound to a run")


class CollectingSink:
    """Keeps every drop in memory as plain dict records (used by the library API and tests)."""

    def __init__(self) -> None:
        self.rejects: list[dict[str, Any]] = []
        self.duplicates: list[dict[str, Any]] = []

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        self.rejects.append(reject_record(doc, stage=stage, reason=reason))

    def duplicate(
        self, doc: Document, *, stage: str, of: str, similarity: float, cluster: str | None
    ) -> None:
        self.duplicates.append(
            duplicate_record(doc, stage=stage, of=of, similarity=similarity, cluster=cluster)
        )


def _where(doc: Document) -> dict[str, Any]:
    if doc.source is None:
        return {}
    return {"source": doc.source.path, "line": doc.source.line}


def reject_record(doc: Document, *, stage: str, reason: str) -> dict[str, Any]:
    """The rejects-file record for ``doc``: enough to find or restore it."""
    return {"id": doc.id, "stage": stage, "reason": reason, **_where(doc), "text": doc.text,
            "metadata": doc.metadata}


def duplicate_record(
    doc: Document, *, stage: str, of: str, similarity: float, cluster: str | None
) -> dict[str, Any]:
    """The duplicates-file record for ``doc``."""
    return {"id": doc.id, "duplicate_of": of, "similarity": round(similarity, 4),
            "cluster": cluster, "stage": stage, **_where(doc), "text": doc.text}
