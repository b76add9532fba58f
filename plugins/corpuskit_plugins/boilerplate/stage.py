"""``BoilerplateStage``: the pipeline stage that removes boilerplate lines."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import corpuskit
from corpuskit import Document

from .engine import Cleaner, builtin_rules, mode_level
from .furniture import FurnitureCounter
from .rules import Rule

if TYPE_CHECKING:
    from corpuskit.context import RunContext


def _as_bool(value: object) -> bool:
    """Options may arrive as strings from ``--set boilerplate.furniture=true``."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def source_key(doc: Document) -> str:
    """The source a document belongs to for furniture counts: its host, else its input directory."""
    meta = doc.metadata or {}
    for key in ("hostname", "sitename"):
        value = meta.get(key)
        if isinstance(value, str) and value:
            return value.lower().removeprefix("www.")
    url = meta.get("url")
    if isinstance(url, str) and url:
        host = urlsplit(url).hostname
        if host:
            return host.lower().removeprefix("www.")
    if doc.source is not None and doc.source.path not in ("", "-"):
        return os.path.dirname(doc.source.path) or "."
    return ""


class BoilerplateStage(corpuskit.Stage):
    """Remove captions, credits, promo links, widgets and page furniture, line by line.

    Options: ``mode`` (``conservative``, ``balanced``, ``aggressive``; default
    ``balanced``, chosen by measurement), ``furniture`` (drop short lines repeated
    across earlier documents of the same source; default off), ``furniture_min_docs``
    (3), ``furniture_max_entries`` (200000) and ``record_counts`` (add
    ``boilerplate_lines_removed`` to the metadata; default off: the output schema keeps
    unknown keys under ``metadata.extra``, which is meant for input fields, and
    ``corpuskit explain`` shows the per-line decisions).

    With ``furniture`` on, the decision on a document depends on the documents before
    it, so the stage then runs in the main process (``per_document`` is false for that
    instance): the output stays identical whatever the number of workers.
    """

    name = "boilerplate"
    order = 20
    per_document = True
    description = "remove captions, credits, promo links, widgets and site furniture"

    def __init__(
        self,
        mode: str = "balanced",
        furniture: bool = False,
        furniture_min_docs: int = 3,
        furniture_max_entries: int = 200_000,
        record_counts: bool = False,
        **kw: Any,
    ) -> None:
        if kw:
            names = ", ".join(sorted(kw))
            raise TypeError(f"stage {self.name!r} takes no option(s): {names}")
        super().__init__()
        try:
            mode_level(str(mode))
        except ValueError as exc:
            raise TypeError(f"stage {self.name!r}: {exc}") from None
        self.mode = str(mode)
        self.use_furniture = _as_bool(furniture)
        if self.use_furniture:
            # corpus-level state: keep every document in one process, in input order
            setattr(self, "per_document", False)  # noqa: B010 (instance override of a ClassVar)
        self.furniture_min_docs = int(furniture_min_docs)
        self.furniture_max_entries = int(furniture_max_entries)
        self.record_counts = _as_bool(record_counts)
        self.cleaner = self._make_cleaner(builtin_rules())

    def _make_cleaner(self, rules: list[tuple[str, Rule]]) -> Cleaner:
        counter = (
            FurnitureCounter(min_docs=self.furniture_min_docs, max_entries=self.furniture_max_entries)
            if self.use_furniture
            else None
        )
        return Cleaner(rules, self.mode, counter)

    def setup(self, context: RunContext) -> None:
        """Take every registered rule (built-in and third-party) from the run's registry."""
        super().setup(context)
        entries = context.registry.rules
        if entries:
            self.cleaner = self._make_cleaner([(name, e.value) for name, e in entries.items()])

    def process_document(self, doc: Document) -> Document | None:
        """Replace ``doc.text`` by its kept lines; reject the document when nothing is left."""
        fmt = doc.source.format if doc.source is not None else "text"
        key = source_key(doc) if self.cleaner.furniture is not None else None
        text, removed = self.cleaner.clean_text(doc.text, doc.metadata, fmt, key)
        if not text.strip():
            self.reject(doc, "empty after boilerplate removal")
            return None
        doc.text = text
        if self.record_counts and removed:
            doc.metadata["boilerplate_lines_removed"] = removed
        return doc
