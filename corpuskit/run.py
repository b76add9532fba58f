"""One clean run: inputs → readers → stages → writer, with side files and a report."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from corpuskit.__about__ import __version__
from corpuskit.atomic import AtomicOutput, OutputError
from corpuskit.compression import split_compression
from corpuskit.context import RunContext
from corpuskit.document import Document, Source
from corpuskit.events import EventSink
from corpuskit.inputs import InputFile, expand_inputs, select_shard
from corpuskit.manager import Plugins
from corpuskit.ordering import InputOrder
from corpuskit.parallel import plan
from corpuskit.pipeline import Chain, ConfigError, build_stages, select_stage_names
from corpuskit.readers import ReaderOptions, ReadFailure
from corpuskit.report import RunReport, StageStats
from corpuskit.sinks import CountingSink, FileSink

READ_STAGE = "read"


class AccountingError(RuntimeError):
    """Documents went missing: in != kept + duplicates + rejects."""


@dataclass
class OutputPaths:
    """Where a run writes: the corpus, its rejects, duplicates and report."""

    output: str
    rejects: Path
    duplicates: Path
    report: Path

    @classmethod
    def beside(cls, output: str, default_base: str = "corpuskit") -> OutputPaths:
        """Side files named after ``output`` (``x.jsonl`` or ``x.clean.jsonl`` → ``x.rejects.jsonl`` …);
        for ``-`` (stdout) after ``default_base`` in the current directory."""
        if output == "-":
            base = Path(default_base)
        else:
            name, _ = split_compression(Path(output))
            stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
            stem = stem.removesuffix(".clean") or stem
            base = Path(output).with_name(stem)
        return cls(output, Path(f"{base}.rejects.jsonl"), Path(f"{base}.duplicates.jsonl"),
                   Path(f"{base}.report.json"))

    def as_dict(self) -> dict[str, str]:
        return {"output": self.output, "rejects": str(self.rejects),
                "duplicates": str(self.duplicates), "report": str(self.report)}


def default_output(inputs: Sequence[str]) -> str:
    """``NAME.clean.jsonl`` in the current directory, NAME from the first input."""
    first = inputs[0] if inputs else "-"
    if first == "-":
        return "stdin.clean.jsonl"
    name = Path(first.split("*")[0].rstrip("/") or "corpus").name or "corpus"
    stem = name.split(".")[0] if Path(first).is_file() else name
    return f"{stem or 'corpus'}.clean.jsonl"


@dataclass
class RunOptions:
    """Everything a run needs besides its inputs and outputs."""

    stages: list[str] | None = None
    skip: list[str] = field(default_factory=list)
    stage_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    reader: str | None = None
    reader_options: ReaderOptions = field(default_factory=ReaderOptions)
    writer: str | None = None
    workers: int = 1
    shard: tuple[int, int] | None = None


Progress = Callable[[int, int, int], None]


def read_documents(files: Iterator[InputFile], options: ReaderOptions, events: EventSink,
                   order: InputOrder | None = None) -> Iterator[Document]:
    """Documents from every input file; anything unreadable goes to ``events`` as a reject.

    Every item (document or failure) gets the next input position (``Document.position``),
    entered into ``order`` when given, so drops can be written in input order.
    """
    position = 0

    def failed(doc: Document, reason: str) -> None:
        nonlocal position
        doc.position = position
        if order is not None:
            order.enter(position)
        position += 1
        events.reject(doc, stage=READ_STAGE, reason=reason)

    for file in files:
        source = str(file.path)
        if file.reader is None:
            suffix = "".join(file.path.suffixes) or "(none)"
            failed(Document(file.path.stem, "", {}, Source(source)), f"no reader for suffix {suffix}")
            continue
        opts = ReaderOptions(file.root, options.text_fields, options.id_fields, options.extra)
        try:
            for item in file.reader.value(file.path, opts):
                if isinstance(item, ReadFailure):
                    failed(Document(item.id, item.raw or "", {}, Source(item.path, item.line)), item.reason)
                else:
                    item.position = position
                    if order is not None:
                        order.enter(position)
                    position += 1
                    yield item
        except (OSError, UnicodeError, ValueError) as exc:
            failed(Document(file.path.stem, "", {}, Source(source)),
                   f"reader {file.reader.name!r} failed: {exc}")


def _open_writer(plugins: Plugins, name: str | None, output: str, stream: BinaryIO) -> Any:
    writers = plugins.registry.writers
    if name is None:
        suffix = Path(split_compression(Path(output))[0]).suffix.lower() if output != "-" else ".jsonl"
        entry = next((w for w in writers.values() if suffix in w.suffixes), writers.get("jsonl"))
    else:
        entry = writers.get(name)
    if entry is None:
        raise ConfigError(f"no writer for {output!r} (known: {', '.join(sorted(writers)) or 'none'})")
    return entry.value(stream)


def open_outputs(paths: OutputPaths, warn: Callable[[str], None] | None
                 ) -> tuple[AtomicOutput | None, FileSink, CountingSink, BinaryIO]:
    """Open the corpus (``None`` for stdout) and side files under temporary names, plus the
    counting sink in front of the side files and the stream the corpus is written to."""
    main = AtomicOutput(Path(paths.output)) if paths.output != "-" else None
    try:
        files = FileSink(paths.rejects, paths.duplicates)
    except OutputError:
        if main is not None:
            main.abort()
        raise
    stream: BinaryIO = main.stream if main else sys.stdout.buffer
    return main, files, CountingSink(files, warn), stream


def run_clean(
    inputs: Sequence[str],
    paths: OutputPaths,
    plugins: Plugins,
    options: RunOptions,
    *,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
) -> RunReport:
    """Run the pipeline over ``inputs`` and write the corpus and side files atomically.

    Raises :class:`ConfigError`, :class:`corpuskit.inputs.InputError` or
    :class:`corpuskit.atomic.OutputError` before or instead of writing anything under
    the final names; raises :class:`AccountingError` if documents went missing.
    """
    started = time.perf_counter()
    registry = plugins.registry
    names = select_stage_names(registry, options.stages, options.skip)
    stages = build_stages(registry, names, options.stage_options)
    config = {"stages": names, "stage_options": options.stage_options, "inputs": list(inputs)}
    main, files, events, stream = open_outputs(paths, warn)
    context = RunContext(registry=registry, events=events, config=config)
    chain: Chain | None = None
    try:
        writer = _open_writer(plugins, options.writer, paths.output, stream)
        plugins.manager.hook.corpuskit_pipeline_start(config=config, stages=names)
        files_in = select_shard(expand_inputs(inputs, registry, options.reader), options.shard)
        order = files.order
        docs = read_documents(files_in, options.reader_options, events, order)
        chain = Chain(docs, plan(stages, plugins, options.stage_options, options.workers), context)
        kept = 0
        last = 0.0
        for doc in chain:
            try:
                writer.write(doc.to_record())
            except OSError as exc:  # disk full, file size limit, I/O error
                raise OutputError(f"cannot write {paths.output}: {exc.strerror or exc}") from exc
            order.leave(doc.position)
            kept += 1
            if progress is not None and (now := time.perf_counter()) - last > 0.2:
                last = now
                progress(chain.points[0].count + events.rejected[READ_STAGE], kept,
                         events.total_rejected + events.total_duplicates)
        try:
            writer.close()
        except OSError as exc:
            raise OutputError(f"cannot write {paths.output}: {exc.strerror or exc}") from exc
        report = _report(chain, events, kept, started, paths, config)
        if not report.balanced:
            raise AccountingError(f"documents went missing: {report.summary()}")
        files.commit()
        _write_report(report, paths.report)
        if main is not None:
            main.commit()
        else:
            with contextlib.suppress(BrokenPipeError):
                sys.stdout.buffer.flush()
        chain.close()  # after the commit: a persistent index never records an uncommitted run
    except BaseException:
        if chain is not None:
            chain.abort()
        files.abort()
        if main is not None:
            main.abort()
        raise
    plugins.manager.hook.corpuskit_pipeline_finish(report=report)
    return report


def _report(chain: Chain, events: CountingSink, kept: int, started: float, paths: OutputPaths,
            config: dict[str, Any]) -> RunReport:
    read_ok = chain.points[0].count
    read_failed = events.rejected[READ_STAGE]
    read = StageStats(READ_STAGE, read_ok + read_failed, read_ok, read_failed,
                      seconds=chain.points[0].seconds, reasons=events.reasons[READ_STAGE])
    stage_stats = chain.stats()
    for st in stage_stats:
        st.rejected = events.rejected[st.name]
        st.duplicates = events.duplicates[st.name]
        st.reasons = events.reasons[st.name]
        if st.docs_in != st.docs_out + st.rejected + st.duplicates:
            raise AccountingError(
                f"stage {st.name!r} lost documents: {st.docs_in} in, {st.docs_out} out, "
                f"{st.rejected} rejected, {st.duplicates} duplicates")
    return RunReport(
        version=__version__, stages=[read, *stage_stats], documents_in=read_ok + read_failed, kept=kept,
        duplicates=events.total_duplicates, rejected=events.total_rejected,
        seconds=time.perf_counter() - started, outputs=paths.as_dict(), config=config)


def _write_report(report: RunReport, path: Path) -> None:
    out = AtomicOutput(path)
    try:
        out.stream.write(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2))
    except BaseException:
        out.abort()
        raise
    out.commit()


__all__ = ["AccountingError", "OutputError", "OutputPaths", "RunOptions", "default_output", "run_clean"]
