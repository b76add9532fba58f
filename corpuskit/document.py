"""The document record that flows through a pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Source:
    """Where a document came from.

    ``path`` is the input file (``"-"`` for standard input), ``line`` the 1-based line
    of a JSONL record (``None`` for whole-file documents) and ``format`` the reader that
    produced it (``"text"``, ``"html"``, ``"jsonl"``, ...).
    """

    path: str
    line: int | None = None
    format: str = "text"

    def where(self) -> str:
        """``path`` or ``path:line``, for messages."""
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(slots=True)
class Document:
    """One document: a stable ``id``, its ``text`` and free-form ``metadata``.

    Stages may change ``text`` and ``metadata`` in place or yield new documents;
    ``id`` and ``source`` identify the input and are never rewritten by built-in stages.

    ``prepared`` carries the results of :meth:`corpuskit.Stage.prepare` computed in a
    worker process to the stage that asked for them (by stage name); it is never
    written to the output and is ``None`` almost always.

    ``position`` is the document's place in the run's input (set by the runner, counting
    unreadable records too): the rejects and duplicates files are written in that order
    whatever order the stages report drops in. Never written to the output.
    """

    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None
    prepared: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    position: int | None = field(default=None, repr=False, compare=False)

    def to_record(self) -> dict[str, Any]:
        """The JSON-serialisable output record (``id``, ``text``, ``metadata``)."""
        return {"id": self.id, "text": self.text, "metadata": self.metadata}
