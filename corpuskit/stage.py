"""The ``Stage`` base class: how a plugin transforms or drops documents.

A stage receives an iterator of documents and yields documents, lazily. Most stages
only need :meth:`Stage.process_document`; stages that look across documents (such as
near-duplicate detection) override :meth:`Stage.process`. A stage never drops a
document silently: it calls :meth:`Stage.reject` (or :meth:`Stage.duplicate`) with a
reason, and the runner writes that to the rejects (or duplicates) file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from corpuskit.document import Document
from corpuskit.events import EventSink, NullSink

if TYPE_CHECKING:
    from corpuskit.context import RunContext


class Stage:
    """Base class for pipeline stages.

    Subclasses set ``name`` (how users select it: ``--stage NAME``), optionally
    ``order`` (position in the default pipeline, lower runs first), ``default``
    (whether it runs when the user names no stages) and ``description``.
    Options from the config file or ``--set NAME.KEY=VALUE`` arrive as keyword
    arguments to ``__init__``; unknown options raise :class:`TypeError` naming the stage.
    """

    name: ClassVar[str] = ""
    order: ClassVar[int] = 500
    default: ClassVar[bool] = True
    description: ClassVar[str] = ""
    #: True when the stage looks at one document at a time (it may run in worker processes).
    per_document: ClassVar[bool] = True

    events: EventSink = NullSink()
    _dropped: int = 0

    def __init__(self, **options: Any) -> None:
        if options:
            names = ", ".join(sorted(options))
            raise TypeError(f"stage {self.name!r} takes no option(s): {names}")
        self.events: EventSink = NullSink()
        self._dropped = 0

    def setup(self, context: RunContext) -> None:
        """Called by the runner once before the first document.

        ``context.events`` receives rejects and duplicates, ``context.registry`` holds
        everything the loaded plugins registered (e.g. boilerplate rules) and
        ``context.config`` the run's whole configuration. Override to prepare state;
        call ``super().setup(context)``.
        """
        self.events = context.events
        self.context = context

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Yield the documents that survive this stage (default: per document)."""
        for doc in docs:
            dropped_before = self._dropped
            out = self.process_document(doc)
            if out is not None:
                yield out
            elif self._dropped == dropped_before:
                self.reject(doc, "dropped without a reason")

    def process_document(self, doc: Document) -> Document | None:
        """Return the transformed document, or ``None`` after calling :meth:`reject`."""
        raise NotImplementedError(f"stage {self.name!r} implements neither process nor process_document")

    def reject(self, doc: Document, reason: str) -> None:
        """Drop ``doc`` from the output, recording ``reason`` in the rejects file."""
        self._dropped += 1
        self.events.reject(doc, stage=self.name, reason=reason)

    def duplicate(self, doc: Document, *, of: str, similarity: float, cluster: str | None = None) -> None:
        """Drop ``doc`` as a duplicate of document id ``of``, recorded in the duplicates file."""
        self._dropped += 1
        self.events.duplicate(doc, stage=self.name, of=of, similarity=similarity, cluster=cluster)

    def close(self) -> None:
        """Called once after the run's outputs were committed (flush indexes, close files)."""

    def abort(self) -> None:
        """Called instead of :meth:`close` when the run failed: discard pending state."""
