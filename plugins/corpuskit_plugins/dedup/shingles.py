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

import itertools
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
    c if c >= 0x80 or chr(c).isdigit() else (c | 0x20) if chr(c).isalpha() else 0x20 for c in range(256)
)
# Common non-ASCII separators in news text (typographic quotes and dashes, ellipsis,
# no-break space, guillemets, bullets): a run of them is simply a space.
_SEPARATORS = frozenset(
    ch.encode("utf-8") for ch in "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u00a0\u00ab\u00b7\u00bb"
)
# Bytes that can belong to a token: ASCII letters and digits, and any non-ASCII byte.
_TOKEN_BYTE = tuple(c >= 0x80 or chr(c).isalnum() for c in range(256))


def normalized_word_bytes(text: str) -> list[bytes]:
    """The normalised words of ``text`` as UTF-8 bytes (see :func:`normalize_words`).

    Fast path: ASCII bytes that are not letters or digits become spaces and ASCII
    letters are lowered with one ``bytes.translate``, then ``split`` (about 5× faster
    than a Unicode regular expression). Only the tokens that hold non-ASCII
    characters (found with numpy) go through NFKC, ``casefold`` and the Unicode word
    pattern, which gives the same words as running that slow path on the whole text.
    """
    raw = text.encode("utf-8", "surrogatepass")
    if not raw.isascii():
        raw = _fold_non_ascii_tokens(raw)
    return raw.translate(_ASCII_FOLD).split()


def _fold_non_ascii_tokens(raw: bytes) -> bytes:
    """Replace each token holding non-ASCII bytes by its Unicode-normalised words, space-separated."""
    high = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) >= 0x80).tolist()
    starts, stops = [high[0]], []
    for prev, cur in itertools.pairwise(high):
        if cur != prev + 1:
            stops.append(prev + 1)
            starts.append(cur)
    stops.append(high[-1] + 1)
    parts: list[bytes] = []
    pos, end = 0, len(raw)
    for start, stop in zip(starts, stops, strict=True):
        if start < pos:
            continue
        if raw[start:stop] in _SEPARATORS:
            parts.append(raw[pos:start])
            parts.append(b" ")
            pos = stop
            continue
        while start > pos and _TOKEN_BYTE[raw[start - 1]]:
            start -= 1
        while stop < end and _TOKEN_BYTE[raw[stop]]:
            stop += 1
        parts.append(raw[pos:start])
        words = _unicode_words(raw[start:stop].decode("utf-8", "surrogatepass"))
        parts.append(b" " + " ".join(words).encode("utf-8", "surrogatepass") + b" ")
        pos = stop
    parts.append(raw[pos:])
    return b"".join(parts)


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
    # (uint64 array arithmetic wraps silently: that is the intended mod 2**64)
    acc = word_hashes[:count] * _POSITION_MULT[0]
    for k in range(1, n):
        acc += word_hashes[k : k + count] * _POSITION_MULT[k]
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
