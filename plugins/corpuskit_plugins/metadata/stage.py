"""The ``metadata`` (order 10) and ``counts`` (order 90) stages.

``metadata`` runs first: it normalizes the text, maps incoming fields onto the schema,
reads datelines, bylines and wire credits from the header/footer of the text, removes
those lines (they are facts, now in fields) and finds the headline. ``counts`` runs
last, on the final text: words, chars, content hash and language, and it makes sure
every schema key exists so every record validates against
``schema/document.schema.json``.

Precedence: a value from an incoming field wins over one read from the text (a
publisher's structured date is more reliable than a printed one). A field date that is
flagged (future / too old) does not count as present: the dateline is used instead.
Among datelines, "Published/Posted" beats an unlabelled date, which beats
"Updated/Last Modified".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import Any, ClassVar

from corpuskit import Document, Stage
from corpuskit_plugins.metadata.bylines import SITE_DOMAIN, Byline, inline_agency, parse_byline, parse_credit
from corpuskit_plugins.metadata.dates import Dateline, check_date, parse_dateline
from corpuskit_plugins.metadata.fields import jsonable, map_fields
from corpuskit_plugins.metadata.language import (
    _classifier,
    detect_language,
    detect_languages,
    normalize_language,
)
from corpuskit_plugins.metadata.text_normalize import normalize_text, rejoin_normalized
from corpuskit_plugins.metadata.titles import find_title, repeated_at, strip_site_suffix
from corpuskit_plugins.metadata.urls import url_host

#: Documents whose language the counts stage detects in one call.
LANGUAGE_BATCH = 256

#: Every metadata key of an output record, in output order, with its "unknown" value.
SCHEMA_KEYS: dict[str, Any] = {
    "title": None,
    "date": None,
    "date_flag": None,
    "date_rejected": None,
    "crawl_date": None,
    "authors": None,
    "url": None,
    "domain": None,
    "source": None,
    "agency": None,
    "language": None,
    "description": None,
    "words": None,
    "chars": None,
    "content_hash": None,
    "source_path": None,
    "source_line": None,
    "format": None,
    "extra": None,
    "field_sources": None,
}
_KIND_RANK = {"published": 0, "bare": 1, "updated": 2}
#: what ``metadata`` writes: the schema keys but the counts, in order, unknown
_BUILT_KEYS: dict[str, Any] = {k: None for k in SCHEMA_KEYS if k not in {"words", "chars", "content_hash"}}


def _as_bool(value: Any) -> bool:
    """Option values may arrive as strings ("false", "0", "no")."""
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


_PLACE = re.compile(r"[A-Z][A-Z .,'’-]{1,40}")


_PART_SEP = re.compile(r"\s*\|\s*|\s+[•·/]\s+|\s{3,}")
_WIDE_SPACE = re.compile(r"\s{3}")


def _split_parts(line: str) -> list[str]:
    s = line.strip()
    if _one_part(s):
        return [s] if s else []  # no separator: what the split would return (most lines)
    return [p for p in _PART_SEP.split(s) if p.strip()]


_OTHER_SPACE = re.compile(r"[^\S ]")  # whitespace other than a plain space


def _one_part(s: str) -> bool:
    """True when ``_split_parts`` cannot split the stripped line ``s`` (False: it may)."""
    if "|" in s or "•" in s or "·" in s or "/" in s or "   " in s:
        return False
    if s.isascii():  # the ASCII whitespace but the space, each found by memchr (faster than isprintable)
        other = (
            "\t" in s or "\n" in s or "\r" in s or "\x0b" in s or "\x0c" in s
            or "\x1c" in s or "\x1d" in s or "\x1e" in s or "\x1f" in s
        )
        return not other or not _WIDE_SPACE.search(s)
    # with plain spaces only, "   " is the only run of three; else look for any run. Every
    # whitespace character but the plain space is a separator or a control, which isprintable()
    # rejects: one C scan answers for most lines (the regex takes ~6 us per 500 characters).
    return s.isprintable() or not _OTHER_SPACE.search(s) or not _WIDE_SPACE.search(s)


_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_LEAD_CHARS = _WHITESPACE + "•·▪◦●*►»|–—-"  # what the dateline/byline/credit parsers strip in front
_TAIL_CHARS = _WHITESPACE + "."  # ... and behind
_LONGEST_META = 200  # no dateline (120), byline (160) or credit (200) is longer, once stripped


@lru_cache(maxsize=8192)
def _classify_cached(
    line: str, date_order: str, header: bool
) -> tuple[Dateline | None, Byline | None] | None:
    return _classify_line(line, date_order, header=header)


def classify_line(
    line: str, date_order: str, *, header: bool
) -> tuple[Dateline | None, Byline | None] | None:
    """``(dateline, byline)`` when ``line`` is wholly metadata, else ``None``.

    A line may combine parts separated by " | " or " • " ("By A | Updated 3 PM ET Oct 21,
    2011"); each part must be a dateline, a byline or a credit. In the footer only
    labelled datelines count (a bare date there is usually a "related story" date).

    A pure function of its arguments: short lines (site furniture repeats from page to page)
    are answered from a cache, and a long line of one part (a paragraph) is rejected at once.
    """
    if len(line) > _LONGEST_META:
        if len(line.lstrip(_LEAD_CHARS).rstrip(_TAIL_CHARS)) > _LONGEST_META and _one_part(line.strip()):
            return None
        return _classify_line(line, date_order, header=header)
    got = _classify_cached(line, date_order, bool(header))
    if got is None or got[1] is None:
        return got
    b = got[1]  # Byline is mutable: every caller gets its own
    return got[0], Byline(authors=list(b.authors), agency=b.agency, source=b.source)


def _classify_line(
    line: str, date_order: str, *, header: bool
) -> tuple[Dateline | None, Byline | None] | None:
    whole_date = parse_dateline(line, date_order)
    if whole_date and (header or whole_date.kind != "bare"):
        return whole_date, None
    found_date: Dateline | None = None
    found_by: Byline | None = None
    parts = _split_parts(line)
    places = domains = 0
    stripped = line.strip()
    for part in parts:
        if len(parts) > 1 and _PLACE.fullmatch(part.strip()) and not places:
            places += 1  # "WASHINGTON | Fri Oct 21, 2011 6:53pm EDT": the place of a wire dateline
            continue
        # the line itself (no separator): parse_dateline strips, so its answer is the one above
        d = whole_date if part == stripped else parse_dateline(part, date_order)
        if d and (header or d.kind != "bare"):
            if found_date is None or _KIND_RANK[d.kind] < _KIND_RANK[found_date.kind]:
                found_date = d
            continue
        b = parse_byline(part) or parse_credit(part)
        if b is None and len(parts) > 1 and SITE_DOMAIN.fullmatch(part.strip()):
            # "Published October 21, 2011 | FoxNews.com" (a bare domain line alone is usually a link)
            b = Byline(source=part.strip().lower().removeprefix("www."))
            domains += 1
        if b is None:
            return None
        if found_by is None:
            found_by = b
        else:
            found_by.authors += [a for a in b.authors if a not in found_by.authors]
            found_by.agency = found_by.agency or b.agency
            found_by.source = found_by.source or b.source
    if found_date is None and found_by is None:
        return None
    if found_date is None and found_by is not None and (places or domains):
        return None  # a place or a domain beside a name: too little to call it metadata
    return found_date, found_by


class MetadataStage(Stage):
    """Normalize text and metadata onto the corpuskit schema (runs first).

    Options: ``field_map`` (canonical field → list of input names, replacing the
    default list for that field), ``date_order`` ("MDY" default, or "DMY") for
    ambiguous numeric dates, ``strip_lines`` (True: remove dateline/byline/credit lines
    whose fact went into a field), ``title_from_text`` ("auto": only for plain-text
    input; True; False), ``min_year`` (1990: older dates are flagged), ``header_lines``
    / ``footer_lines`` (12 / 20 non-blank lines searched for datelines and credits),
    ``keep_extra`` (True: unmapped input fields kept under ``extra``).
    """

    name: ClassVar[str] = "metadata"
    order: ClassVar[int] = 10
    per_document: ClassVar[bool] = True
    description: ClassVar[str] = "normalize text; map and extract title, date, authors, url, source"

    def __init__(
        self,
        *,
        field_map: dict[str, list[str]] | None = None,
        date_order: str = "MDY",
        strip_lines: bool = True,
        title_from_text: bool | str = "auto",
        min_year: int = 1990,
        header_lines: int = 12,
        footer_lines: int = 20,
        keep_extra: bool = True,
        today: str | None = None,
    ) -> None:
        super().__init__()
        if str(date_order).upper() not in {"MDY", "DMY"}:
            raise ValueError(f"stage 'metadata': date_order must be 'MDY' or 'DMY', not {date_order!r}")
        self.field_map = field_map
        self.date_order = str(date_order).upper()
        self.strip_lines = _as_bool(strip_lines)
        self.title_from_text: bool | str = (
            "auto" if str(title_from_text).lower() == "auto" else _as_bool(title_from_text)
        )
        self.min_year = int(min_year)
        self.header_lines = int(header_lines)
        self.footer_lines = int(footer_lines)
        self.keep_extra = _as_bool(keep_extra)
        self.today = dt.date.fromisoformat(today) if today else None

    # -- helpers --------------------------------------------------------------------
    def _title_enabled(self, doc: Document) -> bool:
        if self.title_from_text == "auto":
            return doc.source is None or doc.source.format == "text"
        return bool(self.title_from_text)

    @staticmethod
    def _bare_date_ok(index: int, article_start: int | None, repeated: bool, nonblank: list[int]) -> bool:
        """Whether an unlabelled date line belongs to the article rather than to the site.

        Site headers print today's date among menus; an article's date sits next to its
        headline. So: with no headline found, any header date; after a headline echoed
        further down, any date in the window after it; otherwise a date at most 3 lines
        from the headline.
        """
        if article_start is None:
            return True
        lo, hi = min(index, article_start), max(index, article_start)
        between = bisect_left(nonblank, hi) - bisect_right(nonblank, lo)  # nonblank is sorted
        if repeated and index > article_start:
            return True
        return between < 3

    def process_document(self, doc: Document) -> Document | None:
        """Normalize ``doc`` in place and return it (this stage never rejects)."""
        doc.text = normalize_text(doc.text or "")
        raw = doc.metadata if isinstance(doc.metadata, dict) else {}
        nested = raw.get("metadata")
        if isinstance(nested, dict) and isinstance(nested.get("field_sources"), dict) and len(raw) == 1:
            raw = nested  # a corpuskit output record read back in
        if isinstance(raw.get("field_sources"), dict):
            doc.metadata = self._passthrough(raw, doc)
            return doc
        doc.metadata = self._build(raw, doc)
        return doc

    def _passthrough(self, raw: dict[str, Any], doc: Document) -> dict[str, Any]:
        counted = {"words", "chars", "content_hash"}
        meta = {k: raw.get(k, v) for k, v in SCHEMA_KEYS.items() if k in raw or k not in counted}
        extra = dict(raw.get("extra") or {})
        for k, v in raw.items():
            if k not in SCHEMA_KEYS:
                extra[k] = jsonable(v)
        meta["extra"] = extra if self.keep_extra else {}
        meta.update(self._provenance(doc, meta))
        return {k: meta[k] for k in SCHEMA_KEYS if k in meta}

    @staticmethod
    def _provenance(doc: Document, meta: dict[str, Any]) -> dict[str, Any]:
        if doc.source is None:
            return {k: meta.get(k) for k in ("source_path", "source_line", "format")}
        return {"source_path": doc.source.path, "source_line": doc.source.line, "format": doc.source.format}

    def _build(self, raw: dict[str, Any], doc: Document) -> dict[str, Any]:
        mapped = map_fields(
            raw, self.field_map, date_order=self.date_order, min_year=self.min_year, today=self.today
        )
        values, sources = dict(mapped.values), dict(mapped.sources)
        date_flag, date_rejected = mapped.date_flag, mapped.date_rejected

        lines = doc.text.split("\n")
        nonblank = [i for i, ln in enumerate(lines) if ln and not ln.isspace()]  # ln.strip(), no copy
        header = nonblank[: self.header_lines]
        found: dict[int, tuple[Dateline | None, Byline | None]] = {}
        for i in header:
            got = classify_line(lines[i], self.date_order, header=True)
            if got is not None:
                found[i] = got
        anchor = min(found, default=None)
        title_idx = find_title(lines, anchor, skip=found, nonblank=nonblank)
        # A page title echoed further down by the article headline: the article starts there,
        # and its own dateline/byline follow it (dates above it are site furniture, e.g. today's date).
        headline_idx = repeated_at(lines, title_idx) if title_idx is not None else None
        if headline_idx is not None:
            window = [i for i in nonblank if i > headline_idx][: self.header_lines // 2]
            for i in window:
                got = classify_line(lines[i], self.date_order, header=True)
                if got is not None:
                    found[i] = got
        article_start = headline_idx if headline_idx is not None else title_idx
        in_header = set(header)
        for i in [i for i in nonblank[-self.footer_lines :] if i not in found and i not in in_header]:
            got = classify_line(lines[i], self.date_order, header=False)
            if got is not None:
                found[i] = got

        remove = set(found)
        datelines: list[tuple[int, int, Dateline]] = []
        authors: list[str] = []
        agency: str | None = None
        credit_source: str | None = None
        for i in sorted(found):
            dline, byline = found[i]
            if dline is not None and (
                dline.kind != "bare"
                or self._bare_date_ok(i, article_start, headline_idx is not None, nonblank)
            ):
                datelines.append((_KIND_RANK[dline.kind], i, dline))
            if byline is not None:
                authors += [a for a in byline.authors if a not in authors]
                agency = agency or byline.agency
                credit_source = credit_source or byline.source
        if agency is None:
            for i in header:
                if i not in found and (agency := inline_agency(lines[i])):
                    break

        if "date" not in values:
            # published > bare > updated; then a printed time (an article stamp, not a banner); then first
            for _, _, dline in sorted(datelines, key=lambda t: (t[0], t[2].date.time is None, t[1])):
                flag = check_date(dline.date, today=self.today, min_year=self.min_year)
                if flag:
                    if date_flag is None:
                        date_flag, date_rejected = flag, dline.date.iso()
                    continue
                values["date"], sources["date"] = dline.date.iso(), "text:dateline"
                break
        if "authors" not in values and authors:
            values["authors"], sources["authors"] = authors, "text:byline"
        if "agency" not in values and agency:
            values["agency"], sources["agency"] = agency, "text:credit"
        if "source" not in values and credit_source:
            values["source"], sources["source"] = credit_source, "text:credit"
        if values.get("url"):
            values["domain"], sources["domain"] = url_host(values["url"]), "url"

        if "title" not in values and title_idx is not None and self._title_enabled(doc):
            names = [values.get("source") or "", values.get("domain") or ""]
            values["title"] = strip_site_suffix(lines[title_idx].strip(), names)
            sources["title"] = "text:headline"

        if self.strip_lines and remove:
            kept_lines = list(lines)
            for i in sorted(remove, reverse=True):
                del kept_lines[i]
            kept = "\n".join(kept_lines)
            doc.text = rejoin_normalized(kept)  # doc.text was normalized: only blank lines can need it

        # every key of ``values`` is one of _BUILT_KEYS: updating a copy keeps their order
        meta: dict[str, Any] = _BUILT_KEYS.copy()
        meta.update(values)
        meta["date_flag"], meta["date_rejected"] = date_flag, date_rejected
        meta["extra"] = mapped.extra if self.keep_extra else {}
        meta["field_sources"] = sources
        meta.update(self._provenance(doc, meta))
        return meta


#: ASCII whitespace (what ``str.split`` splits on) -> " ", every other byte -> "x"
_WORD_BYTES = bytes(32 if c < 128 and chr(c).isspace() else 120 for c in range(256))
_ASCII_BYTES = bytes(range(128))


def _word_count(text: str, data: bytes) -> int:
    """``len(text.split())`` (``data``: ``text`` as UTF-8), without building the list of words.

    The words are the runs of non-whitespace: on the bytes with every whitespace byte made a
    space and every other one an "x", the runs start at the " x" pairs (and at an "x" in front).
    A non-ASCII character is a run of bytes >= 0x80, which is right unless it is whitespace
    (a no-break space, ...): then ``str.split`` counts.
    """
    if not text.isascii():
        try:
            text.encode("latin-1")  # below U+0100 the only non-ASCII whitespace: NEL and no-break space
            spaced = "\x85" in text or "\xa0" in text
        except UnicodeEncodeError:
            rare = data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
            spaced = any(ch.isspace() for ch in set(rare))
        if spaced:
            return len(text.split())
    marks = data.translate(_WORD_BYTES)
    return marks.count(b" x") + marks.startswith(b"x")


class CountsStage(Stage):
    """Fill counts, content hash and language from the final text; complete the schema (runs last).

    ``words`` counts whitespace-separated tokens, ``chars`` Unicode code points,
    ``content_hash`` is ``"sha1:"`` + the SHA-1 of the UTF-8 text. ``language`` is
    detected with py3langid; when detection is not confident (short text, probability
    below ``min_confidence``) the incoming language is kept, else ``None``. A confident
    detection wins over a declared language (page templates often declare a wrong one).
    Options: ``min_confidence`` (0.8), ``min_chars`` (40 letters).
    """

    name: ClassVar[str] = "counts"
    order: ClassVar[int] = 90
    per_document: ClassVar[bool] = True
    description: ClassVar[str] = "words, chars, content hash and language of the final text"

    def __init__(self, *, min_confidence: float = 0.8, min_chars: int = 40) -> None:
        super().__init__()
        self.min_confidence = float(min_confidence)
        self.min_chars = int(min_chars)

    def setup(self, context: Any) -> None:
        """Load the language model once per process, before the first document (~1.5 s)."""
        super().setup(context)
        with contextlib.suppress(Exception):  # detection then fails per document, as before
            _classifier()

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """:meth:`process_document` on every document, with the language detected for up to
        ``LANGUAGE_BATCH`` documents at once (:func:`detect_languages`: same results, one
        numpy pass per batch instead of per document)."""
        it = iter(docs)
        while batch := list(islice(it, LANGUAGE_BATCH)):
            texts = [doc.text or "" for doc in batch]
            found = detect_languages(texts, min_chars=self.min_chars, min_confidence=self.min_confidence)
            for doc, (lang, _prob) in zip(batch, found, strict=True):
                yield self._fill(doc, lang)

    def process_document(self, doc: Document) -> Document | None:
        """Set the counts on ``doc`` and return it (this stage never rejects)."""
        lang, _prob = detect_language(doc.text or "", min_chars=self.min_chars,
                                      min_confidence=self.min_confidence)
        return self._fill(doc, lang)

    def _fill(self, doc: Document, lang: str | None) -> Document:
        text = doc.text or ""
        meta = doc.metadata if isinstance(doc.metadata, dict) else {}
        sources = dict(meta.get("field_sources") or {})
        if lang is not None:
            meta["language"] = lang
            sources["language"] = "detected"
        else:
            meta["language"] = normalize_language(meta.get("language"))
            if meta["language"] is None:
                sources.pop("language", None)
        data = text.encode("utf-8", "surrogatepass")
        meta["words"] = _word_count(text, data)
        meta["chars"] = len(text)
        meta["content_hash"] = "sha1:" + hashlib.sha1(data).hexdigest()
        if doc.source is not None:
            meta.setdefault("source_path", doc.source.path)
            meta.setdefault("source_line", doc.source.line)
            meta.setdefault("format", doc.source.format)
        if not isinstance(meta.get("extra"), dict):
            meta["extra"] = {}
        meta["field_sources"] = sources
        ordered = {k: meta.get(k, v) for k, v in SCHEMA_KEYS.items()}
        for k, v in meta.items():
            if k not in SCHEMA_KEYS:
                ordered["extra"][k] = jsonable(v)
        doc.metadata = ordered
        return doc
