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


def _needs_ftfy(text: str) -> bool:
    """Cheap pre-check: ftfy only changes text that looks like mojibake or holds the odd characters
    it repairs (C1 controls, ligatures, surrogates, terminal escapes); skipping it otherwise is
    what keeps normalization fast (ftfy works line by line)."""
    if text.isascii() and "\x1b" not in text:
        return False
    return bool(_FTFY_TRIGGERS.search(text)) or is_bad(text)


def _normalize_once(text: str, repair: bool = True) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    if repair and _needs_ftfy(text):
        with contextlib.suppress(Exception):  # ftfy never should raise; a normalizer must not crash a run
            text = ftfy.fix_text(text, _FTFY_CONFIG)
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_DELETE)
    text = _SPACES.sub(" ", text)
    text = _TRAILING.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    text = text.strip("\n")
    return unicodedata.normalize("NFC", text)


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
        fixed = _normalize_once(text, repair)
        if fixed == text:
            break
        text = fixed
    return text


def normalize_inline(value: str) -> str:
    """Normalize a one-line field value (title, author): text repair plus whitespace collapsed."""
    return " ".join(normalize_text(value).split())
