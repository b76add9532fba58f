"""Main-text extraction from HTML pages with trafilatura.

The reader calls :func:`extract_html` for ``.html``/``.htm`` input; the boilerplate
stage then runs its text rules on the result. Settings were chosen by measurement on
the devset (80 news pages, ``score_snippets.py``):

=====================================  ============  ===================  =====
settings (``bare_extraction``)          with-recall   without-precision    score
=====================================  ============  ===================  =====
default, comments included (extract)       0.962           0.815          0.882
``include_comments=False``                 0.949           0.848          0.896
``favor_precision=True``                   0.924           0.860          0.891
``favor_recall=True``, no comments         0.937           0.856          0.895
``include_tables=False``, no comments      0.928           0.835          0.879
=====================================  ============  ===================  =====

``deduplicate=True`` is never used: trafilatura keeps its duplicate cache across
calls, so the output of one page would depend on the pages extracted before it.
"""

from __future__ import annotations

from typing import Any

import trafilatura

#: Metadata keys returned by :func:`extract_html` (``None`` when unknown).
META_KEYS = (
    "title",
    "date",
    "author",
    "url",
    "hostname",
    "sitename",
    "description",
    "language",
    "categories",
    "tags",
)

#: The trafilatura settings used by :func:`extract_html` (see the module docstring).
EXTRACT_SETTINGS: dict[str, Any] = {
    "favor_precision": False,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}


def _clean_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, (list, tuple)):
        items = [str(v).strip() for v in value if v is not None and str(v).strip()]
        return items or None
    return value


def _paragraph_lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def extract_html(html: str | bytes, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Extract the main text and the metadata of an HTML page.

    Returns ``(text, metadata)``: ``text`` holds one paragraph per line (``""`` when
    trafilatura finds no main text) and ``metadata`` the raw keys of :data:`META_KEYS`
    (``title``, ``date``, ``author``, ``url``, ``hostname``, ``sitename``,
    ``description``, ``language``, ``categories``, ``tags``), each ``None`` when
    unknown. ``url`` helps trafilatura fill ``url``/``hostname`` and resolve the page.
    """
    meta: dict[str, Any] = dict.fromkeys(META_KEYS)
    if url:
        meta["url"] = url
    if not html or (isinstance(html, str) and not html.strip()):
        return "", meta
    try:
        doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, **EXTRACT_SETTINGS)
    except (ValueError, TypeError, AttributeError):  # malformed markup trafilatura cannot parse
        doc = None
    if doc is None:
        return "", meta
    if isinstance(doc, dict):
        found: dict[str, Any] = doc
    else:
        found = {key: getattr(doc, key, None) for key in (*META_KEYS, "text")}
    for key in META_KEYS:
        value = _clean_value(found.get(key))
        if value is not None:
            meta[key] = value
    return _paragraph_lines(found.get("text") or ""), meta
