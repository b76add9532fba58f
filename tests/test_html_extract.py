"""Tests of ``extract_html``: main text one paragraph per line, raw metadata keys."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from corpuskit_plugins.html import EXTRACT_SETTINGS, META_KEYS, extract_html

PARAGRAPHS = [
    "The city council voted 31 to 9 on Tuesday to build a movable flood barrier across the harbour "
    "mouth, ending more than ten years of argument over how to protect the old town.",
    "Construction is expected to start next spring and to take four years, the council said in a "
    "statement, at an estimated cost of 1.2 billion euros.",
    "Opponents argued that the barrier would harm the estuary's fish stocks and that the money would "
    "be better spent on raising the quay walls along the waterfront.",
    "Environmental groups said they would ask a court to review the decision before the end of the "
    "month, and a hearing could come as early as the summer.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<title>Harbour city approves flood barrier | Coast Times</title>
<meta property="og:title" content="Harbour city approves flood barrier">
<meta property="og:site_name" content="Coast Times">
<meta name="author" content="Ines Holm">
<meta name="description" content="The council ends a decade of debate.">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Harbour city approves flood barrier</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<footer><p>Copyright 2024 Coast Times. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_extracts_paragraphs_one_per_line() -> None:
    text, _meta = extract_html(PAGE, "https://www.coasttimes.example/news/barrier")
    lines = text.split("\n")
    for p in PARAGRAPHS:
        assert p in lines
    assert "Home" not in lines
    assert all(line == line.strip() and line for line in lines)


def test_metadata_has_every_raw_key() -> None:
    _text, meta = extract_html(PAGE, "https://www.coasttimes.example/news/barrier")
    assert set(meta) == set(META_KEYS)
    assert meta["title"] == "Harbour city approves flood barrier"
    assert meta["author"] == "Ines Holm"
    assert meta["date"] == "2024-03-05"
    assert meta["sitename"] == "Coast Times"
    assert meta["hostname"] == "coasttimes.example"
    assert meta["url"] == "https://www.coasttimes.example/news/barrier"


def test_accepts_bytes() -> None:
    text, _meta = extract_html(PAGE.encode("utf-8"))
    assert PARAGRAPHS[0] in text


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>"])
def test_nothing_found_gives_empty_text(html: str) -> None:
    text, meta = extract_html(html)
    assert text == ""
    assert set(meta) == set(META_KEYS)
    assert all(v is None for v in meta.values())


def test_settings_never_deduplicate_across_calls() -> None:
    assert EXTRACT_SETTINGS["deduplicate"] is False
    assert EXTRACT_SETTINGS["include_comments"] is False
    first, _ = extract_html(PAGE)
    second, _ = extract_html(PAGE)
    assert first == second


DEVSET = Path("/work/shared/devset")


@pytest.mark.skipif(not (DEVSET / "html").exists(), reason="shared devset not available")
def test_devset_page_extracts_text_and_metadata() -> None:
    page = sorted((DEVSET / "html").glob("*.html.gz"))[0]
    text, meta = extract_html(gzip.decompress(page.read_bytes()).decode("utf-8", "replace"))
    assert len(text) > 200
    assert meta["title"]
