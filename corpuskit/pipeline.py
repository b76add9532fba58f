"""Build the ordered list of stages and chain them lazily over a document stream."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from corpuskit.context import RunContext
from corpuskit.document import Document
from corpuskit.registry import Registry
from corpuskit.report import StageStats
from corpuskit.stage import Stage


class ConfigError(ValueError):
    """A pipeline configuration that cannot run (unknown stage, bad option); names the culprit."""


def select_stage_names(registry: Registry, stages: Sequence[str] | None = None,
                       skip: Sequence[str] = ()) -> list[str]:
    """The stage names to run, in order: ``stages`` as given (``[]`` = none), else every default stage by
    its ``order``; minus ``skip``. Unknown names raise :class:`ConfigError`."""
    known = registry.stages
    for name in [*(stages or []), *skip]:
        if name not in known:
            raise ConfigError(f"unknown stage {name!r} (known: {', '.join(sorted(known)) or 'none'})")
    if stages is not None:
        names = list(dict.fromkeys(stages))
    else:
        names = [c.name for c in registry.stage_classes_in_default_order() if c.default]
    return [n for n in names if n not in set(skip)]


def build_stages(registry: Registry, names: Sequence[str], options: dict[str, dict[str, Any]]
                 ) -> list[Stage]:
    """Instantiate each named stage with its options (``options[name]``)."""
    for name in options:
        if name not in registry.stages:
            raise ConfigError(f"options given for unknown stage {name!r}")
    stages = []
    for name in names:
        cls = registry.stages[name].value
        try:
            stages.append(cls(**coerce_options(cls, name, options.get(name, {}))))
        except ConfigError:
            raise
        except TypeError as exc:
            raise ConfigError(f"stage {name!r}: {exc}") from exc
        except ValueError as exc:
            raise ConfigError(f"stage {name!r}: {exc}") from exc
    return stages


def close_stages(stages: Sequence[Stage]) -> None:
    """Close every stage in order (after the run's outputs were committed)."""
    for stage in stages:
        stage.close()


def abort_stages(stages: Sequence[Stage]) -> None:
    """Call every stage's ``abort``; one stage failing to abort does not stop the others."""
    for stage in stages:
        try:
            stage.abort()
        except Exception:  # one stage failing to abort must not hide the cause
            continue


class TimedIterator:
    """Counts and times what passes through one point of the chain."""

    def __init__(self, source: Iterable[Document]) -> None:
        self.source = iter(source)
        self.count = 0
        self.seconds = 0.0

    def __iter__(self) -> Iterator[Document]:
        return self

    def __next__(self) -> Document:
        start = time.perf_counter()
        try:
            doc = next(self.source)
        finally:
            self.seconds += time.perf_counter() - start
        self.count += 1
        return doc


class Chain:
    """Stages chained over a document stream, with per-stage counts and own-time."""

    def __init__(self, docs: Iterable[Document], stages: Sequence[Stage], context: RunContext) -> None:
        self.stages = list(stages)
        self.points = [TimedIterator(docs)]
        for stage in self.stages:
            stage.setup(context)
            self.points.append(TimedIterator(stage.process(self.points[-1])))

    def __iter__(self) -> Iterator[Document]:
        return iter(self.points[-1])

    def close(self) -> None:
        """Close every stage (after the run's outputs were committed)."""
        close_stages(self.stages)

    def abort(self) -> None:
        """Let every stage discard pending state (the run failed)."""
        abort_stages(self.stages)

    def stats(self) -> list[StageStats]:
        """Per-stage in/out and seconds spent in the stage itself (upstream time subtracted)."""
        out = []
        prepared = 0.0  # worker seconds a segment spent in the next stage's Stage.prepare
        for i, stage in enumerate(self.stages):
            inner = getattr(stage, "stage_stats", None)
            if callable(inner):  # a parallel segment reports its stages itself
                out.extend(inner())
                prepared = getattr(stage, "prepare_seconds", 0.0)
                continue
            before, after = self.points[i], self.points[i + 1]
            own = max(0.0, after.seconds - before.seconds)
            st = StageStats(stage.name, before.count, after.count, seconds=own)
            extra = getattr(stage, "stats", None)
            if callable(extra):
                st.extra = dict(extra())
            if prepared:
                st.extra["prepare_seconds"] = round(prepared, 4)
            prepared = 0.0
            out.append(st)
        return out


def coerce_options(cls: type, stage: str, options: dict[str, Any]) -> dict[str, Any]:
    """Convert option values given as strings (``--set n=abc``) to the type of the
    parameter's default (int, float, bool); a value that does not convert is a
    :class:`ConfigError` naming the stage and option."""
    import inspect

    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return options
    out = dict(options)
    for key, value in options.items():
        param = params.get(key)
        if param is None or param.default is inspect.Parameter.empty or param.default is None:
            continue
        want = type(param.default)
        if want is bool and isinstance(value, str):
            if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ConfigError(f"stage {stage!r}: option {key!r} wants true or false, got {value!r}")
            out[key] = value.lower() in ("true", "1", "yes")
        elif want in (int, float) and not isinstance(value, bool) and not isinstance(value, want):
            try:
                out[key] = want(value) if not (want is int and isinstance(value, float)) else value
            except (TypeError, ValueError):
                raise ConfigError(f"stage {stage!r}: option {key!r} wants {want.__name__}, got {value!r}"
                                  ) from None
    return out
