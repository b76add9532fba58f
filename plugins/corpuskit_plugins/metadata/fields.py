"""Map the field names of other tools onto the corpuskit metadata schema.

A document's incoming ``metadata`` holds the raw fields of its input (every non-text
field of a JSONL record, or trafilatura's keys for HTML). Names are compared after
normalization — lower case, any run of non-alphanumerics as ``_`` — so ``pubDate``,
``og:title`` and ``source-hostname`` match ``pubdate``, ``og_title`` and
``source_hostname``. Nested ``metadata``/``meta`` dicts (dolma, datatrove) are looked
into too; a top-level field wins over a nested one of the same name.

For each canonical field the source names of :data:`DEFAULT_FIELD_MAP` are tried in
order and the first value that is valid for the field wins (a date must parse, a URL
must be an absolute http(s) URL, ...). The stage option ``field_map`` replaces the list
of one canonical field (``{"date": ["released", "date"]}``); other fields keep their
defaults.

Every incoming field (with a non-null value) that did not supply a canonical value — unknown names, lower-
priority duplicates such as ``date_modify`` next to ``date_publish``, values that were
invalid — is kept unchanged under ``metadata["extra"]`` under its original name, so
nothing the user had is lost.

Common Crawl-shaped records (a ``dump`` or ``warc_*`` field, as in datatrove/FineWeb)
carry the crawl time in ``date``: there ``date`` is read as ``crawl_date``, never as the
publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from corpuskit_plugins.metadata.bylines import canonical_agency, normalize_authors, split_agencies
from corpuskit_plugins.metadata.dates import ParsedDate, check_date, parse_date_value
from corpuskit_plugins.metadata.language import normalize_language
from corpuskit_plugins.metadata.text_normalize import normalize_inline
from corpuskit_plugins.metadata.titles import strip_site_suffix
from corpuskit_plugins.metadata.urls import canonical_url, looks_like_url, url_host

#: canonical field → source names tried in order (normalized spelling).
DEFAULT_FIELD_MAP: dict[str, list[str]] = {
    "title": [
        "title",
        "headline",
        "og_title",
        "dc_title",
        "twitter_title",
        "title_rss",
        "title_page",
        "article_title",
    ],
    "date": [
        "date_publish",
        "date_published",
        "datepublished",
        "published",
        "published_at",
        "published_date",
        "published_time",
        "publish_date",
        "publishdate",
        "publication_date",
        "pub_date",
        "pubdate",
        "article_published_time",
        "dc_date",
        "citation_publication_date",
        "date",
        "created",
        "created_at",
        "date_created",
        "datecreated",
        "issued",
        "date_modify",
        "date_modified",
        "datemodified",
        "modified",
        "modified_at",
        "updated",
        "updated_at",
        "last_modified",
        "lastmod",
        "article_modified_time",
    ],
    "crawl_date": [
        "crawl_date",
        "date_download",
        "warc_date",
        "fetch_time",
        "fetch_date",
        "crawled_at",
        "crawl_time",
        "download_date",
        "timestamp",
    ],
    "authors": [
        "authors",
        "author",
        "author_name",
        "author_names",
        "byline",
        "creator",
        "creators",
        "dc_creator",
        "article_author",
        "writer",
        "writers",
    ],
    "url": [
        "canonical_url",
        "canonical",
        "url",
        "link",
        "og_url",
        "article_url",
        "uri",
        "warc_target_uri",
        "target_uri",
        "page_url",
        "href",
        "loc",
        "source",  # trafilatura's JSON: the page URL
    ],
    "source": [
        "sitename",
        "site_name",
        "og_site_name",
        "publisher",
        "publisher_name",
        "source_name",
        "outlet",
        "publication",
        "source",
        "source_domain",
        "source_hostname",
        "source_url",
        "site",
        "hostname",
        "domain",
        "host",
        "brand",
    ],
    "agency": ["agency", "news_agency", "wire", "wire_service"],
    "language": [
        "language",
        "lang",
        "meta_lang",
        "language_code",
        "lang_code",
        "languages",
        "inlanguage",
        "dc_language",
        "locale",
        "content_language",
    ],
    "description": [
        "description",
        "meta_description",
        "og_description",
        "excerpt",
        "summary",
        "abstract",
        "dek",
        "standfirst",
        "teaser",
        "lead",
    ],
}

_HOST = re.compile(r"(?:[\w-]+\.)+[a-z]{2,12}", re.IGNORECASE)
_NESTED = ("metadata", "meta", "meta_data", "attributes", "properties")


_KEY_SEP = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)  # the same few field names come with every record
def normalize_key(name: str) -> str:
    """``"pubDate"`` → ``"pubdate"``, ``"og:title"`` → ``"og_title"``."""
    return _KEY_SEP.sub("_", name.lower()).strip("_")


@dataclass(slots=True)
class Mapped:
    """The canonical values read from raw fields, where each came from, and the rest."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    date_flag: str | None = None
    date_rejected: str | None = None


def jsonable(value: Any) -> Any:
    """A JSON-serialisable copy of ``value`` (dates as ISO strings, other objects as ``str``)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return str(value)


def _flatten(raw: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """normalized name → (path of the original key, value); top level wins over nested."""
    flat: dict[str, tuple[str, Any]] = {}
    for key, value in raw.items():
        flat.setdefault(normalize_key(str(key)), (str(key), value))
    for key, value in raw.items():
        if isinstance(value, Mapping) and normalize_key(str(key)) in _NESTED:
            for k2, v2 in value.items():
                flat.setdefault(normalize_key(str(k2)), (f"{key}.{k2}", v2))
    return flat


def _remove_path(extra: dict[str, Any], path: str) -> None:
    if path in extra:
        del extra[path]
        return
    top, _, rest = path.partition(".")
    inner = extra.get(top)
    if rest and isinstance(inner, dict) and rest in inner:
        inner = dict(inner)
        del inner[rest]
        if inner:
            extra[top] = inner
        else:
            del extra[top]


def _text_value(value: Any) -> str | None:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = value[0]
    if not isinstance(value, str):
        return None
    s = normalize_inline(value)
    return s or None


@lru_cache(maxsize=64)
def _name_index(
    user: tuple[tuple[str, tuple[str, ...]], ...], crawl: bool
) -> dict[str, tuple[tuple[str, int], ...]]:
    """Source name -> ``(canonical field, position in its list)`` for every list it is in.

    The lists: :data:`DEFAULT_FIELD_MAP`, with the user's ``field_map`` (``user``, as items)
    replacing some; for a Common Crawl-shaped record (``crawl``) ``date`` is a crawl date.
    """
    fmap: dict[str, list[str]] = {k: list(v) for k, v in DEFAULT_FIELD_MAP.items()}
    for key, names in user:
        fmap[key] = [normalize_key(n) for n in names]
    if crawl:
        fmap["date"] = [n for n in fmap["date"] if n != "date"]
        fmap["crawl_date"] = [*fmap["crawl_date"], "date"]
    index: dict[str, list[tuple[str, int]]] = {}
    for canon, sources in fmap.items():
        for position, name in enumerate(sources):
            index.setdefault(name, []).append((canon, position))
    return {name: tuple(at) for name, at in index.items()}


def map_fields(
    raw: Mapping[str, Any],
    field_map: Mapping[str, list[str]] | None = None,
    *,
    date_order: str = "MDY",
    min_year: int = 1990,
    today: dt.date | None = None,
) -> Mapped:
    """Read the canonical fields out of ``raw`` (see the module docstring)."""
    flat = _flatten(raw)
    items = field_map.items() if field_map else ()
    user = tuple((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in items)
    crawl = not field_map and ("dump" in flat or any(k.startswith("warc") for k in flat))
    index = _name_index(user, crawl)
    # canonical field -> the source names present, in the order of its list (as the list is tried)
    present: dict[str, list[tuple[int, str]]] = {}
    for name in flat:
        for canon, position in index.get(name, ()):
            present.setdefault(canon, []).append((position, name))
    for found in present.values():
        found.sort()
    out = Mapped(extra={str(k): jsonable(v) for k, v in raw.items() if v is not None})
    used: set[str] = set()

    def take(canon: str, conv: Any) -> None:
        for _, name in present.get(canon, ()):
            if name in used:
                continue
            path, value = flat[name]
            got = conv(value)
            if got is None:
                continue
            out.values[canon] = got
            out.sources[canon] = f"input:{path}"
            used.add(name)
            _remove_path(out.extra, path)
            return

    def conv_source_name(value: Any) -> str | None:
        s = _text_value(value)
        if s is None or looks_like_url(s) or "/" in s or _HOST.fullmatch(s):
            return None
        return s.split(" | ")[0].strip() or None

    def conv_source(value: Any) -> str | None:
        s = _text_value(value)
        if s is None:
            return None
        if looks_like_url(s) or "/" in s:
            return url_host(s if looks_like_url(s) else f"http://{s}")
        if _HOST.fullmatch(s):  # a bare host name
            return url_host(f"http://{s}")
        return s

    def conv_date(value: Any) -> str | None:
        parsed: ParsedDate | None = parse_date_value(value, date_order)
        if parsed is None:
            return None
        flag = check_date(parsed, today=today, min_year=min_year)
        if flag:
            if out.date_flag is None:
                out.date_flag, out.date_rejected = flag, parsed.iso()
            return None
        return parsed.iso()

    def conv_crawl(value: Any) -> str | None:
        parsed = parse_date_value(value, "MDY")
        return parsed.iso() if parsed else None

    def conv_authors(value: Any) -> list[str] | None:
        return normalize_authors(value) or None

    def conv_title(value: Any) -> str | None:
        s = _text_value(value)
        return None if s is None or looks_like_url(s) else s

    def conv_agency(value: Any) -> str | None:
        s = _text_value(value)
        return (canonical_agency(s) or s) if s else None

    def conv_language(value: Any) -> str | None:
        if isinstance(value, list) and value:
            value = value[0]
        return normalize_language(value)

    take("url", canonical_url)
    take("source", conv_source_name)  # a site name beats a host name
    if "source" not in out.values:
        take("source", conv_source)
    take("title", conv_title)
    take("date", conv_date)
    take("crawl_date", conv_crawl)
    take("agency", conv_agency)
    take("authors", conv_authors)
    if "authors" in out.values:
        people, agency = split_agencies(out.values["authors"])
        if agency and "agency" not in out.values:
            out.values["agency"], out.sources["agency"] = agency, out.sources["authors"]
        if people:
            out.values["authors"] = people
        else:
            del out.values["authors"], out.sources["authors"]
    take("language", conv_language)
    take("description", _text_value)
    if "title" in out.values:
        names = [out.values.get("source") or "", url_host(out.values.get("url")) or ""]
        site_keys = ("sitename", "site_name", "hostname", "source_hostname")
        names += [str(flat[k][1]) for k in site_keys if k in flat]
        out.values["title"] = strip_site_suffix(out.values["title"], names) or out.values["title"]
    return out
