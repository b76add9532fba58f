"""``Pipeline``: a reusable pipeline fed batch after batch (state such as the dedup index
persists across batches), for data libraries that hand over data in chunks."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from corpuskit.api import Callback, DocumentLike, _CallbackSink, admit, configured_stages
from corpuskit.context import RunContext
from corpuskit.document import Document
from corpuskit.manager import Plugins
from corpuskit.ordering import InputOrder
from corpuskit.readers import ReaderOptions
from corpuskit.report import RunReport, StageStats
from corpuskit.sinks import CountingSink


class Pipeline:
    """The configured stages, built once; :meth:`process_batch` may be called many times.

    Arguments mirror :func:`corpuskit.clean`. Near-duplicates are found across batches
    because the stages keep their state between calls. Call :meth:`close` at the end.
    """

    def __init__(
        self,
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
    ) -> None:
        self.plugins, self.names, self.stages = configured_stages(
            config, options, stages, skip, plugins, extra_plugins)
        self.order = InputOrder()  # drops reach the callbacks in input order within a batch
        self.collected = _CallbackSink(on_reject, on_duplicate, keep_drops, self.order)
        self.sink = CountingSink(self.collected)
        context = RunContext(registry=self.plugins.registry, events=self.sink, config={"stages": self.names})
        for stage in self.stages:
            stage.setup(context)
        self.totals = [StageStats(name) for name in self.names]
        self.documents_in = 0
        self.kept = 0
        self._started = time.perf_counter()
        self._offset = 0

    @property
    def rejects(self) -> list[dict[str, Any]]:
        """Reject records so far."""
        return self.collected.rejects

    @property
    def duplicates(self) -> list[dict[str, Any]]:
        """Duplicate records so far."""
        return self.collected.duplicates

    def process_batch(self, batch: Iterable[DocumentLike]) -> list[Document]:
        """Clean one batch; returns the surviving documents in input order."""
        docs: list[Document] = []
        options = ReaderOptions()
        for item in batch:
            doc = admit(item, self._offset, options, self.order, self.sink)
            self._offset += 1
            self.documents_in += 1
            if doc is not None:
                docs.append(doc)
        for stage, total in zip(self.stages, self.totals, strict=True):
            start = time.perf_counter()
            out = list(stage.process(docs))
            total.docs_in += len(docs)
            total.docs_out += len(out)
            total.seconds += time.perf_counter() - start
            docs = out
        self.kept += len(docs)
        self.order.flush()  # every document of the batch has left
        return docs

    def close(self) -> RunReport:
        """Close the stages and return the report (accounting checked)."""
        for stage in self.stages:
            stage.close()
        for total in self.totals:
            total.rejected = self.sink.rejected[total.name]
            total.duplicates = self.sink.duplicates[total.name]
        report = RunReport(version="", stages=self.totals, documents_in=self.documents_in, kept=self.kept,
                           duplicates=self.sink.total_duplicates, rejected=self.sink.total_rejected,
                           seconds=time.perf_counter() - self._started)
        from corpuskit.__about__ import __version__

        report.version = __version__
        return report
