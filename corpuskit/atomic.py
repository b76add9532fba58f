"""Atomic output files: written under a temporary name, renamed into place when complete."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import BinaryIO

from corpuskit.compression import compressing_writer


class OutputError(OSError):
    """An output path that cannot be written (its message names the path)."""


class AtomicOutput:
    """A binary output stream that appears under ``path`` only after :meth:`commit`.

    The data goes to ``.NAME.tmp-PID`` in the same directory (same file system, so
    the final ``os.replace`` is atomic) and is fsynced before the rename. On
    :meth:`abort`, or a crash, the final path keeps its previous content or stays
    absent: never a truncated file that looks whole. Compression follows the suffix.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._raw: BinaryIO = open(self.tmp, "wb")  # noqa: SIM115 - closed in commit/abort
        except OSError as exc:
            blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
            why = f"{blocking} is not a directory" if blocking else (exc.strerror or str(exc))
            raise OutputError(f"cannot write {path}: {why}") from exc
        self.stream: BinaryIO = compressing_writer(self._raw, path)

    def commit(self) -> None:
        """Flush, fsync and rename the temporary file to the final path."""
        try:
            if self.stream is not self._raw:
                self.stream.close()
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def abort(self) -> None:
        """Throw the temporary file away; the final path is left untouched."""
        with contextlib.suppress(OSError, ValueError):
            self._raw.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()
