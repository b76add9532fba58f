"""Built-in readers: plain text, HTML (through trafilatura) and JSON lines.

Every reader yields :class:`corpuskit.Document` objects, or a
:class:`corpuskit.ReadFailure` for input it cannot read, so the run goes on and the
failure lands in the rejects file with its file and line.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import zstandard

import corpuskit
from corpuskit import Document, ReaderOptions, ReadFailure, Source
from corpuskit.compression import open_input
from corpuskit.ids import document_id
from corpuskit.readers import DecodeError, decode_text
from corpuskit.records import record_to_document

# what a corrupt or truncated .gz/.zst raises while it is read
_COMPRESSION_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error, ValueError,
                                                    zstandard.ZstdError)


def _read_bytes(path: Path) -> bytes:
    with open_input(path) as fh:
        return fh.read()


def _whole_file(path: Path, options: ReaderOptions, fmt: str) -> tuple[str, str] | ReadFailure:
    """``(doc_id, text)`` of a whole-file document, or the failure that prevents it."""
    doc_id = document_id(path, options.root)
    try:
        data = _read_bytes(path)
    except PermissionError:
        return ReadFailure(doc_id, str(path), "permission denied")
    except _COMPRESSION_ERRORS as exc:
        return ReadFailure(doc_id, str(path), f"corrupt or truncated compressed data ({exc})")
    if not data.strip():
        return ReadFailure(doc_id, str(path), "empty file")
    try:
        text, _encoding = decode_text(data)
    except DecodeError as exc:
        return ReadFailure(doc_id, str(path), str(exc))
    return doc_id, text


def read_text(path: Path, options: ReaderOptions) -> Iterator[Document | ReadFailure]:
    """One document per text file; UTF-8, UTF-16 (BOM) or a detected legacy encoding."""
    got = _whole_file(path, options, "text")
    if isinstance(got, ReadFailure):
        yield got
        return
    doc_id, text = got
    yield Document(doc_id, text, {}, Source(str(path), None, "text"))


def read_html(path: Path, options: ReaderOptions) -> Iterator[Document | ReadFailure]:
    """One document per HTML page: trafilatura's main text, its metadata under raw keys."""
    from corpuskit_plugins.html import extract_html

    got = _whole_file(path, options, "html")
    if isinstance(got, ReadFailure):
        yield got
        return
    doc_id, html = got
    text, meta = extract_html(html)
    yield Document(doc_id, text, meta, Source(str(path), None, "html"))


def read_jsonl(path: Path, options: ReaderOptions) -> Iterator[Document | ReadFailure]:
    """One document per line of a JSON-lines file (a ``.json`` holding one array works too).

    A malformed line becomes a reject naming the file and line; the lines around it
    are read as usual.
    """
    base_id = "stdin" if str(path) == "-" else document_id(path, options.root)
    try:
        fh = open_input(path)
    except PermissionError:
        yield ReadFailure(base_id, str(path), "permission denied")
        return
    lineno = 0
    try:
        with fh:
            first = True
            for lineno, raw in enumerate(fh, 1):
                if first and raw.lstrip().startswith(b"["):
                    yield from _json_array(raw + fh.read(), path, base_id, options)
                    return
                first = False
                if not raw.strip():
                    continue
                yield _parse_line(raw, path, lineno, base_id, options)
    except _COMPRESSION_ERRORS as exc:
        yield ReadFailure(f"{base_id}:{lineno + 1}", str(path),
                          f"corrupt or truncated compressed data after line {lineno} ({exc})", lineno + 1)


_REFUSED = object()


def _parse_line(raw: bytes, path: Path, lineno: int, base_id: str, options: ReaderOptions
                ) -> Document | ReadFailure:
    fallback = f"{base_id}:{lineno}"
    try:
        record: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        record = _REFUSED  # the standard parser decides, and names the error, for what orjson refuses
    try:
        if record is _REFUSED:
            record = json.loads(raw)
    except UnicodeDecodeError as exc:
        return ReadFailure(fallback, str(path), f"invalid UTF-8 ({exc.reason})", lineno,
                           raw.decode("utf-8", "replace")[:10000])
    except json.JSONDecodeError as exc:
        return ReadFailure(fallback, str(path), f"malformed JSON ({exc.msg} at column {exc.colno})", lineno,
                           raw.decode("utf-8", "replace")[:10000])
    return record_to_document(record, fallback_id=fallback, path=str(path), line=lineno, options=options)


def _json_array(data: bytes, path: Path, base_id: str, options: ReaderOptions
                ) -> Iterator[Document | ReadFailure]:
    try:
        records = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield ReadFailure(base_id, str(path), f"malformed JSON array ({exc})")
        return
    if not isinstance(records, list):
        records = [records]
    for i, record in enumerate(records, 1):
        yield record_to_document(record, fallback_id=f"{base_id}:{i}", path=str(path), line=None,
                                 options=options)


@corpuskit.hookimpl
def corpuskit_register_readers(register: Any) -> None:
    """Register the text, HTML and JSON-lines readers."""
    register("text", read_text, suffixes=[".txt", ".text", ".md"])
    register("html", read_html, suffixes=[".html", ".htm", ".xhtml"])
    register("jsonl", read_jsonl, suffixes=[".jsonl", ".json", ".ndjson"])
