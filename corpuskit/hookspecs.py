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
        Registry,
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
    the run goes on). Open the file with :func:`corpuskit.open_input`, which
    decompresses ``.gz``/``.zst`` transparently; readers are chosen by the suffix
    before the compression suffix (``a.html.gz`` goes to the ``.html`` reader).
    ``path`` is ``Path("-")`` for standard input.
    """


@hookspec
def corpuskit_register_writers(register: RegisterWriter) -> None:
    """Add output formats.

    Call ``register(name, open_writer, suffixes=[".parquet"])`` where
    ``open_writer(stream: typing.BinaryIO) -> Writer`` returns an object with
    ``write(record: dict)`` and ``close()`` (``close`` flushes but must not close
    ``stream``). The core opens ``stream`` on a temporary file (compressed when the
    output ends in ``.gz``/``.zst``) and renames it into place only when the run
    completes, so a crash never leaves a half-written file under the final name.
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
def corpuskit_register_commands(app: typer.Typer, registry: Registry) -> None:
    """Add CLI sub-commands to ``app`` (a :class:`typer.Typer`), e.g. ``@app.command()``.

    ``registry`` holds what the plugins loaded for this invocation registered (after
    ``--no-plugin``): a command that applies stages or rules takes them from it instead of
    loading the plugins again. An implementation may leave it out of its signature.
    """


@hookspec
def corpuskit_pipeline_start(config: dict[str, Any], stages: list[str]) -> None:
    """Called once before the first document, with the run's config and stage names in order."""


@hookspec
def corpuskit_pipeline_finish(report: RunReport) -> None:
    """Called once after the run completed, with its report (counts and timings per stage)."""
