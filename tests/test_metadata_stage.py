"""The ``metadata`` and ``counts`` stages: seeds, other tools' record shapes, HTML pages, schema, idempotence."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpuskit import Document, Source
from corpuskit_plugins.metadata import SCHEMA_KEYS, CountsStage, MetadataStage

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"
DEVSET = SHARED / "devset"
SCHEMA = json.loads((REPO / "schema" / "document.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
TODAY = "2026-01-01"


def run(doc: Document, **options: Any) -> Document:
    """Both stages, as the default pipeline runs them (without boilerplate/dedup in between)."""
    return CountsStage().process_document(MetadataStage(today=TODAY, **options).process_document(doc))


def jsonl_doc(record: dict[str, Any], text_field: str = "text") -> Document:
    """What the JSONL reader gives: every non-text field of the record as-is."""
    raw = {k: v for k, v in record.items() if k not in (text_field, "id")}
    return Document(id=str(record.get("id", "x")), text=record[text_field], metadata=raw,
                    source=Source("in.jsonl", 3, "jsonl"))


def validate(doc: Document) -> dict[str, Any]:
    rec = json.loads(json.dumps(doc.to_record()))  # as written to JSONL
    VALIDATOR.validate(rec)
    return rec["metadata"]


BODY = ("The city council approved the new budget on Tuesday after a long debate about "
        "schools, roads and public transport. Officials said the plan would take effect next year.")

# --- seeds ----------------------------------------------------------------------------


def _seed_docs() -> list[Document]:
    return [Document(id=p.stem, text=p.read_text(encoding="utf-8"), source=Source(str(p), None, "text"))
            for p in sorted(SEEDS.glob("*.txt"))]


@pytest.mark.skipif(not (SHARED / "gold" / "seeds.json").exists(), reason="gold seeds not available")
def test_seeds_titles_dates_and_metadata_lines() -> None:
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    norm = lambda s: " ".join(str(s).split()).casefold()  # noqa: E731
    for doc in _seed_docs():
        g = gold[doc.id]
        meta = validate(run(doc))
        if g["title"]:
            assert norm(meta["title"]) == norm(g["title"]), doc.id
        if g["date"]:
            assert (meta["date"] or "").startswith(g["date"]), doc.id
        lines = {norm(x) for x in doc.text.split("\n")}
        for ln in g["lines"]:
            if ln["label"] == "metadata":
                assert norm(ln["text"]) not in lines, (doc.id, ln["text"])
            if ln["label"] == "content":
                assert norm(ln["text"]) in norm(doc.text), (doc.id, ln["text"])


def test_text_header_extraction() -> None:
    text = ("Council passes budget after long debate - The Springfield Times\n\n"
            "By Jane Roe and Max Mustermann, Reuters\n"
            "Published: March 4, 2019 at 3:15 PM ET\n\n" + BODY + "\n\n" + BODY.replace("Tuesday", "Monday") + "\n\n"
            "Reporting by Jane Roe; Editing by Ann Lee\n")
    doc = run(Document(id="t", text=text, source=Source("t.txt", None, "text")))
    meta = validate(doc)
    assert meta["title"] == "Council passes budget after long debate"
    assert meta["date"] == "2019-03-04T15:15:00-05:00"
    assert meta["authors"] == ["Jane Roe", "Max Mustermann"]
    assert meta["agency"] == "Reuters"
    assert meta["field_sources"]["date"] == "text:dateline"
    assert "By Jane Roe" not in doc.text and "Published:" not in doc.text and "Editing by" not in doc.text
    assert doc.text.startswith("Council passes budget")  # the title line stays
    assert BODY in doc.text


def test_combined_metadata_lines() -> None:
    from corpuskit_plugins.metadata.stage import classify_line

    date, by = classify_line("WASHINGTON | Fri Oct 21, 2011 6:53pm EDT", "MDY", header=True)
    assert date.date.iso() == "2011-10-21T18:53:00-04:00" and by is None
    date, by = classify_line("By Jane Roe | Updated 3:04 PM ET Oct 21, 2011", "MDY", header=True)
    assert date.kind == "updated" and by.authors == ["Jane Roe"]
    date, by = classify_line("Published October 21, 2011 | FoxNews.com", "MDY", header=True)
    assert date.kind == "published" and by.source == "foxnews.com"
    assert classify_line("BAGHDAD | By John Smith", "MDY", header=True) is None
    assert classify_line("By Scott Wilson, Published: October 21", "MDY", header=True) is None  # no year
    assert classify_line("July 26, 2021", "MDY", header=False) is None  # bare dates only in the header


def test_content_sentences_with_dates_are_kept() -> None:
    text = "Storm season begins early this year\n\nOn July 26, 2021 the storm reached the coast.\nJuly 26, 2021\n" + BODY
    doc = run(Document(id="t", text=text))
    assert "On July 26, 2021 the storm reached the coast." in doc.text
    assert "\nJuly 26, 2021\n" not in doc.text  # the bare dateline in the header goes
    assert doc.metadata["date"] == "2021-07-26"


def test_strip_lines_off_keeps_text() -> None:
    text = "Big storm hits coast\nPublished: 21 Oct 2011\n\n" + BODY
    doc = run(Document(id="t", text=text), strip_lines=False)
    assert "Published: 21 Oct 2011" in doc.text and doc.metadata["date"] == "2011-10-21"


def test_relative_dates_ignored_and_flags() -> None:
    doc = run(Document(id="t", text="Big storm hits coast\n2 hours ago\n\n" + BODY))
    assert doc.metadata["date"] is None and "2 hours ago" in doc.text
    doc = run(Document(id="t", text="Big storm hits coast\nPublished: 21 Oct 2031\n\n" + BODY))
    assert doc.metadata["date"] is None
    assert (doc.metadata["date_flag"], doc.metadata["date_rejected"]) == ("future", "2031-10-21")
    doc = run(Document(id="t", text=BODY, metadata={"date": "1970-01-01"}))
    assert doc.metadata["date"] is None and doc.metadata["date_flag"] == "too_old"
    validate(doc)


def test_date_order_option() -> None:
    doc = run(Document(id="t", text="Big storm hits coast\n03/04/2011\n\n" + BODY), date_order="DMY")
    assert doc.metadata["date"] == "2011-04-03"
    with pytest.raises(ValueError):
        MetadataStage(date_order="YMD")


def test_input_field_wins_over_dateline() -> None:
    doc = run(Document(id="t", text="Big storm hits coast\nPublished: 21 Oct 2011\n\n" + BODY,
                       metadata={"published": "2011-10-20T08:00:00Z"}, source=Source("a.jsonl", 1, "jsonl")))
    assert doc.metadata["date"] == "2011-10-20T08:00:00+00:00"
    assert doc.metadata["field_sources"]["date"] == "input:published"
    assert "Published: 21 Oct 2011" not in doc.text  # still a metadata line
    assert doc.metadata["title"] is None  # no title guessed from a JSONL body


# --- other tools' output shapes ---------------------------------------------------------


def test_datatrove_fineweb_shape() -> None:
    rec = {"id": "<urn:uuid:1>", "text": BODY, "metadata": {
        "url": "HTTP://Example.COM:80/news/story?utm_source=feed&id=7#top", "date": "2013-05-18T05:48:54Z",
        "dump": "CC-MAIN-2013-20", "file_path": "s3://x/y.warc.gz", "language": "en", "language_score": 0.97,
        "token_count": 42}}
    meta = validate(run(jsonl_doc(rec)))
    assert meta["url"] == "http://example.com/news/story?id=7"
    assert meta["domain"] == "example.com"
    assert meta["date"] is None  # FineWeb's date is the crawl time
    assert meta["crawl_date"] == "2013-05-18T05:48:54+00:00"
    assert meta["language"] == "en"
    assert meta["extra"]["metadata"] == {"dump": "CC-MAIN-2013-20", "file_path": "s3://x/y.warc.gz",
                                         "language_score": 0.97, "token_count": 42}
    assert meta["source_path"] == "in.jsonl" and meta["source_line"] == 3 and meta["format"] == "jsonl"


def test_dolma_shape() -> None:
    rec = {"id": "d1", "text": BODY, "source": "common-crawl", "added": "2023-03-01T00:00:00Z",
           "created": "2019-07-04T12:00:00Z", "version": "v1",
           "metadata": {"url": "https://www.example.org/a?fbclid=zz", "language": "en", "headline": "Budget passes"}}
    meta = validate(run(jsonl_doc(rec)))
    assert meta["date"] == "2019-07-04T12:00:00+00:00"
    assert meta["url"] == "https://www.example.org/a"
    assert meta["title"] == "Budget passes"
    assert meta["source"] == "common-crawl"
    assert meta["extra"]["added"] == "2023-03-01T00:00:00Z" and meta["extra"]["version"] == "v1"


def test_news_please_shape() -> None:
    rec = {"title": "Council passes budget | The Springfield Times", "maintext": BODY,
           "date_publish": "2019-03-04 15:15:00", "date_modify": "2019-03-05 09:00:00",
           "date_download": "2019-03-06 10:00:00", "authors": ["Jane Roe", "https://facebook.com/janeroe"],
           "url": "https://www.springfield-times.com/budget?utm_medium=rss", "language": "en",
           "source_domain": "www.springfield-times.com", "description": "The council approved it."}
    meta = validate(run(jsonl_doc(rec, text_field="maintext")))
    assert meta["title"] == "Council passes budget"
    assert meta["date"] == "2019-03-04"  # no zone given: date only
    assert meta["extra"]["date_modify"] == "2019-03-05 09:00:00"  # the lower-priority date is kept
    assert meta["crawl_date"] == "2019-03-06"
    assert meta["authors"] == ["Jane Roe"]
    assert meta["url"] == "https://www.springfield-times.com/budget"
    assert meta["source"] == "springfield-times.com"
    assert meta["description"] == "The council approved it."


def test_trafilatura_json_shape() -> None:
    rec = {"title": "Council passes budget - Springfield Times", "author": "Jane Roe; Max Mustermann",
           "hostname": "springfield-times.com", "date": "2019-03-04", "text": BODY,
           "source": "https://springfield-times.com/budget", "source-hostname": "Springfield Times",
           "categories": "politics", "tags": "budget", "fingerprint": "abc", "id": None, "license": None}
    meta = validate(run(jsonl_doc(rec)))
    assert meta["title"] == "Council passes budget"
    assert meta["authors"] == ["Jane Roe", "Max Mustermann"]
    assert meta["date"] == "2019-03-04"
    assert meta["source"] == "Springfield Times"
    assert meta["url"] == "https://springfield-times.com/budget"
    assert meta["extra"]["categories"] == "politics"


def test_newspaper3k_and_rss_shapes() -> None:
    rec = {"title": "Storm hits coast", "authors": ["Ann Lee"], "publish_date": "Mon, 04 Mar 2019 15:15:00 GMT",
           "text": BODY, "url": "https://news.example.com/storm", "meta_lang": "en", "source_url": "https://news.example.com"}
    meta = validate(run(jsonl_doc(rec)))
    assert meta["date"] == "2019-03-04T15:15:00+00:00" and meta["source"] == "news.example.com"
    rss = {"headline": "Storm hits coast", "pubDate": "Mon, 04 Mar 2019 15:15:00 +0100", "link": "https://x.com/s#c",
           "byline": "By Ann Lee and Bo Li", "lang": "en-GB", "text": BODY}
    meta = validate(run(jsonl_doc(rss)))
    assert meta["date"] == "2019-03-04T15:15:00+01:00" and meta["url"] == "https://x.com/s"
    assert meta["authors"] == ["Ann Lee", "Bo Li"] and meta["title"] == "Storm hits coast"


def test_ccnet_and_redpajama_shapes() -> None:
    ccnet = {"url": "https://x.org/a?gclid=9", "date_download": "2019-03-06T10:00:00Z", "digest": "sha1:abc",
             "source_domain": "x.org", "title": "Budget passes after long debate", "raw_content": BODY,
             "language": "en", "language_score": 0.9, "perplexity": 200.1}
    meta = validate(run(jsonl_doc(ccnet, text_field="raw_content")))
    assert meta["crawl_date"] == "2019-03-06T10:00:00+00:00" and meta["date"] is None
    assert meta["url"] == "https://x.org/a" and meta["source"] == "x.org"
    assert meta["extra"] == {"digest": "sha1:abc", "language_score": 0.9, "perplexity": 200.1}
    redpajama = {"text": BODY, "meta": {"url": "https://y.org/b", "timestamp": "2023-01-02T03:04:05", "language": "en",
                                         "source": "c4"}}
    meta = validate(run(jsonl_doc(redpajama)))
    assert meta["url"] == "https://y.org/b" and meta["crawl_date"] == "2023-01-02" and meta["source"] == "c4"


def test_field_map_option() -> None:
    rec = {"text": BODY, "released": "2019-03-04", "date": "2018-01-01", "heading": "Storm hits coast"}
    meta = validate(run(jsonl_doc(rec), field_map={"date": ["released"], "title": ["heading"]}))
    assert meta["date"] == "2019-03-04" and meta["title"] == "Storm hits coast"
    assert meta["extra"]["date"] == "2018-01-01"


def test_keep_extra_off() -> None:
    meta = validate(run(jsonl_doc({"text": BODY, "whatever": 1}), keep_extra=False))
    assert meta["extra"] == {}


def test_invalid_values_stay_in_extra() -> None:
    rec = {"text": BODY, "url": "not a url", "date": "sometime", "author": 17, "lang": "klingon"}
    meta = validate(run(jsonl_doc(rec)))
    assert meta["url"] is None and meta["date"] is None and meta["authors"] is None
    assert meta["extra"] == {"url": "not a url", "date": "sometime", "author": 17, "lang": "klingon"}
    assert meta["language"] == "en"  # detected


# --- HTML pages (devset, read at test time) --------------------------------------------

HTML_PAGES = sorted((DEVSET / "html").glob("*.html.gz")) if (DEVSET / "html").exists() else []


@pytest.fixture(scope="module")
def html_records() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    if not HTML_PAGES:
        pytest.skip("devset not available")
    trafilatura = pytest.importorskip("trafilatura")
    truth = json.loads((DEVSET / "truth.json").read_text(encoding="utf-8"))
    out = []
    for path in HTML_PAGES[::4]:  # every fourth page keeps the test fast
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        ext = trafilatura.bare_extraction(html, with_metadata=True)
        if ext is None:
            continue
        d = ext.as_dict() if hasattr(ext, "as_dict") else dict(ext)
        keys = ("title", "date", "author", "url", "hostname", "sitename", "description", "language", "categories", "tags")
        raw = {k: d.get(k) for k in keys}
        doc = Document(id=path.name.removesuffix(".html.gz"), text=d.get("text") or "", metadata=raw,
                       source=Source(str(path), None, "html"))
        out.append((doc.id, raw, validate(run(doc))))
        assert truth[doc.id]
    return [(i, r, {**m, "_truth": truth[i]}) for i, r, m in out]


def test_html_dates_urls_titles(html_records: list) -> None:
    assert len(html_records) >= 15
    for _id, raw, meta in html_records:
        if raw["date"]:
            assert meta["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"]), meta["date"]
            assert meta["date"] or meta["date_flag"]
        if meta["url"]:
            assert meta["url"] == meta["url"].strip() and "#" not in meta["url"] and "utm_" not in meta["url"]
            host = meta["url"].split("/")[2]
            assert host == host.lower()
        if raw["title"]:
            assert meta["title"] and len(meta["title"]) <= len(raw["title"])
        assert meta["format"] == "html"


def test_html_language_matches_truth(html_records: list) -> None:
    hits = sum(1 for _i, _r, m in html_records if m["language"] == m["_truth"]["lang"])
    assert hits >= 0.9 * len(html_records), [(i, m["language"], m["_truth"]["lang"]) for i, _r, m in html_records]


# --- schema and idempotence ------------------------------------------------------------


def test_every_record_has_every_key_and_validates() -> None:
    for doc in [*_seed_docs(), Document(id="e", text=""), Document(id="m", text="x", metadata={"metadata": 5})]:
        meta = validate(run(doc))
        assert list(meta) == list(SCHEMA_KEYS)


def _twice(stage_cls: type, doc: Document, **opts: Any) -> tuple[Document, Document]:
    first = stage_cls(**opts).process_document(doc)
    once = copy.deepcopy(first)
    second = stage_cls(**opts).process_document(first)
    return once, second


def test_seeds_idempotent() -> None:
    for doc in _seed_docs():
        once, twice = _twice(MetadataStage, doc, today=TODAY)
        assert (once.text, once.metadata) == (twice.text, twice.metadata)
        c1, c2 = _twice(CountsStage, twice)
        assert (c1.text, c1.metadata) == (c2.text, c2.metadata)
        again = MetadataStage(today=TODAY).process_document(copy.deepcopy(c2))  # a re-run over finished output
        assert (again.text, again.metadata) == (c2.text, c2.metadata)


header_lines = st.sampled_from([
    "Big storm hits the coast tonight", "By Jane Roe and Bo Li, Reuters", "Published: March 4, 2019 at 3:15 PM ET",
    "• July 26, 2021", "updated 10/22/2011 1:58:39 PM ET 2011-10-22T17:58:39", "Last Modified: 21 Oct 2011 18:53",
    "Contributing: The Associated Press", "Al Jazeera and agencies", "By", "Domain Registration", "", "  ",
    "caf\u00c3\u00a9 society\u200b", "Story - Site.com", BODY, "2 hours ago", "(Reuters)", "03/04/2011",
])
raw_metadata = st.dictionaries(
    st.sampled_from(["title", "date", "published", "author", "authors", "url", "link", "lang", "source", "misc",
                     "metadata", "pubDate", "byline", "hostname", "sitename"]),
    st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=10), max_size=3),
              st.sampled_from(["2011-10-22T17:58:39Z", "https://X.com/a?utm_source=1#f", "Jane Roe; Bo Li", "en-US"]),
              st.dictionaries(st.sampled_from(["url", "date", "x"]), st.text(max_size=20), max_size=2)),
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(header_lines, st.text(max_size=60)), max_size=12), raw=raw_metadata,
       fmt=st.sampled_from(["text", "html", "jsonl"]))
def test_idempotent_property(lines: list[str], raw: dict[str, Any], fmt: str) -> None:
    doc = Document(id="p", text="\n".join(lines), metadata=raw, source=Source("p", None, fmt))
    once, twice = _twice(MetadataStage, doc, today=TODAY)
    assert twice.text == once.text
    assert twice.metadata == once.metadata
    c1, c2 = _twice(CountsStage, twice)
    assert (c2.text, c2.metadata) == (c1.text, c1.metadata)
    validate(c2)


@settings(max_examples=80, deadline=None)
@given(text=st.text(), raw=raw_metadata)
def test_never_raises_on_arbitrary_unicode(text: str, raw: dict[str, Any]) -> None:
    doc = run(Document(id="u", text=text, metadata=raw))
    validate(doc)
    assert "\r" not in doc.text and "\u200b" not in doc.text


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_text_normalization_idempotent(text: str) -> None:
    from corpuskit_plugins.metadata.text_normalize import normalize_text

    once = normalize_text(text)
    assert normalize_text(once) == once


def test_registered_through_the_hook() -> None:
    import corpuskit_plugins.metadata as plugin

    got: list[type] = []
    plugin.corpuskit_register_stages(register=got.append)
    assert [(c.name, c.order) for c in got] == [("metadata", 10), ("counts", 90)]
    assert dt.date.fromisoformat(TODAY)


# --- text dumps of whole pages: site furniture before the article --------------------------


def test_todays_date_banner_is_not_the_article_date() -> None:
    nav = ["Skip to content", "Subscribe Now", "38°F", "Thursday, November 9th 2023", "E-Edition", "News",
           "Local News", "Sports", "Opinion"]
    page = ["Storm floods the harbour district - The Daily Planet", *nav,
            "Storm floods the harbour district", "By Jane Roe", "PUBLISHED: November 8, 2023 at 4:56 p.m. ET", "",
            BODY]
    doc = run(Document(id="p", text="\n".join(page)))
    assert doc.metadata["title"] == "Storm floods the harbour district"
    assert doc.metadata["date"] == "2023-11-08T16:56:00-05:00"
    assert doc.metadata["authors"] == ["Jane Roe"]
    assert doc.text.startswith("Storm floods the harbour district - The Daily Planet")  # title line kept
    # without a labelled dateline after the headline, the banner date is still not taken
    page = ["Storm floods the harbour district - The Daily Planet", *nav, "Storm floods the harbour district", "", BODY]
    doc = run(Document(id="p", text="\n".join(page)))
    assert doc.metadata["date"] is None


def test_bare_date_next_to_the_headline_is_taken() -> None:
    page = ["Site Menu", "Storm floods the harbour district", "", "• March 4, 2019", "", BODY]
    assert run(Document(id="p", text="\n".join(page))).metadata["date"] == "2019-03-04"
    page = ["Storm floods the harbour district", "Home", "News", "Sports", "Weather", "March 4, 2019", "", BODY]
    assert run(Document(id="p", text="\n".join(page))).metadata["date"] is None


def test_null_input_fields_are_not_kept() -> None:
    meta = validate(run(jsonl_doc({"text": BODY, "categories": None, "tags": ["a"]})))
    assert meta["extra"] == {"tags": ["a"]}


@pytest.mark.slow
def test_cli_output_validates(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "seeds.jsonl"
    proc = subprocess.run([sys.executable, "-m", "corpuskit", "clean", str(SEEDS), "-o", str(out), "-w", "1", "-q"],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 and "No module named corpuskit" in proc.stderr:
        pytest.skip("corpuskit CLI not available")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) == len(list(SEEDS.glob("*.txt")))
    for rec in records:
        VALIDATOR.validate(rec)


def test_footer_credits_and_empty_byline_removed() -> None:
    text = "\n".join(["Storm floods the harbour district", "By", "", BODY, "", BODY.replace("Tuesday", "Monday"), "",
                      "Contributing: The Associated Press", "", "The Daily Planet and agencies", "Related News"])
    doc = run(Document(id="f", text=text))
    assert doc.metadata["agency"] == "Associated Press" and doc.metadata["source"] == "The Daily Planet"
    lines = doc.text.split("\n")
    assert "By" not in lines and "Contributing: The Associated Press" not in lines
    assert "The Daily Planet and agencies" not in lines and "Related News" in lines
