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

try:  # the C function behind np.correlate(a, v, "valid"), without its Python wrapper
    from numpy._core.multiarray import correlate2 as _correlate2

    def _correlate(a: np.ndarray, v: np.ndarray) -> np.ndarray:
        return _correlate2(a, v, 0)  # type: ignore[no-any-return,return-value]
except ImportError:  # pragma: no cover - other numpy layouts

    def _correlate(a: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.correlate(a, v, "valid")

#: Bump when normalisation or shingle hashing changes: persisted indexes record it.
SHINGLE_VERSION = 1

_WORD = re.compile(r"[^\W_]+")
_U64 = np.uint64
_S32, _S33 = _U64(32), _U64(33)
_FMIX64_1, _FMIX64_2 = _U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53)
_xxh3_64_digest = xxhash.xxh3_64_digest
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
# The same separators that fit in Latin-1, encoded as Latin-1 (for text held as Latin-1).
_SEPARATORS_LATIN1 = frozenset(
    ch.encode("latin-1") for ch in "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u00a0\u00ab\u00b7\u00bb"
    if ord(ch) < 0x100
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
    A text whose characters all fit in Latin-1 (Python stores it one byte per
    character) is encoded as Latin-1, a plain copy, instead of UTF-8: ASCII bytes
    are the same in both, and its non-ASCII tokens are decoded back from Latin-1.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD).split()
    try:
        raw = _fold_non_ascii_tokens(text.encode("latin-1"), "latin-1", _SEPARATORS_LATIN1)
    except UnicodeEncodeError:
        raw = _fold_non_ascii_tokens(text.encode("utf-8", "surrogatepass"), "utf-8", _SEPARATORS)
    return raw.translate(_ASCII_FOLD).split()


def _fold_non_ascii_tokens(raw: bytes, codec: str = "utf-8",
                           separators: frozenset[bytes] = _SEPARATORS) -> bytes:
    """Replace each token holding non-ASCII bytes by its Unicode-normalised words, space-separated.

    ``raw`` is the text in ``codec`` (UTF-8, or Latin-1 when every character fits);
    the result holds ASCII and the UTF-8 bytes of the normalised words.
    """
    high = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) >= 0x80).tolist()
    if not high:
        return raw
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
        if raw[start:stop] in separators:
            parts.append(raw[pos:start])
            parts.append(b" ")
            pos = stop
            continue
        while start > pos and _TOKEN_BYTE[raw[start - 1]]:
            start -= 1
        while stop < end and _TOKEN_BYTE[raw[stop]]:
            stop += 1
        parts.append(raw[pos:start])
        words = _unicode_words(raw[start:stop].decode(codec, "surrogatepass"))
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
    """One xxh3-64 hash per word, as a uint64 array.

    The 8-byte digests are joined and read in one go: cheaper than converting one
    Python integer per word into the array.
    """
    return np.frombuffer(b"".join(map(_xxh3_64_digest, words)), dtype=">u8").astype(np.uint64)


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, element-wise (an avalanching bijection)."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def shingle_hashes(word_hashes: np.ndarray, ngram: int) -> np.ndarray:
    """32-bit hashes of the word ``ngram``-grams, one per start position.

    The hash of ``w[i:i+n]`` is the high half of ``fmix64(sum_k w[i+k] * M_k + n)``
    (``M_k`` odd, mod 2**64). A document shorter than ``ngram`` words has a single
    shingle: all its words. An empty document has none.
    """
    if not 1 <= ngram <= len(_POSITION_MULT):
        raise ValueError(f"ngram must be between 1 and {len(_POSITION_MULT)}, got {ngram}")
    length = len(word_hashes)
    if length == 0:
        return np.empty(0, dtype=np.uint32)
    n = min(ngram, length)
    # One sliding dot product (uint64: wraps, the intended mod 2**64) instead of n
    # multiplications and n - 1 additions.
    acc = _correlate(word_hashes, _POSITION_MULT[:n])
    acc += _U64(n)
    # fmix64 in place; its last step (h ^= h >> 33) leaves the high half unchanged.
    tmp = acc >> _S33
    acc ^= tmp
    acc *= _FMIX64_1
    np.right_shift(acc, _S33, out=tmp)
    acc ^= tmp
    acc *= _FMIX64_2
    return (acc >> _S32).astype(np.uint32)


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
    return xxhash.xxh3_128_digest(np.ascontiguousarray(word_hashes))  # type: ignore[arg-type]
