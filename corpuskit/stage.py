"""The ``Stage`` base class: how a plugin transforms or drops documents.

A stage receives an iterator of documents and yields documents, lazily. Most stages
only need :meth:`Stage.process_document`; stages that look across documents (such as
near-duplicate detection) override :meth:`Stage.process`, and may move their
per-document part into :meth:`Stage.prepare` so that it runs in the worker processes
with ``--workers N``. A stage never drops a document silently: it calls
:meth:`Stage.reject` (or :meth:`Stage.duplicate`) with a reason, and the runner
writes that to the rejects (or duplicates) file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from corpuskit.document import Document
from corpuskit.events import EventSink, NullSink

_MISSING: Any = object()

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

    def prepare(self, doc: Document) -> Any:
        """Optional: the per-document, order-independent part of a ``per_document = False`` stage.

        Override it to move work that depends on one document alone (hashing, parsing,
        feature extraction) out of :meth:`process`. The result must be a pure function of
        the document and the stage's options, picklable, and small: with ``--workers N``
        the runner calls ``prepare`` in the worker processes right after the per-document
        stages before this one (each worker has its own instance, set up with
        :meth:`setup`), and the result travels back with the document. :meth:`process`
        reads it with :meth:`take_prepared`, which computes it in-process when it did not
        travel (``--workers 1``, or no per-document stage before), so the output is the
        same either way. ``prepare`` cannot drop documents and is never given state from
        :meth:`process`; its result is never written to the output.
        """
        raise NotImplementedError(f"stage {self.name!r} does not implement prepare")

    def take_prepared(self, doc: Document) -> Any:
        """The :meth:`prepare` result for ``doc``: the one computed in a worker (taken off the
        document), or, if none travelled with it, ``self.prepare(doc)`` computed now."""
        store = doc.prepared
        if store is not None:
            value = store.pop(self.name, _MISSING)
            if not store:
                doc.prepared = None
            if value is not _MISSING:
                return value
        return self.prepare(doc)

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


def prepares(stage: Stage) -> bool:
    """True when ``stage`` looks across documents and overrides :meth:`Stage.prepare`."""
    return not stage.per_document and type(stage).prepare is not Stage.prepare
