"""Turn the command line's inputs (files, directories, globs, ``-``) into readable files."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpuskit.compression import split_compression
from corpuskit.registry import Entry, Registry


class InputError(ValueError):
    """An input argument that names nothing readable (the message names it)."""


@dataclass(slots=True, frozen=True)
class InputFile:
    """A file to read, the argument it was found under (for ids), and its reader."""

    path: Path
    root: str
    reader: Entry | None


def _is_glob(arg: str) -> bool:
    return any(ch in arg for ch in "*?[")


def _walk(directory: Path) -> Iterator[Path]:
    """Files below ``directory`` in sorted order; symlinked directories are not followed,
    so a symlink loop cannot make the walk endless; hidden files and folders are skipped."""
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(directory, onerror=errors.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name
    for err in errors:
        raise InputError(f"{err.filename}: cannot list directory ({err.strerror})")


def reader_for(path: Path, registry: Registry, forced: str | None = None) -> Entry | None:
    """The reader for ``path``: ``forced`` by name, else by the suffix before any compression suffix."""
    if forced:
        return registry.readers.get(forced)
    name, _ = split_compression(path)
    suffix = os.path.splitext(name)[1]
    return registry.reader_for_suffix(suffix) if suffix else None


def expand_inputs(args: Sequence[str], registry: Registry, forced_reader: str | None = None
                  ) -> Iterator[InputFile]:
    """Yield every input file in a stable order: arguments in the order given, directory
    contents sorted. A missing path or a glob that matches nothing raises :class:`InputError`
    before anything is yielded for it."""
    if forced_reader and forced_reader not in registry.readers:
        known = ", ".join(sorted(registry.readers)) or "none"
        raise InputError(f"unknown reader {forced_reader!r} (known: {known})")
    for arg in args:
        if arg == "-":
            yield InputFile(Path("-"), "-", registry.readers.get(forced_reader or "jsonl"))
            continue
        path = Path(arg)
        if path.is_dir():
            for file in _walk(path):
                yield InputFile(file, arg, reader_for(file, registry, forced_reader))
        elif path.exists():
            yield InputFile(path, arg, reader_for(path, registry, forced_reader))
        elif _is_glob(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise InputError(f"{arg}: no file matches this pattern")
            root = os.path.dirname(arg.split("*")[0]) or "."
            for match in matches:
                m = Path(match)
                files = _walk(m) if m.is_dir() else iter([m])
                for file in files:
                    yield InputFile(file, root, reader_for(file, registry, forced_reader))
        else:
            raise InputError(f"{arg}: no such file or directory")


def check_inputs(args: Sequence[str]) -> None:
    """Raise :class:`InputError` for the first argument that names nothing (before a run starts)."""
    for arg in args:
        if arg == "-" or Path(arg).exists():
            continue
        if _is_glob(arg) and glob.glob(arg, recursive=True):
            continue
        raise InputError(f"{arg}: no such file or directory" if not _is_glob(arg)
                         else f"{arg}: no file matches this pattern")


def parse_shard(text: str) -> tuple[int, int]:
    """``"1/4"`` → ``(1, 4)``: shard 1 of 4, counted from 0."""
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise InputError(f"--shard {text!r}: expected I/N, e.g. 0/4") from None
    if count < 1 or not 0 <= index < count:
        raise InputError(f"--shard {text!r}: I must be between 0 and N-1")
    return index, count


def select_shard(files: Iterator[InputFile], shard: tuple[int, int] | None) -> Iterator[InputFile]:
    """The input files of one shard: file k (in the stable input order) belongs to shard
    ``k % N``. Whole files go to one shard, so ids and file-level rejects do not change."""
    if shard is None:
        yield from files
        return
    index, count = shard
    for k, file in enumerate(files):
        if k % count == index:
            yield file
