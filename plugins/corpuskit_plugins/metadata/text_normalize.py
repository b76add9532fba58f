"""Text normalization that repairs encoding and layout without changing the words.

What it does, in order:

1. ftfy repairs mojibake (``"cafÃ©"`` → ``"café"``), C1 controls, surrogates and
   terminal escapes. It is configured *not* to touch correct text: quotes are not
   uncurled, full-width characters are kept (CJK text uses them), HTML entities are
   not unescaped (a literal ``&amp;`` in a code sample stays as it is).
2. Line breaks: ``\\r\\n``, ``\\r``, U+2028/U+2029/U+0085, vertical tab and form feed
   become ``\\n``.
3. Invisible characters are removed: zero-width space, word joiner, BOM, soft hyphen,
   bidirectional marks/embeddings and other C0/C1 controls except ``\\n`` and ``\\t``.
   ZWNJ/ZWJ (U+200C/U+200D) are kept: they are spelling in Persian, Indic scripts and
   emoji sequences.
4. Unicode space separators (no-break space, thin space, ...) become a plain space,
   trailing whitespace is stripped per line, whitespace-only lines become empty, runs
   of blank lines collapse to one, leading/trailing blank lines are dropped.
5. Unicode NFC.

The function is applied until it reaches a fixed point (at most a few rounds), so
``normalize_text(normalize_text(x)) == normalize_text(x)``.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from functools import lru_cache

import ftfy
from ftfy.badness import is_bad

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=True,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=True,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization="NFC",
    max_decode_length=1_000_000,
    explain=False,
)

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
# Invisible format characters that never carry spelling (ZWNJ/ZWJ deliberately absent).
_INVISIBLE = (
    "\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\u180e\u034f"
)
_CONTROLS = (
    "".join(chr(c) for c in range(32) if chr(c) not in "\n\t")
    + "\x7f"
    + "".join(chr(c) for c in range(0x80, 0xA0))
)
_DELETE = str.maketrans("", "", _INVISIBLE + _CONTROLS)
_SPACES = re.compile(r"[^\S\n\t]")  # any whitespace except newline/tab (incl. NBSP, thin space)
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


_FTFY_TRIGGERS = re.compile("[\x1b\x80-\x9f\ufb00-\ufb06\ud800-\udfff]")

# One scan tells whether the line-break, deletion and space steps have anything to do: every
# character they change (\s is exactly str.isspace; a plain space, \n and \t stay as they are).
_SPECIAL = re.compile(
    "["
    + "".join(
        sorted(
            {re.escape(c) for c in "\r\u2028\u2029\x85\x0b\x0c" + _INVISIBLE + _CONTROLS}
            | {re.escape(chr(c)) for c in range(0x3001) if chr(c).isspace() and chr(c) not in " \n\t"}
        )
    )
    + "]"
)


_DELETE_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(set(_INVISIBLE + _CONTROLS))) + "]")
_ODD_SPACES = re.compile(r"[^\S \n\t]")
_LINE_BREAK_CHARS = re.compile("[\r\u2028\u2029\x85\x0b\x0c]")  # what _LINE_BREAKS replaces, one by one


def _line_breaks(text: str) -> str:
    """``_LINE_BREAKS.sub("\\n", text)``; a plain character class (fast scan) when there is no "\\r"."""
    if "\r" in text:
        return _LINE_BREAKS.sub("\n", text)
    return _LINE_BREAK_CHARS.sub("\n", text)


def _weight(ch: str) -> int:
    """How common ``ch`` is in ordinary text (letters of Latin, Greek, Cyrillic scripts are)."""
    if unicodedata.category(ch).startswith("L") and "\u00c0" <= ch <= "\u04ff" and ch not in "\u00d7\u00f7":
        return 30 if ch.isupper() else 100
    return 1


def _badness_anchors() -> dict[str, tuple[int, ...]] | None:
    """For ftfy's ``BADNESS_RE``: classes of characters, each with an offset, such that every
    match of the regex starting at position ``j`` has a character of some class at ``j + offset``.

    Read from the regex itself (each alternative must begin with fixed-width items, one of
    them a plain character class); ``None`` when that does not hold (then ``is_bad`` runs as is).
    """
    try:
        from re import _constants as sre_c  # type: ignore[attr-defined]
        from re import _parser as sre_p  # type: ignore[attr-defined]

        from ftfy.badness import BADNESS_RE

        tree = sre_p.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
        if len(tree.data) != 1 or tree.data[0][0] is not sre_c.BRANCH:
            return None
        by_offset: dict[int, set[str]] = {}
        for branch in tree.data[0][1][1]:
            offsets, choices = {0}, []
            for op, av in branch.data:
                if op is sre_c.AT:
                    continue
                if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
                    lo, hi, sub = av
                    single = len(sub.data) == 1 and sub.data[0][0] in (sre_c.LITERAL, sre_c.IN)
                    if lo == 0 and hi == 1 and single:
                        offsets |= {o + 1 for o in offsets}
                        continue
                    break
                chars: set[str] | None = None
                if op is sre_c.LITERAL:
                    chars = {chr(av)}
                elif op is sre_c.IN:
                    chars = set()
                    for iop, iav in av:
                        if iop is sre_c.LITERAL:
                            chars.add(chr(iav))
                        elif iop is sre_c.RANGE:
                            chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
                        else:
                            chars = None  # negation or category: too wide
                            break
                elif op not in (sre_c.ANY, sre_c.NOT_LITERAL):
                    break
                if chars and all(ord(c) > 127 for c in chars):
                    choices.append((sum(map(_weight, chars)), sorted(offsets), chars))
                offsets = {o + 1 for o in offsets}
                if min(offsets) > 3:
                    break
            if not choices:
                return None
            _cost, offs, chars = min(choices, key=lambda t: t[0])
            for off in offs:
                by_offset.setdefault(off, set()).update(chars)
        anchors: dict[str, tuple[int, ...]] = {}
        for off, chars in sorted(by_offset.items()):
            for c in chars:
                anchors[c] = (*anchors.get(c, ()), off)
        return anchors
    except Exception:
        return None


#: character → offsets at which it anchors a possible BADNESS_RE match (None: use is_bad as is)
_BAD_ANCHORS = _badness_anchors()
_TRIGGER_SET = frozenset(
    ["\x1b", *map(chr, range(0x80, 0xA0)), *map(chr, range(0xFB00, 0xFB07)), *map(chr, range(0xD800, 0xE000))]
)
_FTFY_SCAN = (
    re.compile("[" + "".join(re.escape(c) for c in sorted(_TRIGGER_SET | set(_BAD_ANCHORS))) + "]")
    if _BAD_ANCHORS is not None
    else None
)


#: every byte but the ASCII characters ``_SPECIAL`` holds (C0 controls but \\n and \\t, and DEL)
_NOT_ASCII_SPECIAL = bytes(c for c in range(256) if not ((c < 32 and c not in (9, 10)) or c == 127))
_ASCII_BYTES = bytes(range(128))


def _rare(text: str) -> tuple[bool, str]:
    """Whether ``text`` holds an ASCII character of ``_SPECIAL``, and its non-ASCII characters.

    The character-class scans of ``_SPECIAL`` and ``_FTFY_SCAN`` cost ~8 ns a character; news
    text is mostly ASCII, so both are run on the few non-ASCII characters instead. They are
    found as bytes: deleting the ASCII bytes of UTF-8 leaves whole characters (a multi-byte
    character holds none), and deleting all but the control bytes tells whether one is there.
    """
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _NOT_ASCII_SPECIAL)), ""
    data = text.encode("utf-8", "surrogatepass")
    rest = data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    return bool(data.translate(None, _NOT_ASCII_SPECIAL)), rest


def _has_special(text: str, rare: tuple[bool, str] | None = None) -> bool:
    """``_SPECIAL.search(text) is not None`` (``rare``: ``_rare(text)`` when known)."""
    control, rest = rare if rare is not None else _rare(text)
    return control or (bool(rest) and _SPECIAL.search(rest) is not None)


def _needs_ftfy(text: str, rare: tuple[bool, str] | None = None) -> bool:
    """Cheap pre-check: ftfy only changes text that looks like mojibake or holds the odd characters
    it repairs (C1 controls, ligatures, surrogates, terminal escapes); skipping it otherwise is
    what keeps normalization fast (ftfy works line by line).

    Equal to ``_FTFY_TRIGGERS.search(text) or ftfy.badness.is_bad(text)``, but only the positions
    where a BADNESS_RE match could start are tried (is_bad tries the regex at every position:
    ~1 ms per 3 KB): those of the anchor characters present, which are non-ASCII, so they are
    looked for among the non-ASCII characters first (``rare``: ``_rare(text)`` when known).
    """
    if "\x1b" in text:
        return True  # a terminal escape: the one ASCII trigger
    if text.isascii():
        return False
    if _FTFY_SCAN is None or _BAD_ANCHORS is None:
        return bool(_FTFY_TRIGGERS.search(text)) or is_bad(text)
    from ftfy.badness import BADNESS_RE

    _control, rest = rare if rare is not None else _rare(text)
    present = set(_FTFY_SCAN.findall(rest))
    if not present.isdisjoint(_TRIGGER_SET):
        return True
    starts: set[int] = set()
    for ch in present:
        offsets = _BAD_ANCHORS[ch]
        i = text.find(ch)
        while i >= 0:
            starts.update(i - off for off in offsets)
            i = text.find(ch, i + 1)
    match = BADNESS_RE.match
    return any(match(text, j) for j in sorted(starts) if j >= 0)


#: Characters that leave any text NFC: starters (combining class 0) that are NFC themselves and
#: never the second character of a composition (NFC_QC=Yes), as are all ASCII characters; so a
#: text of only such characters is NFC. From the Latin, Greek, Cyrillic, punctuation, currency
#: and letterlike blocks, which hold no NFC_QC=Maybe starter (those are Hangul jamo and vowel
#: signs of Indic and other scripts); NFC_QC=No characters (singletons such as U+212B) fail the test.
_NFC_STABLE = frozenset(
    ch
    for lo, hi in ((0x80, 0x530), (0x2000, 0x20D0), (0x2100, 0x2190))
    for ch in map(chr, range(lo, hi))
    if unicodedata.combining(ch) == 0 and unicodedata.normalize("NFC", ch) == ch
)


def _normalize_once(text: str, repair: bool = True) -> tuple[str, bool]:
    """One round of normalization; also whether ftfy ran (without it one round is a fixed point)."""
    found = _rare(text)
    rare: tuple[bool, str] | None = found
    # the non-ASCII characters of the text, or more: each step below but ftfy only removes some
    # (line breaks, invisible characters, odd spaces) or ASCII whitespace; ftfy adds its own
    chars: str | None = found[1]
    special = _has_special(text, rare)
    if special:
        text = _line_breaks(text)
        rare = None  # the text changed
    repaired = False
    if repair and _needs_ftfy(text, rare):
        repaired = special = True
        with contextlib.suppress(Exception):  # ftfy never should raise; a normalizer must not crash a run
            text = ftfy.fix_text(text, _FTFY_CONFIG)
        text = _line_breaks(text)
        rare = chars = None
    if special:
        # each step only when a character it changes is there (the ASCII ones are all controls,
        # which the delete step removes): a scan of the few non-ASCII characters tells
        control, rest = rare if rare is not None else _rare(text)
        chars = rest
        if control or (rest and _DELETE_RE.search(rest)):
            text = _DELETE_RE.sub("", text)  # == text.translate(_DELETE), several times faster
        if rest and _ODD_SPACES.search(rest):
            text = _ODD_SPACES.sub(" ", text)  # == _SPACES.sub(" ", text): a plain space stays one
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING.sub("", text)
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    text = text.strip("\n")
    if chars is not None and (not chars or (len(chars) <= 256 and _NFC_STABLE.issuperset(chars))):
        return text, repaired  # NFC already: normalize would check every character to return it
    return unicodedata.normalize("NFC", text), repaired


def normalize_text(text: str, *, repair: bool = True) -> str:
    """Return ``text`` with encoding, invisible characters and line layout repaired.

    Words are not changed (no case folding, no quote uncurling, no width folding);
    the result is a fixed point: normalizing it again returns it unchanged.
    ``repair=False`` skips the ftfy step (for text that was normalized already and
    only had lines removed).
    """
    if not text:
        return ""
    for _ in range(4):
        fixed, repaired = _normalize_once(text, repair)
        if fixed == text:
            break
        text = fixed
        if not repaired and not (repair and _needs_ftfy(text)):
            # Without ftfy a round is idempotent: line breaks, invisible characters and odd spaces
            # are gone, no blank-line run or trailing space is left, NFC text stays NFC (no
            # canonical composition yields a space, a control or a line break). So the next round
            # would return ``text`` unchanged, unless ftfy now has something to repair.
            break
    return text


def rejoin_normalized(text: str) -> str:
    """``normalize_text(text, repair=False)`` when ``text`` is whole lines of a ``normalize_text``
    result joined by ``"\\n"`` (what is left after lines were removed), without its scans.

    Such lines hold no character the round changes (no line-break, invisible, control or odd
    space character, no trailing whitespace), NFC strings joined by a line break are NFC, so
    a round can only collapse blank-line runs and strip blank lines at the ends: that is all
    this does, and the next round would change nothing.
    """
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def normalize_inline(value: str) -> str:
    """Normalize a one-line field value (title, author): text repair plus whitespace collapsed."""
    if len(value) <= 200:  # short values (site, author names) repeat from record to record
        return _normalize_inline_cached(value)
    return " ".join(normalize_text(value).split())


@lru_cache(maxsize=4096)
def _normalize_inline_cached(value: str) -> str:
    return " ".join(normalize_text(value).split())
