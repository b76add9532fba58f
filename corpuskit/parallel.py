"""Per-document stages in worker processes, with bounded memory and input order kept.

Consecutive stages whose ``per_document`` is true form a segment that runs in a
process pool: documents travel in batches, at most ``2 × workers`` batches are in
flight (memory stays flat whatever the corpus size), and results are taken in
submission order, so the output is identical to a single-process run. Each worker
rebuilds the plugins from their entry-point names (plugin managers do not pickle)
and instantiates its own stages from the same options. Rejects made in a worker
travel back with the batch and are replayed into the run's sinks in order.
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
from corpuskit.document import Document
from corpuskit.events import EventSink
from corpuskit.manager import Plugins
from corpuskit.pipeline import build_stages
from corpuskit.report import StageStats
from corpuskit.stage import Stage

Event = tuple[str, Document, dict[str, Any]]

_WORKER: tuple[list[Stage], _RecordingSink] | None = None


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


def _init_worker(spec: dict[str, Any], names: list[str], options: dict[str, dict[str, Any]],
                 config: dict[str, Any]) -> None:
    global _WORKER
    from corpuskit.manager import load_plugins

    plugins = load_plugins(**spec)
    stages = build_stages(plugins.registry, names, options)
    sink = _RecordingSink()
    context = RunContext(registry=plugins.registry, events=sink, config=config)
    for stage in stages:
        stage.setup(context)
    _WORKER = (stages, sink)


def run_batch(stages: Sequence[Stage], sink: _RecordingSink, batch: list[Document]
              ) -> tuple[list[Document], list[Event], list[tuple[int, int, float]]]:
    """Pass one batch through ``stages``; return survivors, drops and per-stage (in, out, s)."""
    sink.events = []
    docs: list[Document] = batch
    counts = []
    for stage in stages:
        start = time.perf_counter()
        out = list(stage.process(docs))
        counts.append((len(docs), len(out), time.perf_counter() - start))
        docs = out
    return docs, sink.events, counts


def _worker_batch(batch: list[Document]) -> tuple[list[Document], list[Event], list[tuple[int, int, float]]]:
    assert _WORKER is not None, "worker not initialised"
    stages, sink = _WORKER
    return run_batch(stages, sink, batch)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


class ParallelSegment(Stage):
    """A run of per-document stages executed by a process pool (see the module docstring)."""

    per_document = True

    def __init__(self, stages: Sequence[Stage], plugins: Plugins, options: dict[str, dict[str, Any]],
                 workers: int, batch_size: int = 64) -> None:
        super().__init__()
        self.stages = list(stages)
        self.name = "+".join(s.name for s in self.stages)  # type: ignore[misc]
        self.plugins = plugins
        self.options = {s.name: options.get(s.name, {}) for s in self.stages}
        self.workers = workers
        self.batch_size = batch_size
        self.totals = [StageStats(s.name) for s in self.stages]
        self.pool: ProcessPoolExecutor | None = None

    def setup(self, context: RunContext) -> None:
        super().setup(context)
        self.sink: EventSink = context.events
        self.config = context.config

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else "spawn")
        names = [s.name for s in self.stages]
        self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker,
                                        initargs=(self.plugins.spec, names, self.options, self.config))
        pending: deque[Future[Any]] = deque()
        batches = _batches(docs, self.batch_size)
        try:
            for batch in batches:
                pending.append(self.pool.submit(_worker_batch, batch))
                if len(pending) >= 2 * self.workers:
                    yield from self._collect(pending.popleft().result())
            while pending:
                yield from self._collect(pending.popleft().result())
        finally:
            for fut in pending:
                fut.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _collect(self, result: tuple[list[Document], list[Event], list[tuple[int, int, float]]]
                 ) -> list[Document]:
        docs, events, counts = result
        for kind, doc, info in events:
            if kind == "reject":
                self.sink.reject(doc, **info)
            else:
                self.sink.duplicate(doc, **info)
        for total, (n_in, n_out, secs) in zip(self.totals, counts, strict=True):
            total.docs_in += n_in
            total.docs_out += n_out
            total.seconds += secs
        return docs

    def stage_stats(self) -> list[StageStats]:
        """Per-stage counts and worker seconds (summed over workers)."""
        return self.totals


def plan(stages: Sequence[Stage], plugins: Plugins, options: dict[str, dict[str, Any]], workers: int
         ) -> list[Stage]:
    """Group consecutive per-document stages into :class:`ParallelSegment` s when ``workers > 1``."""
    if workers <= 1:
        return list(stages)
    out: list[Stage] = []
    run: list[Stage] = []
    for stage in [*stages, None]:
        if stage is not None and stage.per_document:
            run.append(stage)
            continue
        if run:
            out.append(ParallelSegment(run, plugins, options, workers))
            run = []
        if stage is not None:
            out.append(stage)
    return out
