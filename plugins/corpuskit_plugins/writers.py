"""Built-in writer: JSON lines, UTF-8 without escaping, one record per line."""

from __future__ import annotations

from typing import Any, BinaryIO

import corpuskit
from corpuskit.jsonl import dumps_line


class JsonlWriter:
    """Writes records as JSON lines to a binary stream."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, record: dict[str, Any]) -> None:
        self.stream.write(dumps_line(record))

    def close(self) -> None:
        self.stream.flush()


@corpuskit.hookimpl
def corpuskit_register_writers(register: Any) -> None:
    """Register the JSON-lines writer."""
    register("jsonl", JsonlWriter, suffixes=[".jsonl", ".json", ".ndjson"])
