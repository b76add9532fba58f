"""Corpus-level evidence: short lines that repeat across documents of one source.

CCNet-style: a line seen in many documents of the same source (site or input
directory) is site furniture ("Sign up for Breaking News", "Austin Weather").

The stage is streaming, so the counter is online: a line is furniture once it was
seen in at least ``min_docs`` *earlier* documents of its source. The first few
documents of a source keep their furniture (a miss, never a false removal), and the
result depends on document order within a source. Only short, non-sentence lines can
be furniture, so a syndicated story whose paragraphs recur across documents is never
eaten (near-duplicate documents are the dedup stage's job).

Memory is bounded: counts live in one dict of hashed ``(source, line)`` keys capped at
``max_entries``; when full, keys seen only once are evicted (then, if still full,
everything below the median count), so frequent furniture survives eviction. With
worker processes each worker counts its own share of documents.
"""

from __future__ import annotations

import hashlib
import re

from .features import LineFeatures

_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def _key(source: str, text: str) -> int:
    norm = _DIGITS.sub("0", _WS.sub(" ", text.casefold()))
    digest = hashlib.blake2b(f"{source}\x00{norm}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class FurnitureCounter:
    """Counts, per source, in how many documents each short line occurred (bounded memory)."""

    def __init__(self, min_docs: int = 3, max_words: int = 12, max_entries: int = 200_000) -> None:
        self.min_docs = min_docs
        self.max_words = max_words
        self.max_entries = max_entries
        self.counts: dict[int, int] = {}

    def eligible(self, feat: LineFeatures) -> bool:
        """Only short lines that are not sentences can be furniture."""
        return feat.n_words <= self.max_words and not feat.is_prose

    def seen(self, source: str, text: str) -> int:
        """In how many earlier documents of ``source`` the line ``text`` occurred."""
        return self.counts.get(_key(source, text), 0)

    def add_document(self, source: str, lines: list[str], feats: list[LineFeatures]) -> None:
        """Count the distinct eligible lines of one document."""
        keys = {_key(source, t) for t, f in zip(lines, feats, strict=True) if self.eligible(f)}
        counts = self.counts
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        if len(counts) > self.max_entries:
            self._evict()

    def _evict(self) -> None:
        counts = {k: v for k, v in self.counts.items() if v > 1}
        if len(counts) > self.max_entries // 2:
            values = sorted(counts.values())
            median = values[len(values) // 2]
            counts = {k: v for k, v in counts.items() if v > median}
        self.counts = counts
