"""The library API: the same pipeline as ``corpuskit clean``, on any iterable, no files.

>>> from corpuskit import clean
>>> result = clean([{"id": "a", "text": "Some article text."}], stages=["metadata"])
>>> [doc.id for doc in result]
['a']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from corpuskit.config import load_config, run_options
from corpuskit.context import RunContext
from corpuskit.document import Document, Source
from corpuskit.events import CollectingSink, EventSink, duplicate_record, reject_record
from corpuskit.manager import Plugins, load_plugins
from corpuskit.ordering import InputOrder
from corpuskit.parallel import plan
from corpuskit.pipeline import Chain, build_stages, select_stage_names
from corpuskit.readers import DEFAULT_ID_FIELDS, DEFAULT_TEXT_FIELDS, ReaderOptions, ReadFailure
from corpuskit.records import record_to_document
from corpuskit.report import RunReport
from corpuskit.sinks import CountingSink
from corpuskit.stage import Stage

DocumentLike = Document | Mapping[str, Any]
Callback = Callable[[dict[str, Any]], None]


class _CallbackSink(CollectingSink):
    """Keeps drops in memory and also hands each record to user callbacks, in input order
    (``order`` knows which input positions are still in the pipeline)."""

    def __init__(self, on_reject: Callback | None, on_duplicate: Callback | None, keep: bool,
                 order: InputOrder) -> None:
        super().__init__()
        self.on_reject, self.on_duplicate, self.keep = on_reject, on_duplicate, keep
        self.order = order

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        self.order.emit(doc.position, self._reject, reject_record(doc, stage=stage, reason=reason))

    def _reject(self, record: dict[str, Any]) -> None:
        if self.keep:
            self.rejects.append(record)
        if self.on_reject:
            self.on_reject(record)

    def duplicate(self, doc: Document, *, stage: str, of: str, similarity: float,
                  cluster: str | None) -> None:
        record = duplicate_record(doc, stage=stage, of=of, similarity=similarity, cluster=cluster)
        self.order.emit(doc.position, self._duplicate, record)

    def _duplicate(self, record: dict[str, Any]) -> None:
        if self.keep:
            self.duplicates.append(record)
        if self.on_duplicate:
            self.on_duplicate(record)


def admit(item: DocumentLike, position: int, options: ReaderOptions, order: InputOrder, events: EventSink
          ) -> Document | None:
    """``item`` as a Document at input ``position`` (entered into ``order``), or ``None`` after
    rejecting it to ``events`` as unreadable."""
    doc = to_document(item, position, options)
    order.enter(position)
    if isinstance(doc, ReadFailure):
        failed = Document(doc.id, doc.raw or "", {}, Source(doc.path, doc.line), position=position)
        events.reject(failed, stage="read", reason=doc.reason)
        return None
    doc.position = position
    return doc


def to_document(item: DocumentLike, index: int, options: ReaderOptions | None = None
                ) -> Document | ReadFailure:
    """A :class:`Document` from a Document or a dict with text/id fields under the usual names."""
    if isinstance(item, Document):
        return item
    return record_to_document(dict(item), fallback_id=str(index), path="<iterable>", line=index,
                       options=options or ReaderOptions())


class CleanResult:
    """A lazy iterator of clean documents; ``rejects``/``duplicates`` fill as it is consumed,
    and ``report`` is set once it is exhausted."""

    def __init__(self, chain: Chain, sink: CountingSink, collected: _CallbackSink, read_failures: list[int]
                 ) -> None:
        self._chain, self._sink, self._collected = chain, sink, collected
        self._order = collected.order
        self._iter = iter(chain)
        self._read_failures = read_failures
        self.kept = 0
        self.report: RunReport | None = None
        self._started = time.perf_counter()

    @property
    def rejects(self) -> list[dict[str, Any]]:
        """Reject records so far (``id``, ``stage``, ``reason``, ``text``…)."""
        return self._collected.rejects

    @property
    def duplicates(self) -> list[dict[str, Any]]:
        """Duplicate records so far (``id``, ``duplicate_of``, ``similarity``…)."""
        return self._collected.duplicates

    def __iter__(self) -> Iterator[Document]:
        return self

    def __next__(self) -> Document:
        try:
            doc = next(self._iter)
        except StopIteration:
            self._order.flush()
            if self.report is None:
                from corpuskit.run import _report  # same accounting as the CLI

                self._chain.close()
                self.report = _report(self._chain, self._sink, self.kept, self._started, _no_paths(), {})
            raise
        self.kept += 1
        self._order.leave(doc.position)
        return doc


def _no_paths() -> Any:
    from corpuskit.run import OutputPaths

    return OutputPaths("", Path(""), Path(""), Path(""))


def configured_stages(
    config: str | Path | dict[str, Any] | None,
    options: dict[str, dict[str, Any]] | None,
    stages: list[str] | None,
    skip: list[str] | None,
    plugins: Plugins | None,
    extra_plugins: Iterable[Any],
) -> tuple[Plugins, list[str], list[Stage]]:
    """Load plugins and build the stages the way the CLI would from config and overrides."""
    cfg = load_config(Path(config)) if isinstance(config, (str, Path)) else (config or {})
    if options:
        cfg = {**cfg, "stage": {**cfg.get("stage", {}), **{k: dict(v) for k, v in options.items()}}}
    run = run_options(cfg, stages=stages, skip=skip)
    plugins = plugins or load_plugins(extra=extra_plugins)
    names = select_stage_names(plugins.registry, run.stages, run.skip)
    return plugins, names, build_stages(plugins.registry, names, run.stage_options)


def clean(
    documents: Iterable[DocumentLike],
    *,
    stages: list[str] | None = None,
    skip: list[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    config: str | Path | dict[str, Any] | None = None,
    plugins: Plugins | None = None,
    extra_plugins: Iterable[Any] = (),
    on_reject: Callback | None = None,
    on_duplicate: Callback | None = None,
    keep_drops: bool = True,
    text_fields: Iterable[str] = DEFAULT_TEXT_FIELDS,
    id_fields: Iterable[str] = DEFAULT_ID_FIELDS,
) -> CleanResult:
    """Clean ``documents`` (Documents or dicts) lazily through the configured stages.

    ``stages``/``skip``/``options`` (``{"dedup": {"threshold": 0.85}}``) mirror the CLI's
    ``--stage``/``--skip``/``--set``; ``config`` is a TOML path or an already-parsed dict.
    Dropped documents go to ``on_reject``/``on_duplicate`` callbacks and, unless
    ``keep_drops`` is false, to ``result.rejects``/``result.duplicates``.
    """
    plugins, names, built = configured_stages(config, options, stages, skip, plugins, extra_plugins)
    order = InputOrder()
    collected = _CallbackSink(on_reject, on_duplicate, keep_drops, order)
    sink = CountingSink(collected)
    reader_options = ReaderOptions(text_fields=tuple(text_fields), id_fields=tuple(id_fields))
    failures: list[int] = []

    def docs() -> Iterator[Document]:
        for i, item in enumerate(documents):
            doc = admit(item, i, reader_options, order, sink)
            if doc is None:
                failures.append(i)
            else:
                yield doc

    context = RunContext(registry=plugins.registry, events=sink, config={"stages": names})
    # per-document stages a batch at a time (as `corpuskit clean --workers 1` runs them)
    stages_run = plan(built, plugins, {}, 1)
    return CleanResult(Chain(docs(), stages_run, context), sink, collected, failures)
