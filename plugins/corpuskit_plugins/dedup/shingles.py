"""Text normalisation and word n-gram shingles, hashed to integers in bulk.

Normalisation (:func:`normalize_words`): Unicode NFKC, ``casefold``, then every run of
characters that are not letters or digits (punctuation, whitespace, underscores,
symbols) separates words. So case, punctuation, re-wrapping and spacing never change
a document's shingles.

Each word is hashed once with xxh3-64; the
hash of the word n-gram ``w[i:i+n]`` is a position-weighted sum of its word hashes
passed through the MurmurHash3 64-bit finaliser, all in numpy. No n-gram string is
ever built.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

#: Bump when normalisation or shingle hashing changes: persisted indexes record it.
SHINGLE_VERSION = 1

_WORD = re.compile(r"[^\W_]+")
_U64 = np.uint64
# Odd 64-bit multipliers, one per position in the n-gram (supports n up to 32).
_POSITION_MULT = (
    np.random.RandomState(0x5EED).randint(0, 1 << 62, size=32, dtype=np.uint64) * _U64(2) + _U64(1)
)


# ASCII bytes that are not letters or digits become spaces; ASCII letters are lowered.
_ASCII_FOLD = bytes(
    (c | 0x20) if chr(c).isalpha() else c if chr(c).isdigit() or c >= 0x80 else 0x20 for c in range(256)
)
# Common non-ASCII separators in news text (typographic quotes and dashes, ellipsis,
# no-break space, bullets): replacing them by a space gives the same words as the
# full Unicode path, so an English text with curly quotes stays on the fast path.
_COMMON_SEPARATORS = tuple(
    ch.encode("utf-8") for ch in "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00a0\u00ab\u00bb\u2022\u00b7"
)


def normalized_word_bytes(text: str) -> list[bytes]:
    """The normalised words of ``text`` as UTF-8 bytes (see :func:`normalize_words`).

    ASCII text (after replacing common typographic separators) takes a bytes fast path
    (``translate`` + ``split``, about 5× faster than the regular expression); any
    other text goes through NFKC, ``casefold`` and the Unicode word pattern. Both paths
    give the same words for the same text.
    """
    raw = text.encode("utf-8", "surrogatepass")
    if not raw.isascii():
        for sep in _COMMON_SEPARATORS:
            if sep in raw:
                raw = raw.replace(sep, b" ")
        if not raw.isascii():
            return [w.encode("utf-8", "surrogatepass") for w in _unicode_words(text)]
    return raw.translate(_ASCII_FOLD).split()


def _unicode_words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def normalize_words(text: str) -> list[str]:
    """The normalised words of ``text``: NFKC, casefolded, split on non-letters/digits."""
    return [w.decode("utf-8", "surrogatepass") for w in normalized_word_bytes(text)]


def normalize_text(text: str) -> str:
    """The normalised words joined by single spaces (what exact duplicates share)."""
    return " ".join(normalize_words(text))


def word_hashes(words: list[bytes]) -> np.ndarray:
    """One xxh3-64 hash per word, as a uint64 array."""
    return np.fromiter(map(xxhash.xxh3_64_intdigest, words), dtype=np.uint64, count=len(words))


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, element-wise (an avalanching bijection)."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def shingle_hashes(word_hashes: np.ndarray, ngram: int) -> np.ndarray:
    """32-bit hashes of the word ``ngram``-grams, one per start position.

    A document shorter than ``ngram`` words has a single shingle: all its words.
    An empty document has none.
    """
    if not 1 <= ngram <= len(_POSITION_MULT):
        raise ValueError(f"ngram must be between 1 and {len(_POSITION_MULT)}, got {ngram}")
    length = len(word_hashes)
    if length == 0:
        return np.empty(0, dtype=np.uint32)
    n = min(ngram, length)
    count = length - n + 1
    with np.errstate(over="ignore"):
        acc = word_hashes[:count] * _POSITION_MULT[0]
        for k in range(1, n):
            acc = acc + word_hashes[k : k + count] * _POSITION_MULT[k]
        acc = fmix64(acc + _U64(n))
    return (acc >> _U64(32)).astype(np.uint32)


def shingle_set(text: str, ngram: int = 5) -> set[tuple[str, ...]]:
    """The exact set of word n-grams of ``text`` (for tests and accuracy measurements)."""
    words = normalize_words(text)
    if not words:
        return set()
    n = min(ngram, len(words))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity of two sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def fingerprint(word_hashes: np.ndarray) -> bytes:
    """A 128-bit digest of the normalised word sequence: equal for exact duplicates."""
    return xxhash.xxh3_128_digest(word_hashes.tobytes())
