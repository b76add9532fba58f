"""Per-line features computed once per document, and the ``RichLine`` rules receive.

A :class:`DocView` is built once per document (one pass over its non-empty lines);
rules then read cheap precomputed numbers (word count, stopword ratio, whether the
line ends like a sentence...) instead of re-scanning the text. :class:`RichLine`
subclasses :class:`corpuskit.Line`, so third-party rules that only know ``Line`` see
exactly what the hook promises, while built-in rules can use the extra features.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import and_, itemgetter
from typing import Any

from corpuskit import Line

# Frequent function words of the languages the corpora mostly hold (en, de, fr, es,
# it, pt, pl, nl). A line of prose has many of them; menus and teaser titles few.
_STOPWORDS_TEXT = """
    a about after all also an and any are as at be been but by can could did do does
    for from had has have he her his how i if in into is it its just more most my no not
    of on one only or other our out over said says she so some than that the their them
    then there these they this those to up was we were what when where which while who
    will with would you your
    aber als am an auch auf aus bei bis das dass dem den der des die dir doch du ein eine
    einem einen einer es für hat ich ihr im ist ja kann man mit nach nicht noch nur oder
    sich sie sind so um und uns vom von vor war was wie wir wird zu zum zur über
    au aux avec ce ces dans de des du elle en est et il ils je la le les leur lui mais me
    même nous on ont ou par pas pour qu que qui sa se ses son sont sur un une vous été
    al como con del el en es esta está este fue ha la las lo los más para pero por que se
    sin sobre su sus un una y
    alla anche che chi come da dei della delle di gli ha il lo nel non per più sono una
    ao com da das do dos em foi mais na nas no nos não os para pela pelo que se um uma é
    być do jak jest na nie od po się to tak że w z za
    dat een het niet van voor zijn
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# sentence-final punctuation, optionally followed by closing quotes/brackets
_IS_STOP = STOPWORDS.__contains__
_STRIP = ".,;:!?\"'“”‘’«»()[]{}|/\\<>*…–—•·"
_ENDERS = frozenset(".!?…:;。！？")
_CLOSERS = "\"'”’»)]"
_MARK_START = frozenset("0123456789•·▪►■◦*–-")
_LIST_MARK = re.compile(r"^(?:\d{1,3}[.)]|[•·▪►■◦*–-])\s+")
# whole words opening with an ASCII capital (for ASCII text: the words whose first
# character is upper case)
# (a capital not preceded by a non-space: the pattern opens with the capital, so the
# search skips to capitals instead of testing a lookbehind at every position)
_CAPITALISED = re.compile(r"[A-Z](?<!\S[A-Z])\S*").findall

# ASCII text -> " " for whitespace (what str.split and ``\s`` split on), "U" for A-Z,
# "x" for anything else: " U" then marks the start of a word that _CAPITALISED finds
_CAP_STARTS = str.maketrans({
    chr(c): " " if chr(c).isspace() else "U" if "A" <= chr(c) <= "Z" else "x" for c in range(128)
})

# What ``\s`` matches in a ``str`` pattern (Py_UNICODE_ISSPACE, the same test as
# str.isspace); no whitespace code point lies above U+3000.
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# label keys: strip these leading / trailing characters (the regex classes
# ``^[\s«‹<|•·-]+`` and ``[\s:»›>…|.!?-]+$`` as str.strip sets, which is much faster)
_LABEL_LEAD_CHARS = _SPACES + "«‹<|•·-"
_LABEL_TRAIL_CHARS = _SPACES + ":»›>…|.!?-"


def label_key(low: str) -> str:
    """The label key of a lower-cased line (``’`` already replaced by ``'``): decoration stripped."""
    return low.lstrip(_LABEL_LEAD_CHARS).rstrip(_LABEL_TRAIL_CHARS).strip()


class LineFeatures:
    """Cheap numbers about one line, used by rules and block passes."""

    __slots__ = (
        "_cap_ratio",
        "_core",
        "_label_key",
        "_low_words",
        "_n_sentences",
        "_nw",
        "_stops",
        "_tokens",
        "ends_sentence",
        "low",
        "n_chars",
        "n_words",
        "text",
    )

    def __init__(self, text: str) -> None:
        # Only what nearly every line needs is computed here (the engine's gates and the
        # block passes read it); stopwords, sentence counts, tokens, the label key and the
        # capital ratio are computed on first use: on already-extracted HTML text most
        # lines never need them, and they are the costly part on long lines.
        self.text = text
        self.low = low = text.lower().replace("’", "'")
        self.n_chars = n_chars = len(text)
        low_words = low.split()
        nw = n = len(low_words)
        # scripts without spaces (CJK): count characters as words, roughly
        if n and n_chars / n > 25:
            n = max(n, n_chars // 4)
        self.n_words = n
        self._nw = nw
        self._low_words = low_words
        self._tokens: set[str] | None = None
        self._stops = -1
        self._n_sentences = -1
        self._cap_ratio = -1.0
        self._core: str | None = None
        self._label_key: str | None = None
        # a truncated teaser ("Although mold is gone, classes …") does not end a sentence
        tail = text.rstrip(_CLOSERS)
        self.ends_sentence = bool(tail) and tail[-1] in _ENDERS and not text.endswith((" …", " ..."))

    @property
    def stops(self) -> int:
        """How many of the (lower-case, whitespace-separated) words are stopwords."""
        stops = self._stops
        if stops < 0:
            stops = self._stops = sum(map(_IS_STOP, self._low_words))
        return stops

    @property
    def stop_ratio(self) -> float:
        """The share of words that are stopwords (function words)."""
        nw = self._nw
        return self.stops / nw if nw else 0.0

    @property
    def n_sentences(self) -> int:
        """Sentence breaks (". ", "! ", "? ") plus one when the line ends like a sentence."""
        n = self._n_sentences
        if n < 0:
            text = self.text
            breaks = text.count(". ") + text.count("! ") + text.count("? ")
            n = self._n_sentences = breaks + (1 if self.ends_sentence else 0)
        return n

    @property
    def tokens(self) -> set[str]:
        """The distinct lower-case words, outer punctuation removed (rules gate on them)."""
        tokens = self._tokens
        if tokens is None:
            words = self._low_words
            tokens = self._tokens = set(map(str.strip, words, repeat(_STRIP, len(words))))
        return tokens

    @property
    def label_key(self) -> str:
        """The line lower-cased, without leading bullets and trailing ``: » › > …`` (label lookups)."""
        key = self._label_key
        if key is None:
            key = self._label_key = label_key(self.low)
        return key

    @property
    def core(self) -> str:
        """The text without a leading list marker (``1.``, ``•``)."""
        if self._core is None:
            text = self.text
            self._core = _LIST_MARK.sub("", text, count=1) if text[:1] in _MARK_START else text
        return self._core

    @property
    def cap_ratio(self) -> float:
        """The share of non-stopwords that start with a capital letter."""
        if self._cap_ratio < 0:
            stops = self.stops
            content = self._nw - stops  # _nw: the number of words of text.split()
            if content <= 0:
                self._cap_ratio = 0.0
                return 0.0
            text = self.text
            if text.isascii():
                if stops:
                    # ASCII: a capital is A-Z, so one scan finds the capitalised words
                    upper = _CAPITALISED(text)
                    caps = len(upper) - sum(map(_IS_STOP, map(str.lower, upper))) if upper else 0
                else:
                    # no stopword to discount: count the word starts A-Z (after a space,
                    # once every whitespace character is a space and every capital a "U")
                    caps = (" " + text).translate(_CAP_STARTS).count(" U")
            else:
                # per word: capitalised? (C-level maps). The lower-cased words of ``low`` are
                # these words lower-cased (lower() keeps word boundaries; ’ -> ' changes no
                # stopword test).
                flags = list(map(str.isupper, map(itemgetter(0), text.split())))
                n_upper = sum(flags)
                caps = n_upper
                if n_upper and stops:
                    caps -= sum(map(and_, flags, map(_IS_STOP, self._low_words)))
            self._cap_ratio = min(1.0, caps / content)
        return self._cap_ratio

    @property
    def is_prose(self) -> bool:
        """A sentence-like line: long enough, ends like a sentence, has function words."""
        return self.n_words >= 8 and self.ends_sentence and self.stop_ratio >= 0.12

    @property
    def is_short_label(self) -> bool:
        """A few words without sentence punctuation (menu item, label, teaser title)."""
        return self.n_words <= 8 and not self.ends_sentence

    @property
    def is_title_case(self) -> bool:
        """Most content words capitalised (menus, headlines, names)."""
        return self.cap_ratio >= 0.6


class DocView:
    """All non-empty lines of one document with their features, computed once."""

    __slots__ = ("_doc_stop_ratio", "cache", "features", "format", "lines", "metadata")

    def __init__(self, lines: Sequence[str], metadata: dict[str, Any] | None = None,
                 format: str = "text") -> None:
        self.lines = list(lines)
        self.metadata = metadata if metadata is not None else {}
        self.format = format
        self.features = [LineFeatures(t) for t in self.lines]
        #: per-document memo for rules (e.g. which lines are photo credits)
        self.cache: dict[Any, Any] = {}
        self._doc_stop_ratio: float | None = None

    @property
    def doc_stop_ratio(self) -> float:
        """The share of stopwords over the whole document (computed on first use)."""
        ratio = self._doc_stop_ratio
        if ratio is None:
            words = sum(f.n_words for f in self.features) or 1
            ratio = self._doc_stop_ratio = sum(f.stop_ratio * f.n_words for f in self.features) / words
        return ratio

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, index: int) -> RichLine:
        """The :class:`RichLine` for line ``index``."""
        return RichLine(self.lines[index], index, self.lines, self.metadata, self.format, self,
                        self.features[index])


@dataclass(slots=True)
class RichLine(Line):
    """A :class:`corpuskit.Line` that also carries the document's precomputed features."""

    view: DocView | None = None
    _feat: LineFeatures | None = None

    @property
    def feat(self) -> LineFeatures:
        """Features of this line."""
        if self._feat is None:
            self._feat = self.view.features[self.index] if self.view is not None else LineFeatures(self.text)
        return self._feat

    def feat_at(self, offset: int) -> LineFeatures | None:
        """Features of the line ``offset`` away, or ``None`` past the ends."""
        i = self.index + offset
        if not 0 <= i < len(self.lines):
            return None
        if self.view is not None:
            return self.view.features[i]
        return LineFeatures(self.lines[i])


def features_of(line: Line) -> LineFeatures:
    """Features of ``line`` (precomputed for a :class:`RichLine`, computed otherwise)."""
    if isinstance(line, RichLine) and line._feat is not None:
        return line._feat
    if isinstance(line, RichLine):
        return line.feat
    return LineFeatures(line.text)


def split_lines(text: str) -> list[str]:
    """The stripped non-empty lines of ``text``."""
    return [s for s in map(str.strip, text.splitlines()) if s]
