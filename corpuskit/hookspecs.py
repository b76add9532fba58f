"""Hook specifications: the plugin author's reference.

A plugin is a module (or object) with functions decorated by ``corpuskit.hookimpl``
whose names match the functions below, published under the ``corpuskit`` entry-point
group. Hooks are for discovery and lifecycle only: documents never flow through
pluggy. Each ``register`` callback is built by the core, which validates what it
receives and reports a clash naming both plugins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import typer

    from corpuskit.registry import (
        RegisterReader,
        RegisterRule,
        RegisterStage,
        RegisterWriter,
    )
    from corpuskit.report import RunReport

hookspec = pluggy.HookspecMarker("corpuskit")


@hookspec
def corpuskit_register_stages(register: RegisterStage) -> None:
    """Add pipeline stages.

    Call ``register(StageClass)`` once per :class:`corpuskit.Stage` subclass. The
    class's ``name`` is what users write in ``--stage``/``--skip`` and in the
    ``[stages]`` table of the config file; its ``order`` places it in the default
    pipeline (built-ins: metadata 10, boilerplate 20, dedup 30, counts 90).
    """


@hookspec
def corpuskit_register_readers(register: RegisterReader) -> None:
    """Add input readers.

    Call ``register(name, read, suffixes=[".warc"])`` where
    ``read(path: pathlib.Path, options: ReaderOptions) -> Iterator[Document | ReadFailure]``
    yields one :class:`corpuskit.Document` per document found, or a
    :class:`corpuskit.ReadFailure` for one that cannot be read (it becomes a reject;
    the run goes on). ``path`` is already decompressed when the input ended in
    ``.gz`` or ``.zst``: readers are chosen by the suffix before that.
    """


@hookspec
def corpuskit_register_writers(register: RegisterWriter) -> None:
    """Add output formats.

    Call ``register(name, open_writer, suffixes=[".parquet"])`` where
    ``open_writer(path: pathlib.Path) -> Writer`` returns an object with
    ``write(record: dict)`` and ``close()``. The core writes to a temporary path and
    renames it into place only when the run completes.
    """


@hookspec
def corpuskit_register_boilerplate_rules(register: RegisterRule) -> None:
    """Add line rules to the boilerplate stage.

    Call ``register(name, rule)`` where ``rule(line: corpuskit.Line) -> str | None``
    returns a short reason when the line is boilerplate (``None`` keeps it). A
    :class:`corpuskit.Line` carries the line's text and its neighbours, so a rule can
    use context.
    """


@hookspec
def corpuskit_register_commands(app: typer.Typer) -> None:
    """Add CLI sub-commands to ``app`` (a :class:`typer.Typer`), e.g. ``@app.command()``."""


@hookspec
def corpuskit_pipeline_start(config: dict[str, Any], stages: list[str]) -> None:
    """Called once before the first document, with the run's config and stage names in order."""


@hookspec
def corpuskit_pipeline_finish(report: RunReport) -> None:
    """Called once after the run completed, with its report (counts and timings per stage)."""
