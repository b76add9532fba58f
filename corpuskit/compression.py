"""Transparent .gz/.zst handling for inputs and outputs."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path
from typing import Any, BinaryIO

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
        return io.BufferedReader(_ZstdReader(raw))  # type: ignore[return-value]
    return raw


class _ZstdReader(io.RawIOBase):
    """Streaming zstd decompression that raises ``EOFError`` on a truncated frame
    (zstandard's own stream reader silently returns the partial data)."""

    def __init__(self, raw: BinaryIO) -> None:
        import zstandard

        self._zstd = zstandard
        self._raw = raw
        self._dobj = zstandard.ZstdDecompressor().decompressobj()
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buffer and not self._done:
            chunk = self._raw.read(1 << 16)
            if not chunk:
                self._done = True
                if not self._dobj.eof:
                    raise EOFError("zstd stream ended before the end of its frame")
                break
            out = []
            while chunk:
                if self._dobj.eof:  # a further frame: start a new decompressor
                    self._dobj = self._zstd.ZstdDecompressor().decompressobj()
                out.append(self._dobj.decompress(chunk))
                chunk = self._dobj.unused_data if self._dobj.eof else b""
            self._buffer = b"".join(out)
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def compressing_writer(raw: BinaryIO, path: Path) -> BinaryIO:
    """Wrap ``raw`` so that what is written to it is compressed as ``path``'s suffix says."""
    _, compression = split_compression(path)
    if compression == ".gz":
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)  # type: ignore[return-value]
    if compression == ".zst":
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)  # type: ignore[return-value]
    return raw
