"""Titles: pick the headline line of a text and strip site names from titles.

``find_title`` looks at the top of a document. When a dateline or byline was found in
the header, the headline is the nearest headline-like line *before* it (a standfirst
sentence between them is skipped); otherwise it is the first headline-like line among
the first few lines, skipping short site furniture ("Home", "Domain Registration") but
stopping at the first content sentence. Headline-like means: 3 to 30 words, starts with
a capital/digit/quote, no sentence-final period (an abbreviation such as "U.S." is not
a period), not a bullet, URL, photo credit, dateline or byline.

``strip_site_suffix`` removes " - CNN.com", " | Al Jazeera", " – Site Name" and the like
from the end (and a "Site | " prefix that is a domain or a known site name) while what
is left still looks like a headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from corpuskit_plugins.metadata.bylines import canonical_agency

_SEPARATORS = re.compile(r"\s+(?:[|•·»:]{1,2}|[-–—~/])\s+")
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,12}$", re.IGNORECASE)
_SMALL = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "&",
    "for",
    "in",
    "on",
    "at",
    "to",
    "de",
    "la",
    "le",
    "el",
    "du",
    "des",
    "der",
    "die",
    "das",
    "di",
    "da",
    "del",
    "y",
    "et",
    "und",
    "by",
    "news",
}
_SITE_WORDS = re.compile(
    r"\b(?:news|post|times|journal|herald|tribune|guardian|online|magazine|daily|tv|radio|"
    r"press|media|network|wire|gazette|telegraph|chronicle|observer|review|today|weekly|blog|"
    r"report|reporter|mail|star|sun|globe|independent|express|standard|nachrichten|zeitung|"
    r"presse|blatt|diario|periódico|giornale|corriere|journal|monde|info|inc|ltd|\.com)\b",
    re.IGNORECASE,
)
_ABBREV_END = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St|Dr|Mr|Mrs|Ms|No|vs)\.)$")
_CREDIT = re.compile(
    r"(?:\s/\s|\bphoto\b|\bimage\b|\bgetty\b|\bcredit\b|\bfile\b:|\bpicture\b|©|\(c\))", re.IGNORECASE
)


_NAV = re.compile(
    r"^(?:skip to|jump to|go to|zum inhalt|direkt zum|aller au|ir al|vai al|passer au|sign in|sign up|"
    r"log in|login|subscribe|write for us|contact us|about us|advertise|menu|search|follow us|share this|"
    r"click here|read more|see more|you are here|home\b)",
    re.IGNORECASE,
)


_NON_WORD = re.compile(r"[^\w]+")
_ASCII_NON_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))


def _norm(s: str) -> str:
    if s.isascii():  # the same, several times faster: ASCII \w is [A-Za-z0-9_], casefold is lower
        return s.lower().encode("ascii").translate(None, _ASCII_NON_WORD).decode("ascii")
    return _NON_WORD.sub("", s.casefold())


def _site_like(segment: str, site_names: Sequence[str]) -> bool:
    seg = segment.strip()
    if not seg:
        return False
    n = _norm(seg)
    for name in site_names:
        k = _norm(name)
        if k and (n == k or (len(k) >= 4 and (n in k or k in n))):
            return True
    if _DOMAIN.match(seg) or canonical_agency(seg):
        return True
    words = seg.split()
    if len(words) > 5 or len(seg) > 60:
        return False
    capitalized = all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL for w in words)
    if not capitalized:
        return False
    return len(words) <= 3 or bool(_SITE_WORDS.search(seg)) or seg.isupper()


_NEWSY = re.compile(r"\b(?:news|online|times|post|\.com)\b", re.IGNORECASE)


def _strong_site(segment: str) -> bool:
    """A leading "BBC News - " / "Sky News | ": short, capitalized and named like a news site."""
    words = segment.split()
    return (
        1 <= len(words) <= 4
        and all(w[:1].isupper() or w[:1].isdigit() for w in words)
        and bool(_NEWSY.search(segment))
    )


def strip_site_suffix(title: str, site_names: Iterable[str] = ()) -> str:
    """Remove trailing (and leading) site names from ``title``; keep at least 2 words."""
    return _strip_site_suffix(title, tuple(n for n in site_names if n))


@lru_cache(maxsize=4096)  # a pure function of strings: site furniture repeats from page to page
def _strip_site_suffix(title: str, names: tuple[str, ...]) -> str:
    t = " ".join(title.split())
    for _ in range(4):
        parts = list(_SEPARATORS.finditer(t))
        if not parts:
            break
        last = parts[-1]
        head, tail = t[: last.start()], t[last.end() :]
        sep = last.group(0).strip()
        if (
            len(head.split()) >= 2
            and _site_like(tail, names)
            and (sep in {"|", "||", "-", "–", "—", "•", "·", "/", "»", "::"})
        ):
            t = head.rstrip(" -–—|:")
            continue
        first = parts[0]
        head, tail = t[: first.start()], t[first.end() :]
        if len(tail.split()) >= 3 and (
            _DOMAIN.match(head.strip())
            or any(_norm(head) == _norm(n) for n in names)
            or (first.group(0).strip() in {"|", "-", "–", "—", "::"} and _strong_site(head))
        ):
            t = tail
            continue
        break
    return t


_BULLET_START = re.compile(r"^[•·▪◦●*►»\-–—]")


def looks_like_headline(line: str) -> bool:
    """True when ``line`` could be a headline (see the module docstring)."""
    s = line.strip()
    return len(s) <= 250 and _looks_like_headline(s)  # longer: never (and not worth a cache entry)


@lru_cache(maxsize=8192)  # a pure function of the line: site furniture repeats from page to page
def _looks_like_headline(s: str) -> bool:
    words = s.split()
    if not 3 <= len(words) <= 30 or len(s) > 250:
        return False
    if _BULLET_START.match(s) or "://" in s or "www." in s.lower() or "@" in s:
        return False
    first = next((ch for ch in s if ch.isalnum()), "")
    if not first or first.islower():
        return False
    if s.endswith((".", ",", ";", ":")) and not s.endswith("...") and not _ABBREV_END.search(s):
        return False
    if _CREDIT.search(s) and len(words) <= 8:
        return False
    if _NAV.match(s) or _wordy(words) < 3:
        return False
    return _letters(s) >= 0.5 * len(s.replace(" ", ""))


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _letters(s: str) -> int:
    """``sum(ch.isalpha() for ch in s)``; for ASCII by deleting the letters as bytes (no loop)."""
    if s.isascii():
        return len(s) - len(s.encode("ascii").translate(None, _ASCII_LETTERS))
    return sum(ch.isalpha() for ch in s)


def _wordy(words: list[str]) -> int:
    """How many of ``words`` hold at least two letters (a plain word: at once)."""
    return sum(1 for w in words if (len(w) >= 2 and w.isalpha()) or _letters(w) >= 2)


def find_title(
    lines: Sequence[str],
    anchor: int | None = None,
    *,
    skip: Iterable[int] = (),
    max_scan: int = 4,
    nonblank: Sequence[int] | None = None,
) -> int | None:
    """Index of the headline among ``lines`` (the document's lines, blank ones included).

    ``anchor`` is the index of the first dateline/byline in the header, if any;
    ``skip`` holds indexes of lines already known to be metadata. Two candidates: the
    first headline-like line at the top, and the nearest one before the anchor. The top
    one wins when it is the document's first line or the text repeats it further down (a
    page title echoed by the article headline), else the one before the anchor. ``nonblank``:
    the indexes of the non-blank lines, when the caller has them.
    """
    skipped = set(skip)
    if nonblank is None:
        nonblank = [i for i, ln in enumerate(lines) if ln.strip() and i not in skipped]
    elif skipped:
        nonblank = [i for i in nonblank if i not in skipped]
    top: int | None = None
    scan = nonblank[:max_scan]
    for k, i in enumerate(scan):
        s = lines[i].strip()
        if looks_like_headline(s):
            nxt = lines[scan[k + 1]].strip() if k + 1 < len(scan) else ""
            if len(s.split()) <= 3 and looks_like_headline(nxt) and len(nxt.split()) > len(s.split()):
                continue  # a short section kicker ("Middle East News") above the headline
            top = i
            break
        if len(s.split(None, 2)) >= 3:  # a content sentence: the text has no headline line at the top
            break
    near: int | None = None
    if anchor is not None:
        for i in reversed([i for i in nonblank if i < anchor][-max_scan:]):
            if looks_like_headline(lines[i]):
                near = i
                break
    if top is not None and (
        near is None or near == top or top == nonblank[0] or repeated_at(lines, top) is not None
    ):
        return top
    return near if near is not None else top


def _norm_block(block: str) -> bytes:
    """``_norm`` of each line of ``block`` (lines joined by ``"\\n"``), UTF-8, joined by ``b"\\n"``.

    ``_norm`` is, character by character, casefolding and dropping non-word characters (``\\w``
    is exactly ``str.isalnum()`` or ``"_"``), so it is done on the UTF-8 bytes of the whole block
    in C: the ASCII characters by one ``translate`` (upper case lowered, non-word bytes but the
    line break deleted), then each distinct non-ASCII character that ``_norm`` changes replaced by
    its form (few per text; UTF-8 is self-synchronizing, so a replacement only hits whole
    characters, and a form is left unchanged by ``_norm``: no replacement undoes another).
    """
    data = block.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER, _ASCII_NON_WORD_NL)
    if not block.isascii():
        for ch in set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
            form = "".join(c for c in ch.casefold() if c.isalnum() or c == "_")
            if form != ch:
                data = data.replace(ch.encode("utf-8", "surrogatepass"), form.encode("utf-8"))
    return data


_ASCII_BYTES = bytes(range(128))
_ASCII_NON_WORD_NL = bytes(c for c in _ASCII_NON_WORD if c != 10)  # ... but the line break
_ASCII_LOWER = bytes.maketrans(bytes(range(65, 91)), bytes(range(97, 123)))


def repeated_at(lines: Sequence[str], index: int, *, within: int = 400) -> int | None:
    """Index of a later line that repeats the headline at ``index`` (site suffix ignored), or ``None``.

    The lines of the window are normalized together (``_norm_block``) and the wanted forms are
    looked for as whole lines of the result: one pass in C instead of ``_norm`` line by line.
    """
    want = {_norm(lines[index]), _norm(strip_site_suffix(lines[index]))}
    want.discard("")
    if not want:
        return None
    window = lines[index + 1 : min(len(lines), index + within)]
    if not window:
        return None
    block = "\n".join(window)
    if block.count("\n") != len(window) - 1:  # a line holding a line break: line by line
        for j, ln in enumerate(window, index + 1):
            if ln.strip() and _norm(ln) in want:
                return j
        return None
    # a line whose _norm is a wanted form (never empty) holds a word character: it is not blank
    normed = b"\n" + _norm_block(block) + b"\n"
    first = -1
    for w in want:
        at = normed.find(b"\n" + w.encode("utf-8", "surrogatepass") + b"\n")
        if at >= 0 and (first < 0 or at < first):
            first = at
    return None if first < 0 else index + 1 + normed.count(b"\n", 0, first)
