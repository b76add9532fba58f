"""Run configuration from a TOML file and command-line overrides.

Example ``corpuskit.toml``::

    [pipeline]
    stages = ["metadata", "boilerplate", "dedup", "counts"]  # default: all, by order
    skip = []

    [input]
    text_fields = ["text", "content", "body"]
    id_fields = ["id"]
    reader = "jsonl"          # force a reader instead of choosing by suffix

    [output]
    writer = "jsonl"

    [stage.boilerplate]
    mode = "balanced"

    [stage.dedup]
    threshold = 0.8
    index = "crawl.index.sqlite"
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from corpuskit.pipeline import ConfigError
from corpuskit.readers import DEFAULT_ID_FIELDS, DEFAULT_TEXT_FIELDS, ReaderOptions
from corpuskit.run import RunOptions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_SECTIONS = {"pipeline", "input", "output", "stage"}


def load_config(path: Path) -> dict[str, Any]:
    """Read a TOML config file; errors name the file and line."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    unknown = set(data) - _SECTIONS
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(_SECTIONS))})")
    return data


def parse_assignment(text: str) -> tuple[str, str, Any]:
    """``"dedup.threshold=0.85"`` → ``("dedup", "threshold", 0.85)``; the value is read as
    a TOML value when it is one (numbers, booleans, lists, quoted strings), else as a string."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise ConfigError(f"--set {text!r}: expected STAGE.OPTION=VALUE")
    key, raw = text.split("=", 1)
    stage, option = key.strip().split(".", 1)
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return stage, option, value


def run_options(
    config: dict[str, Any] | None = None,
    *,
    stages: list[str] | None = None,
    skip: list[str] | None = None,
    settings: list[str] | None = None,
    text_fields: list[str] | None = None,
    id_fields: list[str] | None = None,
    reader: str | None = None,
    writer: str | None = None,
) -> RunOptions:
    """Merge a config dict with command-line values (the command line wins)."""
    config = config or {}
    pipeline = config.get("pipeline", {})
    inp = config.get("input", {})
    out = config.get("output", {})
    stage_options: dict[str, dict[str, Any]] = {k: dict(v) for k, v in config.get("stage", {}).items()}
    for text in settings or []:
        stage, option, value = parse_assignment(text)
        stage_options.setdefault(stage, {})[option] = value
    reader_options = ReaderOptions(
        text_fields=tuple(text_fields or inp.get("text_fields") or DEFAULT_TEXT_FIELDS),
        id_fields=tuple(id_fields or inp.get("id_fields") or DEFAULT_ID_FIELDS),
    )
    return RunOptions(
        stages=stages or pipeline.get("stages") or None,
        skip=list(skip or pipeline.get("skip") or []),
        stage_options=stage_options,
        reader=reader or inp.get("reader"),
        reader_options=reader_options,
        writer=writer or out.get("writer"),
    )
