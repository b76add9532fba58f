"""Unit tests of the metadata plugin's building blocks: dates, URLs, bylines, titles, text, language."""

from __future__ import annotations

import datetime as dt

import pytest

from corpuskit_plugins.metadata.bylines import (
    canonical_agency,
    inline_agency,
    normalize_authors,
    parse_byline,
    parse_credit,
)
from corpuskit_plugins.metadata.dates import check_date, parse_date_value, parse_dateline
from corpuskit_plugins.metadata.language import detect_language, normalize_language
from corpuskit_plugins.metadata.text_normalize import normalize_inline, normalize_text
from corpuskit_plugins.metadata.titles import find_title, looks_like_headline, strip_site_suffix
from corpuskit_plugins.metadata.urls import canonical_url, is_tracking_param, url_host

# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "iso"),
    [
        ("Last Modified: 21 Oct 2011 18:53", "updated", "2011-10-21"),
        ("updated 10/22/2011 1:58:39 PM ET 2011-10-22T17:58:39", "updated", "2011-10-22T13:58:39-04:00"),
        ("  • July 26, 2021", "bare", "2021-07-26"),
        ("2011-10-22T17:58:39", "bare", "2011-10-22"),
        ("2011-10-22T17:58:39Z", "bare", "2011-10-22T17:58:39+00:00"),
        ("Published: Friday, October 21, 2011 at 3:04 PM EST", "published", "2011-10-21T15:04:00-05:00"),
        ("Posted on March 4, 2011", "published", "2011-03-04"),
        ("Updated 11:20 AM EDT, Fri October 21, 2011", "updated", "2011-10-21T11:20:00-04:00"),
        ("Oct. 21, 2011 | 6:53 PM GMT+2", "bare", "2011-10-21T18:53:00+02:00"),
        ("Published 21 October 2011 14:00 GMT", "published", "2011-10-21T14:00:00+00:00"),
        ("Sat, 22 Oct 2011 17:58:39 +0000", "bare", "2011-10-22T17:58:39+00:00"),
        ("Veröffentlicht am 21.10.2011, 18:53 Uhr", "published", "2011-10-21"),
        ("21 octobre 2011 à 18h53", "bare", "2011-10-21"),
        ("First published on Mon 3 Jan 2022 10.00 GMT", "published", "2022-01-03T10:00:00+00:00"),
        ("21 October 2011 Last updated at 18:53 ET", "updated", "2011-10-21T18:53:00-04:00"),
        ("Story published at 1:58 p.m. on Oct. 22, 2011", "published", "2011-10-22"),
        ("This entry was posted on Saturday, October 22nd, 2011 at 1:58 pm", "published", "2011-10-22"),
        ("updated 10:52 a.m. EDT, Fri October 21, 2011", "updated", "2011-10-21T10:52:00-04:00"),
        ("Fri Oct 21, 2011 6:53pm EDT", "bare", "2011-10-21T18:53:00-04:00"),
        ("Friday 21 October 2011 19.53 BST", "bare", "2011-10-21T19:53:00+01:00"),
        ("2011/10/22", "bare", "2011-10-22"),
        ("Viernes, 22 de abril de 2022", "bare", "2022-04-22"),
    ],
)
def test_dateline_forms(line: str, kind: str, iso: str) -> None:
    got = parse_dateline(line)
    assert got is not None, line
    assert (got.kind, got.date.iso()) == (kind, iso)


@pytest.mark.parametrize(
    "line",
    [
        "2 hours ago",
        "Updated 5 minutes ago",
        "President Obama will welcome Prime Minister al-Maliki on December 12, the White House said Friday.",
        "The meeting on 21 Oct 2011 was long.",
        "Troops leave by Dec. 31, 2011 under the agreement",
        "The article was updated on Oct 22, 2011 to add details",
        "Photos: 2010 drawdown",
        "",
        "October 2011",
    ],
)
def test_not_datelines(line: str) -> None:
    assert parse_dateline(line) is None


def test_ambiguous_numeric_dates_follow_the_convention() -> None:
    assert parse_dateline("03/04/2011").date.iso() == "2011-03-04"  # MDY default
    assert parse_dateline("03/04/2011", "DMY").date.iso() == "2011-04-03"
    assert parse_dateline("25/04/2011").date.iso() == "2011-04-25"  # a part above 12 decides
    assert parse_dateline("04/25/2011", "DMY").date.iso() == "2011-04-25"
    assert parse_dateline("03.04.2011").date.iso() == "2011-04-03"  # dotted dates are day-first
    assert parse_date_value("03/04/2011", "DMY").iso() == "2011-04-03"


def test_time_zones_to_offsets() -> None:
    # generic ET follows daylight saving time; fixed abbreviations do not
    assert parse_dateline("Jan 5, 2012 1:00 PM ET").date.iso() == "2012-01-05T13:00:00-05:00"
    assert parse_dateline("Jul 5, 2012 1:00 PM ET").date.iso() == "2012-07-05T13:00:00-04:00"
    assert parse_dateline("Jul 5, 2012 1:00 PM EST").date.iso() == "2012-07-05T13:00:00-05:00"
    assert parse_dateline("Jul 5, 2012 13:00 GMT").date.iso() == "2012-07-05T13:00:00+00:00"
    assert parse_dateline("Jul 5, 2012 13:00 CEST").date.iso() == "2012-07-05T13:00:00+02:00"
    assert parse_dateline("Jul 5, 2012 10:00 PT").date.iso() == "2012-07-05T10:00:00-07:00"
    # a time without a zone is not an instant: date only
    assert parse_dateline("Jul 5, 2012 13:00").date.iso() == "2012-07-05"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2011-10-22T17:58:39Z", "2011-10-22T17:58:39+00:00"),
        ("2011-10-22T17:58:39.123+02:00", "2011-10-22T17:58:39+02:00"),
        ("2011-10-22", "2011-10-22"),
        ("2011-10-22 17:58:39", "2011-10-22"),
        ("Sat, 22 Oct 2011 17:58:39 +0000", "2011-10-22T17:58:39+00:00"),
        (1319306319, "2011-10-22T17:58:39+00:00"),
        (1319306319000, "2011-10-22T17:58:39+00:00"),
        ("1319306319", "2011-10-22T17:58:39+00:00"),
        ("October 22, 2011", "2011-10-22"),
        ({"$date": "2011-10-22"}, "2011-10-22"),
        (dt.date(2011, 10, 22), "2011-10-22"),
    ],
)
def test_date_values(value: object, iso: str) -> None:
    got = parse_date_value(value)
    assert got is not None and got.iso() == iso


@pytest.mark.parametrize("value", [None, "", "October 2011", "2011", "soon", True, [], "not a date 99/99/9999"])
def test_date_values_unknown(value: object) -> None:
    assert parse_date_value(value) is None


def test_future_and_too_old_flags() -> None:
    today = dt.date(2024, 1, 10)
    assert check_date(parse_date_value("2024-01-10"), today=today) is None
    assert check_date(parse_date_value("2024-01-11"), today=today) is None  # time-zone slack
    assert check_date(parse_date_value("2024-02-01"), today=today) == "future"
    assert check_date(parse_date_value("1989-12-31"), today=today) == "too_old"
    assert check_date(parse_date_value("1985-06-01"), today=today, min_year=1980) is None


# --- URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canon"),
    [
        ("HTTPS://WWW.Example.COM:443/a/b?utm_source=x&id=3&fbclid=abc#frag", "https://www.example.com/a/b?id=3"),
        ("http://example.com:80", "http://example.com/"),
        ("http://Example.com:8080/x?q=a%2fb&gclid=1", "http://example.com:8080/x?q=a%2Fb"),
        ("https://x.com/p?UTM_Medium=social&b&a=1&a=2", "https://x.com/p?b&a=1&a=2"),
        ("https://x.com/p?mc_cid=1&_ga=2&msclkid=3&keep=1", "https://x.com/p?keep=1"),
        ("//cdn.example.org/p", "https://cdn.example.org/p"),
        ("https://user:pw@example.com./x", "https://example.com/x"),
        ("https://x.com/ä", "https://x.com/%C3%A4"),
    ],
)
def test_canonical_url(raw: str, canon: str) -> None:
    assert canonical_url(raw) == canon
    assert canonical_url(canon) == canon


@pytest.mark.parametrize("raw", ["ftp://x.com/a", "example.com/x", "not a url", "https://x.com/a b", None, 42, "https://"])
def test_not_urls(raw: object) -> None:
    assert canonical_url(raw) is None


def test_url_helpers() -> None:
    assert is_tracking_param("utm_campaign") and is_tracking_param("FBCLID") and not is_tracking_param("id")
    assert url_host("https://WWW.Example.com/x") == "example.com"
    assert url_host("nope") is None


# --- bylines and credits --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "authors", "agency"),
    [
        ("By John Smith and Jane Doe", ["John Smith", "Jane Doe"], None),
        ("By John Smith, Reuters", ["John Smith"], "Reuters"),
        ("By Jake Tapper | Staff writer", ["Jake Tapper"], None),
        ("By Kim Gamel, Associated Press Writer", ["Kim Gamel"], "Associated Press"),
        ("BY JOHN SMITH", ["John Smith"], None),
        ("Written by Ana de la Cruz", ["Ana de la Cruz"], None),
        ("Von Hans Müller", ["Hans Müller"], None),
        ("By Anne Smith, Bob Jones and Carl Wu", ["Anne Smith", "Bob Jones", "Carl Wu"], None),
        ("Reporting by John Smith and Ahmed Rasheed; Editing by Mark Heinrich", ["John Smith", "Ahmed Rasheed"], None),
        ("By AP", [], "Associated Press"),
        ("By", [], None),
    ],
)
def test_bylines(line: str, authors: list[str], agency: str | None) -> None:
    got = parse_byline(line)
    assert got is not None
    assert (got.authors, got.agency) == (authors, agency)


def test_byline_with_publisher() -> None:
    got = parse_byline("By Michael Collins and Maureen Groppe, USA TODAY")
    assert got is not None and got.authors == ["Michael Collins", "Maureen Groppe"] and got.source == "USA TODAY"


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, troops will leave",
        "By Monday, all troops",
        "By December 31 the troops",
        "By far the largest group",
        "By contrast, the Pentagon said",
        "Karim Kadim / AP",
        "Bylaws of the association",
    ],
)
def test_not_bylines(line: str) -> None:
    assert parse_byline(line) is None


@pytest.mark.parametrize(
    ("line", "agency", "source"),
    [
        ("Contributing: The Associated Press", "Associated Press", None),
        ("Al Jazeera and agencies", None, "Al Jazeera"),
        ("(Reuters)", "Reuters", None),
        ("Source: AFP", "Agence France-Presse", None),
        ("The Associated Press contributed to this report.", "Associated Press", None),
        ("Sources: Reuters, AFP", "Reuters", None),
        ("Contributing: Jane Roe, The Associated Press", "Associated Press", None),
        ("Associated Press writer Jane Roe contributed to this report.", "Associated Press", None),
        ("AFP/Reuters", "Agence France-Presse", None),
        ("Copyright 2011 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.", "Associated Press", None),
        ("© 2021 Reuters", "Reuters", None),
    ],
)
def test_credits(line: str, agency: str | None, source: str | None) -> None:
    got = parse_credit(line)
    assert got is not None and (got.agency, got.source) == (agency, source)


@pytest.mark.parametrize(
    "line", ["Topics in this article", "Copyright 2011 Acme Corp.", "John Smith contributed to this report", "Related News", "U.S.", "zoopla.co.uk"]
)
def test_not_credits(line: str) -> None:
    assert parse_credit(line) is None


def test_agencies_and_author_fields() -> None:
    assert canonical_agency("The Associated Press") == "Associated Press"
    assert canonical_agency("AFP") == "Agence France-Presse"
    assert canonical_agency("Acme Daily") is None
    assert inline_agency("WASHINGTON (Reuters) - President Barack Obama said") == "Reuters"
    assert inline_agency("Washington said (Reuters) -") is None
    assert normalize_authors("John Smith; Jane Doe") == ["John Smith", "Jane Doe"]
    assert normalize_authors("By John Smith and Jane Doe") == ["John Smith", "Jane Doe"]
    assert normalize_authors(["https://www.facebook.com/someone", "Jane Doe", "jane doe"]) == ["Jane Doe"]
    assert normalize_authors([{"name": "Ann Lee"}, {"@type": "Person", "name": "Bo Li"}]) == ["Ann Lee", "Bo Li"]
    assert normalize_authors("Smith, John") == ["Smith, John"]
    assert normalize_authors(None) == [] and normalize_authors("") == []


# --- titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Obama visits troops - CNN.com", "Obama visits troops"),
        ("Obama visits troops | Al Jazeera", "Obama visits troops"),
        ("Obama visits troops - Washington Post", "Obama visits troops"),
        ("Storm hits coast – The Daily Herald", "Storm hits coast"),
        ("Storm hits coast | Open Future | The Economist", "Storm hits coast"),
        ("Schools reopen – NationNews Barbados — nationnews.com", "Schools reopen"),
        ("example.com | Storm hits the coast", "Storm hits the coast"),
        ("Letters: Coddling criminals | Undermining road | Tax dollars", "Letters: Coddling criminals | Undermining road | Tax dollars"),
        ("Hating Millennials - the prejudice you're allowed to boast about", "Hating Millennials - the prejudice you're allowed to boast about"),
        ("Obama: All US troops to leave Iraq in 2011", "Obama: All US troops to leave Iraq in 2011"),
    ],
)
def test_strip_site_suffix(raw: str, title: str) -> None:
    assert strip_site_suffix(raw) == title


def test_strip_site_prefix() -> None:
    assert strip_site_suffix("BBC News - Obama visits troops in Iraq") == "Obama visits troops in Iraq"
    assert strip_site_suffix("Obama Speech - the full text of it") == "Obama Speech - the full text of it"


def test_strip_known_site_name() -> None:
    assert strip_site_suffix("Storm hits coast - the paper", ["The Paper"]) == "Storm hits coast"


def test_headline_shapes() -> None:
    assert looks_like_headline("Iraqi leader heading to U.S.")
    assert looks_like_headline("Is this the end of the war?")
    assert not looks_like_headline("The president said the talks went well.")
    assert not looks_like_headline("Domain Registration")
    assert not looks_like_headline("• A bullet point with words")
    assert not looks_like_headline("Karim Kadim / AP")
    assert not looks_like_headline("lower-case start of a sentence")


def test_find_title_uses_the_dateline_anchor() -> None:
    lines = ["Site Menu", "", "Big storm hits the coast tonight", "", "• July 26, 2021", "Text starts here."]
    assert find_title(lines, anchor=4) == 2
    lines = ["A headline about things", "A standfirst sentence that ends with a period.", "Last Modified: 21 Oct 2011"]
    assert find_title(lines, anchor=2) == 0
    assert find_title(["This is a sentence of body text.", "A Headline Later On"]) is None
    # the first line wins over a standfirst without a period before the dateline
    lines = ["Troops to leave Iraq by year end", "US president says the war will be over by the end of the year", "Published: 21 Oct 2011"]
    assert find_title(lines, anchor=2) == 0
    # a short section kicker above the headline is skipped
    assert find_title(["Middle East News", "Troops to leave Iraq by year end", "", "Body text here."]) == 1
    assert find_title([]) is None


# --- text -----------------------------------------------------------------------------


def test_mojibake_and_invisibles() -> None:
    assert normalize_text("caf\u00c3\u00a9") == "café"
    assert normalize_text("zero\u200bwidth\ufeff soft\u00adhyphen") == "zerowidth softhyphen"
    assert normalize_text("a\x07b\x1bc") == "abc"
    assert normalize_text("e\u0301") == "\u00e9"  # NFC


def test_layout() -> None:
    assert normalize_text("a  \r\nb\r\rc\u2028d") == "a\nb\n\nc\nd"
    assert normalize_text("\n\n a\n\n\n\n\nb \t\n\n") == " a\n\nb"
    assert normalize_text("no\u00a0break") == "no break"
    assert normalize_inline("  Title \n with   spaces ") == "Title with spaces"


def test_words_unchanged() -> None:
    text = "“Curly quotes” stay, ＡＢＣ full width stays, ZWNJ in می\u200cخواهم stays, emoji 👩\u200d💻, &amp; stays."
    assert normalize_text(text) == text
    assert normalize_text("") == ""


# --- language -------------------------------------------------------------------------


def test_language() -> None:
    assert detect_language("Das ist ein kleiner Test der automatischen Spracherkennung für Texte.")[0] == "de"
    assert detect_language("This is a short test of automatic language detection for texts.")[0] == "en"
    assert detect_language("too short")[0] is None
    assert normalize_language("en-US") == "en"
    assert normalize_language("English") == "en"
    assert normalize_language("deu") == "de"
    assert normalize_language("pt_BR") == "pt"
    assert normalize_language("klingon") is None
    assert normalize_language(None) is None


# --- fast paths: each equals the plain computation it replaces ----------------------------------

_ATOMS = ["Council", "passes", "AP", "Reuters", "the", " ", "  ", " - ", " | ", ", ", "/", "and", "ß", "SS", "ﬁ", "İ",
          "ı", "K", "ſ", "’", "—", "\u00a0", "\u2009", "\u3000", "\x85", "_", "3", "٣", "Σ", "ς", "\t", "é", "e\u0301",
          "\u0301", ".", "...", "(", ")", "©", "\ud800", "\x1c", "中文", "\u1161", "가"]


def _random_strings(seed: int, count: int, longest: int = 8) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(_ATOMS) for _ in range(rng.randrange(longest))) for _ in range(count)]


def test_norm_block_is_norm_line_by_line() -> None:
    from corpuskit_plugins.metadata import titles

    for s in _random_strings(41, 3000):
        lines = s.replace("\t", "\n").split("\n")
        want = b"\n".join(titles._norm(ln).encode("utf-8") for ln in lines)
        assert titles._norm_block("\n".join(lines)) == want, repr(s)


def test_word_count_is_split() -> None:
    from corpuskit_plugins.metadata.stage import _word_count

    for s in _random_strings(43, 5000, 14):
        assert _word_count(s, s.encode("utf-8", "surrogatepass")) == len(s.split()), repr(s)


def test_agency_first_word_precheck_changes_nothing() -> None:
    from corpuskit_plugins.metadata.bylines import AGENCIES

    def plain(value: str) -> str | None:
        key = " ".join(value.strip().strip("()[]©").split()).lower().rstrip(".")
        return AGENCIES.get(key) or AGENCIES.get(key.removeprefix("the "))

    names = [*AGENCIES, "The AP", "(AFP)", "© Reuters.", "A.P.", "ap ...", "Kyodo News.", "the the ap", "[dpa]"]
    for s in [*names, *(n.upper() for n in names), *_random_strings(47, 3000)]:
        assert canonical_agency(s) == plain(s), repr(s)


def test_nfc_stable_characters_leave_text_nfc() -> None:
    import random
    import unicodedata

    from corpuskit_plugins.metadata.text_normalize import _NFC_STABLE

    rng = random.Random(53)
    pool = [*sorted(_NFC_STABLE), *map(chr, range(128))]
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(1, 8)))
        assert unicodedata.normalize("NFC", text) == text, repr(text)
    # none of them is the second character of a canonical composition
    seconds = set()
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp)).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            seconds.add(chr(int(decomposition[1], 16)))
    assert not seconds & _NFC_STABLE


def test_has_digit_is_the_regex() -> None:
    from corpuskit_plugins.metadata import dates

    for s in [*_random_strings(59, 3000), "abc", "a1", "٣", "x" * 300 + "7"]:
        assert dates._has_digit(s) == (dates._DIGIT.search(s) is not None), repr(s)


def test_an_impossible_iso_date_is_no_date_and_does_not_stop_the_run() -> None:
    import corpuskit
    from corpuskit_plugins.metadata.dates import parse_date_value

    assert parse_date_value("2011-13-45") is None and parse_date_value("2011-02-30") is None
    assert str(parse_date_value("2011-02-28").date) == "2011-02-28"  # type: ignore[union-attr]
    records = [{"id": "a", "text": "A story about nothing in particular.", "date": "2011-02-30"},
               {"id": "b", "text": "Another story about something else.", "date": "2011-02-28"}]
    out = {doc.id: doc.metadata for doc in corpuskit.clean(records, stages=["metadata"])}
    assert out["a"]["date"] is None and out["b"]["date"] == "2011-02-28"
