"""Bylines, author fields and wire-agency credits.

A line counts as a byline or credit only when it is *wholly* one, so a sentence such as
"By the end of the year, ..." never matches: names must be capitalized words (particles
such as "de", "van", "al-" allowed), at most a handful of them, and the line short.

* ``parse_byline("By A and B, Reuters")`` → authors ``["A", "B"]``, agency ``"Reuters"``;
  ``"By A | Staff writer"`` drops the role; a lone ``"By"`` is an empty byline (no
  authors, still metadata); ``"Reporting by A; Editing by B"`` gives A (editors are
  not authors).
* ``parse_credit("Contributing: The Associated Press")`` → agency ``"Associated Press"``;
  ``"X and agencies"`` → source ``"X"`` (the publisher credits itself); a bare
  ``"(Reuters)"`` → agency.
* ``inline_agency("WASHINGTON (Reuters) - ...")`` reads the agency of a wire dateline
  without the line being metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from corpuskit_plugins.metadata.text_normalize import normalize_inline
from corpuskit_plugins.metadata.urls import looks_like_url

#: Known news agencies (lower-case spelling → canonical name).
AGENCIES: dict[str, str] = {}
for _canon, _names in {
    "Associated Press": "ap|the associated press|associated press|a.p.",
    "Reuters": "reuters|thomson reuters|reuters news",
    "Agence France-Presse": "afp|agence france-presse|agence france presse|france-presse",
    "Bloomberg": "bloomberg|bloomberg news",
    "United Press International": "upi|united press international",
    "dpa": "dpa|deutsche presse-agentur",
    "PA Media": "pa|pa media|press association|the press association",
    "Xinhua": "xinhua|xinhua news agency",
    "Kyodo News": "kyodo|kyodo news",
    "ANI": "ani|asian news international",
    "Press Trust of India": "pti|press trust of india",
    "IANS": "ians",
    "EFE": "efe|agencia efe",
    "ANSA": "ansa",
    "TASS": "tass|itar-tass",
    "Yonhap": "yonhap|yonhap news agency",
    "Australian Associated Press": "aap|australian associated press",
    "The Canadian Press": "cp|the canadian press|canadian press",
    "Anadolu Agency": "anadolu|anadolu agency|aa",
    "EPA": "epa|european pressphoto agency",
    "Europa Press": "europa press",
    "Interfax": "interfax",
    "KNA": "kna",
    "epd": "epd",
    "APA": "apa",
    "Belga": "belga",
    "ANP": "anp",
    "Lusa": "lusa",
    "RIA Novosti": "ria novosti|ria",
    "Bernama": "bernama",
    "Antara": "antara",
    "PAP": "pap",
    "SDA": "sda|keystone-sda",
    "AFX": "afx",
    "CNA": "cna",
    "Wire services": "wire services|wires|news agencies|agencies",
}.items():
    for _n in _names.split("|"):
        AGENCIES[_n] = _canon

#: the first words of the keys ``canonical_agency`` looks up ("the" for "the " + a name)
_AGENCY_FIRST_WORDS = frozenset({k.split(" ")[0] for k in AGENCIES} | {"the"})

_PARTICLES = {
    "de",
    "da",
    "das",
    "do",
    "dos",
    "di",
    "del",
    "della",
    "der",
    "den",
    "van",
    "von",
    "vom",
    "zu",
    "la",
    "le",
    "du",
    "des",
    "ten",
    "ter",
    "y",
    "e",
    "bin",
    "bint",
    "ibn",
    "al",
    "el",
    "st.",
    "mac",
    "ap",
}
_NOT_NAMES = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "their",
    "our",
    "its",
    "my",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "then",
    "now",
    "contrast",
    "comparison",
    "far",
    "default",
    "design",
    "law",
    "chance",
    "way",
    "mistake",
    "accident",
    "all",
    "most",
    "some",
    "using",
    "doing",
}
_ROLE = re.compile(
    r"\b(?:writers?|reporters?|correspondents?|editors?|staff|contributors?|columnists?|"
    r"bureau|chief|senior|special to|photographers?|producers?|journalists?|analysts?|"
    r"news desk|desk|team|for |in )\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]*|[A-Z]\.|(?:al|el|Al|El)-[A-Z][\w'’-]*|Mc[A-Z][\w'’-]*)$")


def canonical_agency(value: str) -> str | None:
    """The canonical name of a known news agency, or ``None``."""
    inner = value.strip().strip("()[]©")
    # the key's first word is the first word of ``inner`` lowered (all of it when it is the only
    # one, then less its final dots): unless that opens a known name, no need to build the key
    first = inner.split(None, 1)[:1]
    if not first or (
        (word := first[0].lower()) not in _AGENCY_FIRST_WORDS and word.rstrip(".") not in _AGENCY_FIRST_WORDS
    ):
        return None
    key = " ".join(inner.split()).lower().rstrip(".")
    return AGENCIES.get(key) or AGENCIES.get(key.removeprefix("the "))


def looks_like_name(value: str) -> bool:
    """True for a person's name as bylines print it: 1–5 capitalized words and particles."""
    toks = value.split()
    if not 1 <= len(toks) <= 5:
        return False
    if toks[0].lower() in _NOT_NAMES or toks[0].lower() in _PARTICLES:
        return False
    capitals = 0
    for tok in toks:
        if tok.lower() in _PARTICLES:
            continue
        if not _TOKEN.match(tok) or any(ch.isdigit() for ch in tok):
            return False
        capitals += 1
    if capitals == 0:
        return False
    # A single word is a name only in all-caps-free Title case and not a known agency.
    return not (len(toks) == 1 and (canonical_agency(toks[0]) or len(toks[0]) < 3))


_NAME_SEP = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*")
_TAIL_SEP = re.compile(r"\s+[|/–—-]\s+|\s*\|\s*")
_LEAD = re.compile(r"^[\s•·▪*►»|–—-]+")
# what _LEAD matches, for lstrip (the same, without a regex scan): \s is exactly str.isspace
_LEAD_CHARS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "•·▪*►»|–—-"
_BARE_BY = re.compile(r"(?i)by|von|par|por|written by")
_BY_WORD = re.compile(r"(?i)\bby\b")
_AGENCY_SEP = re.compile(r"\s*(?:/|,|&|\band\b)\s*")


def _split_names(value: str) -> list[str]:
    parts = _NAME_SEP.split(value)
    return [p.strip() for p in parts if p.strip()]


def _title_case(name: str) -> str:
    if name.isupper() and len(name) > 3:
        return " ".join(w if "." in w else w.capitalize() for w in name.split())
    return name


@dataclass(slots=True)
class Byline:
    """What a byline or credit line says: authors, wire agency, publisher."""

    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    source: str | None = None


_BY = re.compile(
    r"^(?:(?:written|words|story|text|reported|reporting|compiled|photos and text)\s+)?"
    r"(?:by|von|par|por|di|door|av)\b[:\s]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_AUTHOR_LABEL = re.compile(
    r"^(?:authors?|autor(?:in|en)?|auteur|written by|byline)\s*:\s*(?P<rest>.+)$", re.IGNORECASE
)
_ROLE_BY = re.compile(
    r"^(?P<role>(?:additional\s+)?(?:reporting|writing|written|editing|edited|compiled|"
    r"research|graphics|photos?|video)(?:\s+and\s+\w+)?)\s+by\s+(?P<names>.+)$",
    re.IGNORECASE,
)


def _parse_names_and_tail(rest: str) -> Byline | None:
    """Parse "A and B, Reuters" / "A | Staff writer" / "A, Associated Press Writer"."""
    rest = rest.strip().strip(".").strip()
    if not rest:
        return Byline()
    out = Byline()
    segments = [s.strip() for s in _TAIL_SEP.split(rest) if s.strip()]
    head, tails = segments[0], segments[1:]
    pieces = _split_names(head)
    shouting = head.isupper()
    names: list[str] = []
    for i, piece in enumerate(pieces):
        agency = canonical_agency(piece)
        if agency:
            out.agency = out.agency or agency
        elif _ROLE.search(piece):
            out.agency = out.agency or _agency_in(piece)
        elif i > 0 and _is_org(piece, shouting):
            out.source = out.source or (piece[4:] if piece.lower().startswith("the ") else piece)
        elif looks_like_name(piece):
            names.append(_title_case(piece))
        else:
            return None
    for tail in tails:
        agency = canonical_agency(tail) or _agency_in(tail)
        if agency:
            out.agency = out.agency or agency
        elif _ROLE.search(tail) or len(tail.split()) <= 5:
            continue
        else:
            return None
    if not names and not out.agency:
        return None
    out.authors = names
    return out


def _is_org(piece: str, shouting: bool) -> bool:
    """An organization credited after the names: "The Washington Post", "CNN", "USA TODAY"."""
    if len(piece.split()) > 5:
        return False
    if piece.lower().startswith("the ") and piece[4:5].isupper():
        return True
    return not shouting and piece.isupper() and len(piece.replace(" ", "")) >= 2


def _agency_in(text: str) -> str | None:
    low = text.lower()
    for key in sorted(AGENCIES, key=len, reverse=True):
        if len(key) >= 3 and re.search(rf"\b{re.escape(key)}\b", low):
            return AGENCIES[key]
    if re.search(r"\bAP\b", text):
        return AGENCIES["ap"]
    return None


# What every byline opens with: each pattern of ``parse_byline`` but the ";" segments (which it
# looks for only when the line holds a ";") begins with one of these (as it matches: ignoring case).
_BYLINE_OPENING = re.compile(
    r"by|von|par|por|di|door|av|writ|words|story|text|report|compiled|photo|additional|edit|research|"
    r"graphics|video|aut",
    re.IGNORECASE,
)


def parse_byline(line: str) -> Byline | None:
    """Parse ``line`` when it is wholly a byline; ``None`` otherwise."""
    s = line.lstrip(_LEAD_CHARS).strip()
    if ";" not in s and _BYLINE_OPENING.match(s) is None:
        return None  # most lines: no pattern below can match
    if not s or len(s) > 160 or len(s.split()) > 24 or looks_like_url(s) or "@" in s:
        return None
    if _BARE_BY.fullmatch(s.rstrip(":")):
        return Byline()
    if ";" in s and _BY_WORD.search(s):
        result = Byline()
        for seg in s.split(";"):
            seg = seg.strip().rstrip(".")
            if not seg:
                continue
            m = _ROLE_BY.match(seg)
            if not m:
                return None
            role = m["role"].lower()
            names = [n for n in _split_names(m["names"]) if looks_like_name(n)]
            if len(names) != len(_split_names(m["names"])):
                return None
            if not role.startswith("additional") and role.startswith(("reporting", "writing", "written")):
                result.authors.extend(names)
        return result if result.authors else None
    m = _ROLE_BY.match(s)
    if (
        m
        and m["role"].lower().startswith(("reporting", "writing", "written"))
        and not m["role"].lower().startswith("additional")
    ):
        names = _split_names(m["names"].rstrip("."))
        if names and all(looks_like_name(n) for n in names):
            return Byline(authors=[_title_case(n) for n in names])
        return None
    m = _BY.match(s) or _AUTHOR_LABEL.match(s)
    if not m:
        return None
    return _parse_names_and_tail(m["rest"])


_CREDIT_LABEL = re.compile(
    r"^(?:contributing|contributors?|source|sources|quelle|quellen|fuente|fuentes|fonte|via|"
    r"with reporting from|material from|mit material von|avec|con información de|"
    r"(?:additional\s+)?reporting from|wire reports?)\s*:?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_AND_AGENCIES = re.compile(
    r"^(?P<pub>.+?)\s+(?:and|with|\+|&|und|et|y|con)\s+(?:agencies|wires|wire services|news agencies|"
    r"agenturen|agences|agencias)\.?$",
    re.IGNORECASE,
)


SITE_DOMAIN = re.compile(r"(?:www\.)?[a-z0-9-]{3,}(?:\.[a-z0-9-]+)*\.[a-z]{2,6}", re.IGNORECASE)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?,?\s*(?P<org>[^.,]{2,40}?)\s*[.,]?"
    r"(?:\s*all rights reserved\.?)?(?:\s*this material may not be (?:published|reproduced)[^.]*\.?)?$",
    re.IGNORECASE,
)
_CONTRIBUTED = re.compile(
    r"^(?P<who>.{2,60}?)\s+(?:contributed|contributed reporting|"
    r"contributed to this (?:report|story|article))$",
    re.IGNORECASE,
)


# The endings those two patterns require, searched in the last characters only (a pattern
# that ends so is the only way either can match; the scan of the whole line is what is slow).
_AND_AGENCIES_END = re.compile(
    r"(?:agencies|wires|wire services|news agencies|agenturen|agences|agencias)\.?$", re.IGNORECASE
)
_CONTRIBUTED_END = re.compile(
    r"\s(?:contributed|contributed reporting|contributed to this (?:report|story|article))$", re.IGNORECASE
)


# ... and the last three letters of those endings (as the pattern matches them: case-insensitively),
# checked first: the search tries the whole alternation at each of the 16 positions (~1 us a line).
_AND_AGENCIES_LAST = re.compile(r"(?:ies|res|ces|ren|ias)\.?$", re.IGNORECASE)
_CONTRIBUTED_LAST = re.compile(r"[dgtye]$", re.IGNORECASE)  # contributed, reporting, report, story, article


def _org_like(value: str) -> bool:
    toks = value.split()
    if not 1 <= len(toks) <= 5:
        return False
    small = {"of", "the", "and", "de", "la", "&"}
    return all(t[:1].isupper() or t[:1].isdigit() or t.lower() in small for t in toks)


def parse_credit(line: str) -> Byline | None:
    """Parse ``line`` when it is wholly a wire/agency credit; ``None`` otherwise."""
    s = line.lstrip(_LEAD_CHARS).strip().rstrip(".").strip()
    if not s or len(s) > 200:
        return None
    m = _COPYRIGHT.match(s)
    if m:  # "Copyright 2011 The Associated Press. All rights reserved."
        agency = canonical_agency(m["org"])
        return Byline(agency=agency) if agency else None
    if len(s) > 100:
        return None
    bare = s.strip("()[]").strip()
    if (s.startswith("(") and s.endswith(")")) or s.startswith("©") or s == bare:
        agency = canonical_agency(bare.lstrip("© ").strip())
        if agency and (s != bare or len(bare) > 3 or bare.isupper()):
            return Byline(agency=agency)
    # without one of its separators the split gives one piece (its regex tries every position: slow)
    if "/" in bare or "," in bare or "&" in bare or "and" in bare:
        # every piece must be an agency: the first one (up to the first separator) is tried first
        first = _AGENCY_SEP.split(bare, 1)[0]
        if not first or canonical_agency(first):
            pieces = [p for p in _AGENCY_SEP.split(bare) if p]
            if len(pieces) > 1 and all(canonical_agency(p) for p in pieces):  # "AFP/Reuters"
                return Byline(agency=canonical_agency(pieces[0]))
    ends_so = _AND_AGENCIES_LAST.search(s[-4:]) and _AND_AGENCIES_END.search(s[-16:])
    m = _AND_AGENCIES.match(s) if ends_so else None
    if m and _org_like(m["pub"]):
        agency = canonical_agency(m["pub"])
        return Byline(agency=agency) if agency else Byline(source=m["pub"].strip(), agency=None)
    ends_so = _CONTRIBUTED_LAST.search(s[-1:]) and _CONTRIBUTED_END.search(s[-40:])
    m = _CONTRIBUTED.match(s) if ends_so else None
    if m:
        orgs = _split_names(m["who"])
        known = [a for a in (canonical_agency(o) for o in orgs) if a]
        if known:
            return Byline(agency=known[0])
        agency = _agency_in(m["who"])  # "Associated Press writer Jane Roe contributed to this report."
        return Byline(agency=agency) if agency else None
    m = _CREDIT_LABEL.match(s)
    if m:
        orgs = _split_names(m["rest"])
        known = [a for a in (canonical_agency(o) for o in orgs) if a]
        if known:  # "Contributing: Jane Roe, The Associated Press"
            return Byline(agency=known[0])
        if len(orgs) == 1 and _org_like(orgs[0]) and orgs[0].lower().startswith("the "):
            return Byline(agency=orgs[0][4:])
    return None


_INLINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .,'’/-]{1,60}\s*\((?P<agency>[^)]{2,40})\)\s*[-–—:]")


def inline_agency(line: str) -> str | None:
    """The agency of a wire dateline opening a paragraph ("PARIS (AFP) - ..."), or ``None``."""
    if "(" not in line:
        return None  # the pattern needs one
    m = _INLINE.match(line.strip())
    return canonical_agency(m["agency"]) if m else None


_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:view|see|more)\s+(?:all\s+)?(?:posts|articles|stories)\s+(?:by|from)|"
    r"(?:posted|written|article|story|words|text|photos?|reporting)\s+by|by|von|par|por)\b\s*:?\s*",
    re.IGNORECASE,
)
_AUTHOR_SUFFIX = re.compile(r"\s+(?:says|said|writes|wrote)$", re.IGNORECASE)
_PLACEHOLDERS = {
    "no author",
    "unknown",
    "unknown author",
    "anonymous",
    "admin",
    "administrator",
    "n/a",
    "none",
    "null",
    "author",
    "authors",
    "by",
}


def split_agencies(authors: list[str]) -> tuple[list[str], str | None]:
    """Move known news agencies out of an author list: ``(people, first agency or None)``."""
    people = [a for a in authors if not canonical_agency(a)]
    agencies = [canonical_agency(a) for a in authors if canonical_agency(a)]
    return people, (agencies[0] if agencies else None)


def normalize_authors(value: Any) -> list[str]:
    """Authors from a field value: a string ("A; B", "A and B", "By A"), a list, or dicts with "name".

    URLs (profile links) and e-mail addresses are dropped; order is kept, duplicates removed.
    """
    items: list[str] = []
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, str):
        s = normalize_inline(value)
        s = re.sub(r"(?i)^(?:by|von|par|por)\s+", "", s)
        if ";" in s or "|" in s:
            raw = re.split(r"\s*[;|]\s*", s)
        elif ("," in s and re.search(r"\b(?:and|&)\b", s)) or s.count(",") >= 2:
            raw = _split_names(s)
        elif "," in s and all(len(p.split()) >= 2 for p in s.split(",")):
            raw = [p for p in s.split(",")]
        else:
            raw = re.split(r"\s+(?:and|&|und|et|y)\s+", s)
        items = raw
    elif isinstance(value, (list, tuple)):
        for v in value:
            if isinstance(v, dict):
                v = v.get("name") or v.get("author") or v.get("full_name")
            if isinstance(v, str):
                items.extend(normalize_authors(v) if (";" in v or " and " in v) else [normalize_inline(v)])
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        name = _AUTHOR_PREFIX.sub("", item.strip()).strip()
        name = _AUTHOR_SUFFIX.sub("", name).strip(",.;:").strip()
        if not name or name.casefold() in _PLACEHOLDERS or looks_like_url(name):
            continue
        if "://" in name or "@" in name or "www." in name.lower():
            continue
        if len(name) > 100:
            continue
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out
