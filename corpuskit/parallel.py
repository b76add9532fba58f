"""Per-document stages in worker processes, with bounded memory and input order kept.

Consecutive stages whose ``per_document`` is true form a segment that runs in a
process pool: documents travel in batches, at most ``2 × workers`` batches are in
flight (memory stays flat whatever the corpus size), and results are taken in
submission order, so the output is identical to a single-process run. Each worker
rebuilds the plugins from their entry-point names (plugin managers do not pickle)
and instantiates its own stages from the same options. Rejects made in a worker
travel back with the batch and are replayed into the run's sinks in order.

A stage that looks across documents can declare a per-document part,
:meth:`corpuskit.Stage.prepare` (the dedup stage: normalised words, fingerprint,
MinHash signature and band keys). The workers of the segment right before such a
stage run it on every surviving document, and the result travels back in
``doc.prepared``; if no per-document stage precedes it, a segment of its own runs
only ``prepare``. Nothing between the workers and that stage can change the document,
so the stage sees exactly what it would have computed itself (``--workers 1``).

Documents cross the process boundary as plain tuples (a ``Document`` or ``Source``
pickles through a Python-level ``__getstate__``, about 3× slower).
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from corpuskit.context import RunContext
from corpuskit.document import Document, Source
from corpuskit.events import EventSink
from corpuskit.manager import Plugins
from corpuskit.pipeline import abort_stages, build_stages, close_stages
from corpuskit.report import StageStats
from corpuskit.stage import Stage, prepares

Event = tuple[str, Document, dict[str, Any]]
#: A document as it crosses the process boundary (see :func:`_pack`).
Packed = tuple[Any, ...] | Document
BatchResult = tuple[list[Packed], list[Event], list[tuple[int, int, float]], float]

#: Documents per batch sent to a worker: large enough that the per-batch round trip is
#: noise, small enough that ``2 × workers`` batches in flight stay a few MB.
BATCH_SIZE = 256

_WORKER: tuple[list[Stage], Stage | None, _RecordingSink] | None = None


class _RecordingSink:
    """Records drops inside a worker so the parent can replay them in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        self.events.append(("reject", doc, {"stage": stage, "reason": reason}))

    def duplicate(self, doc: Document, *, stage: str, of: str, similarity: float,
                  cluster: str | None) -> None:
        self.events.append(("duplicate", doc, {"stage": stage, "of": of, "similarity": similarity,
                                               "cluster": cluster}))


def _pack(doc: Document) -> Packed:
    """``doc`` as a tuple when it is a plain :class:`Document` (cheap to pickle), else itself."""
    src = doc.source
    if type(doc) is not Document or (src is not None and type(src) is not Source):
        return doc
    if src is None:
        return (doc.id, doc.text, doc.metadata, doc.prepared, doc.position)
    return (doc.id, doc.text, doc.metadata, doc.prepared, doc.position, src.path, src.line, src.format)


def _unpack(item: Packed) -> Document:
    """The inverse of :func:`_pack`."""
    if not isinstance(item, tuple):
        return item
    if len(item) == 5:
        return Document(item[0], item[1], item[2], None, item[3], item[4])
    return Document(item[0], item[1], item[2], Source(item[5], item[6], item[7]), item[3], item[4])


def _init_worker(spec: dict[str, Any], names: list[str], options: dict[str, dict[str, Any]],
                 config: dict[str, Any], prepare: str | None) -> None:
    global _WORKER
    from corpuskit.manager import load_plugins

    plugins = load_plugins(**spec)
    stages = build_stages(plugins.registry, [*names, *([prepare] if prepare else [])], options)
    preparer = stages.pop() if prepare else None
    sink = _RecordingSink()
    context = RunContext(registry=plugins.registry, events=sink, config=config)
    for stage in [*stages, *([preparer] if preparer else [])]:
        stage.setup(context)
    _WORKER = (stages, preparer, sink)


def run_batch(stages: Sequence[Stage], sink: _RecordingSink, batch: list[Document],
              preparer: Stage | None = None
              ) -> tuple[list[Document], list[Event], list[tuple[int, int, float]], float]:
    """:func:`pass_batch` in a worker: also return the drops ``sink`` recorded meanwhile."""
    sink.events = []
    docs, counts, prepare_seconds = pass_batch(stages, batch, preparer)
    return docs, sink.events, counts, prepare_seconds


def pass_batch(stages: Sequence[Stage], batch: list[Document], preparer: Stage | None = None
               ) -> tuple[list[Document], list[tuple[int, int, float]], float]:
    """Pass one batch through ``stages``, one stage after the other, then ``preparer.prepare``
    on the survivors (stored in ``doc.prepared[preparer.name]``); return the survivors,
    per-stage (in, out, seconds) and the seconds spent preparing."""
    clock = time.perf_counter
    docs: list[Document] = batch
    counts = []
    for stage in stages:
        start = clock()
        out = list(stage.process(docs))
        counts.append((len(docs), len(out), clock() - start))
        docs = out
    prepare_seconds = 0.0
    if preparer is not None:
        start = clock()
        name, prepare = preparer.name, preparer.prepare
        for doc in docs:
            if doc.prepared is None:
                doc.prepared = {name: prepare(doc)}
            else:
                doc.prepared[name] = prepare(doc)
        prepare_seconds = clock() - start
    return docs, counts, prepare_seconds


def _add_counts(totals: list[StageStats], counts: list[tuple[int, int, float]]) -> None:
    """Add one batch's per-stage (in, out, seconds) to the segment's totals."""
    for total, (n_in, n_out, secs) in zip(totals, counts, strict=True):
        total.docs_in += n_in
        total.docs_out += n_out
        total.seconds += secs


def _worker_batch(batch: list[Packed]) -> BatchResult:
    assert _WORKER is not None, "worker not initialised"
    stages, preparer, sink = _WORKER
    docs, events, counts, prepare_seconds = run_batch(stages, sink, [_unpack(d) for d in batch], preparer)
    return [_pack(d) for d in docs], events, counts, prepare_seconds


def _worker_prepare(batch: list[Packed]) -> tuple[list[Any], float]:
    """A segment with no stages: only the ``prepare`` results travel back, not the documents."""
    assert _WORKER is not None, "worker not initialised"
    _, preparer, _ = _WORKER
    assert preparer is not None
    start = time.perf_counter()
    values = [preparer.prepare(_unpack(d)) for d in batch]
    return values, time.perf_counter() - start


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


class ParallelSegment(Stage):
    """A run of per-document stages executed by a process pool (see the module docstring).

    ``prepare_for`` is the following stage when it declares :meth:`Stage.prepare`: the
    workers then also run its ``prepare`` on every document they return.
    """

    per_document = True

    def __init__(self, stages: Sequence[Stage], plugins: Plugins, options: dict[str, dict[str, Any]],
                 workers: int, batch_size: int | None = None, prepare_for: Stage | None = None) -> None:
        super().__init__()
        self.stages = list(stages)
        self.prepare_for = prepare_for
        label = [s.name for s in self.stages] + ([f"{prepare_for.name}.prepare"] if prepare_for else [])
        self.name = "+".join(label)  # type: ignore[misc]
        self.plugins = plugins
        named = [*self.stages, *([prepare_for] if prepare_for else [])]
        self.options = {s.name: options.get(s.name, {}) for s in named}
        self.workers = workers
        self.batch_size = batch_size or BATCH_SIZE
        self.totals = [StageStats(s.name) for s in self.stages]
        #: Worker seconds spent in ``prepare_for.prepare`` (summed over workers).
        self.prepare_seconds = 0.0
        self.pool: ProcessPoolExecutor | None = None

    def setup(self, context: RunContext) -> None:
        super().setup(context)
        self.sink: EventSink = context.events
        self.config = context.config

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else "spawn")
        names = [s.name for s in self.stages]
        prepare = self.prepare_for.name if self.prepare_for is not None else None
        self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker,
                                        initargs=(self.plugins.spec, names, self.options, self.config,
                                                  prepare))
        pending: deque[tuple[list[Document], Future[Any]]] = deque()
        batches = _batches(docs, self.batch_size)
        task = _worker_batch if self.stages else _worker_prepare
        try:
            for batch in batches:
                pending.append((batch, self.pool.submit(task, [_pack(d) for d in batch])))
                if len(pending) >= 2 * self.workers:
                    yield from self._collect(*pending.popleft())
            while pending:
                yield from self._collect(*pending.popleft())
        finally:
            for _, fut in pending:
                fut.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _collect(self, batch: list[Document], future: Future[Any]) -> list[Document]:
        if not self.stages:  # prepare only: attach the results to the documents sent
            assert self.prepare_for is not None
            values, seconds = future.result()
            self.prepare_seconds += seconds
            name = self.prepare_for.name
            for doc, value in zip(batch, values, strict=True):
                if doc.prepared is None:
                    doc.prepared = {name: value}
                else:
                    doc.prepared[name] = value
            return batch
        docs, events, counts, prepare_seconds = future.result()
        self.prepare_seconds += prepare_seconds
        for kind, doc, info in events:
            if kind == "reject":
                self.sink.reject(doc, **info)
            else:
                self.sink.duplicate(doc, **info)
        _add_counts(self.totals, counts)
        return [_unpack(d) for d in docs]

    def stage_stats(self) -> list[StageStats]:
        """Per-stage counts and worker seconds (summed over workers)."""
        return self.totals


class BatchedSegment(Stage):
    """A run of per-document stages applied in this process, one batch at a time.

    What ``--workers 1`` runs: every stage sees a whole batch before the next stage does,
    as in a worker of :class:`ParallelSegment`, so each stage's tables and caches stay
    hot in the CPU cache across the batch (a document-at-a-time chain evicts them
    between stages). Drops are reported batch by batch, stage by stage; the run's side
    files put them back in input order (:mod:`corpuskit.ordering`). At most one batch
    is held in memory.
    """

    per_document = True

    def __init__(self, stages: Sequence[Stage], batch_size: int | None = None,
                 prepare_for: Stage | None = None) -> None:
        super().__init__()
        self.stages = list(stages)
        self.prepare_for = prepare_for
        self.name = "+".join(s.name for s in self.stages)  # type: ignore[misc]
        self.batch_size = batch_size or BATCH_SIZE
        self.totals = [StageStats(s.name) for s in self.stages]
        #: Seconds spent in ``prepare_for.prepare`` (the batch's survivors, after the stages).
        self.prepare_seconds = 0.0

    def setup(self, context: RunContext) -> None:
        super().setup(context)
        for stage in self.stages:
            stage.setup(context)

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        for batch in _batches(docs, self.batch_size):
            out, counts, prepare_seconds = pass_batch(self.stages, batch, self.prepare_for)
            _add_counts(self.totals, counts)
            self.prepare_seconds += prepare_seconds
            yield from out

    def close(self) -> None:
        close_stages(self.stages)

    def abort(self) -> None:
        abort_stages(self.stages)

    def stage_stats(self) -> list[StageStats]:
        """Per-stage counts and seconds."""
        return self.totals


def plan(stages: Sequence[Stage], plugins: Plugins, options: dict[str, dict[str, Any]], workers: int
         ) -> list[Stage]:
    """Group consecutive per-document stages into :class:`ParallelSegment` s when ``workers > 1``
    (:class:`BatchedSegment` s in this process otherwise); a stage that declares
    :meth:`Stage.prepare` has it run by the segment before it (with workers, one of its own
    if the stage before it is not per-document)."""
    out: list[Stage] = []
    run: list[Stage] = []
    for stage in [*stages, None]:
        if stage is not None and stage.per_document:
            run.append(stage)
            continue
        preparer = stage if stage is not None and prepares(stage) else None
        if workers > 1 and (run or preparer is not None):
            out.append(ParallelSegment(run, plugins, options, workers, prepare_for=preparer))
        elif run:
            out.append(BatchedSegment(run, prepare_for=preparer))
        run = []
        if stage is not None:
            out.append(stage)
    return out
