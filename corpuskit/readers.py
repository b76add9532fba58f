"""Reader-side types and helpers shared by the core and reader plugins."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_TEXT_FIELDS = ("text", "content", "body", "raw_content", "article", "maintext")
DEFAULT_ID_FIELDS = ("id", "doc_id", "docid", "uuid", "_id")


@dataclass(slots=True)
class ReaderOptions:
    """Options every reader receives.

    ``root`` is the input argument the file was found under (ids are relative to it);
    ``text_fields``/``id_fields`` are the JSON keys tried, in order, for text and id.
    """

    root: str = "."
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS
    id_fields: tuple[str, ...] = DEFAULT_ID_FIELDS
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class ReadFailure:
    """A document (or line) that could not be read: it becomes a reject, the run goes on.

    ``id`` is the id the document would have had, ``path``/``line`` locate it and
    ``reason`` says what was wrong in words a user can act on.
    """

    id: str
    path: str
    reason: str
    line: int | None = None
    raw: str | None = None

    def message(self) -> str:
        """``path[:line]: reason``, for error output."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


class DecodeError(ValueError):
    """Bytes that are not text in any encoding we accept (binary or undecodable)."""


_MAGIC = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive",
    b"\x1f\x8b": "gzip-compressed data",
    b"\x28\xb5\x2f\xfd": "zstd-compressed data",
    b"\x7fELF": "an executable",
}


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode file bytes to text; return ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are taken as they are; other
    bytes go through charset-normalizer. Binary content (known magic numbers, NUL
    bytes without a UTF-16 BOM) raises :class:`DecodeError` naming what it looks like.
    """
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise DecodeError(f"binary content ({what}), not text")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32"), "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16 at byte {exc.start}") from exc
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if b"\x00" in data[:8192]:
        raise DecodeError("binary content (NUL bytes), not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError(
            f"not UTF-8 (invalid byte at offset {utf8_error.start}) and no other encoding fits"
        )
    text = str(best)
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.01 * min(len(text), 8192) + 2:
        raise DecodeError("binary content (control characters), not text")
    return text, best.encoding
