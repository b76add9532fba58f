"""Transparent .gz/.zst handling for inputs and outputs."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path
from typing import BinaryIO

COMPRESSION_SUFFIXES = (".gz", ".zst")


def split_compression(path: Path) -> tuple[str, str | None]:
    """``("a.html", ".gz")`` for ``a.html.gz``; ``("a.txt", None)`` for ``a.txt``."""
    suffix = path.suffix.lower()
    if suffix in COMPRESSION_SUFFIXES:
        return path.name[: -len(suffix)], suffix
    return path.name, None


def open_input(path: Path) -> BinaryIO:
    """Open ``path`` for binary reading, decompressing ``.gz``/``.zst`` on the fly.

    ``Path("-")`` is standard input. Corrupt or truncated compressed data raises
    ``OSError``/``EOFError`` while reading; readers turn that into a reject.
    """
    if str(path) == "-":
        return sys.stdin.buffer
    _, compression = split_compression(path)
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller
    if compression == ".gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if compression == ".zst":
        import zstandard

        reader = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
        return io.BufferedReader(reader)  # type: ignore[arg-type]
    return raw


def compressing_writer(raw: BinaryIO, path: Path) -> BinaryIO:
    """Wrap ``raw`` so that what is written to it is compressed as ``path``'s suffix says."""
    _, compression = split_compression(path)
    if compression == ".gz":
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)  # type: ignore[return-value]
    if compression == ".zst":
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)  # type: ignore[return-value]
    return raw
