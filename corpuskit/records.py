"""Mapping a JSON object (a JSONL line, a dict from a data library) onto a Document."""

from __future__ import annotations

import json
from typing import Any

from corpuskit.document import Document, Source
from corpuskit.readers import ReaderOptions, ReadFailure


def _first_key(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in record:
            return name
    return None


def record_to_document(
    record: Any, *, fallback_id: str, path: str, line: int | None, options: ReaderOptions
) -> Document | ReadFailure:
    """Turn one JSON object into a Document: text under the first known text field,
    id under the first known id field (else ``fallback_id``), the rest as metadata."""
    if not isinstance(record, dict):
        return ReadFailure(fallback_id, path, f"expected a JSON object, got {type(record).__name__}", line)
    id_key = _first_key(record, options.id_fields)
    doc_id = str(record[id_key]) if id_key is not None and record[id_key] not in (None, "") else fallback_id
    text_key = _first_key(record, options.text_fields)
    if text_key is None:
        fields = ", ".join(options.text_fields)
        return ReadFailure(doc_id, path, f"record has no text field (tried: {fields})", line,
                           json.dumps(record, ensure_ascii=False)[:10000])
    text = record[text_key]
    if not isinstance(text, str):
        return ReadFailure(doc_id, path, f"field {text_key!r} is {type(text).__name__}, not a string", line,
                           json.dumps(record, ensure_ascii=False)[:10000])
    meta = {k: v for k, v in record.items() if k not in (text_key, id_key)}
    return Document(doc_id, text, meta, Source(path, line, "jsonl"))
