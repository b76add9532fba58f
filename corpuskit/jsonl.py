"""JSON-lines encoding shared by the writer plugin and the side files."""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps_line(record: dict[str, Any]) -> bytes:
    """One JSONL line, UTF-8 unescaped, with the newline; orjson for speed, json for what it refuses."""
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
