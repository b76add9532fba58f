"""A deterministic synthetic news corpus with a known share of near-duplicates.

``generate(n, seed, dup_share)`` yields ``n`` records ``{"id", "text", "metadata"}`` of
about 3 KB each: a site header (navigation, date line), a headline, paragraphs of
Zipf-distributed pseudo-words, and a site footer (copyright, share/subscribe lines).
Each record is, with probability ``dup_share``, a *syndicated variant* of a recent
story (drawn from the last ``pool`` originals) on another site: other header and
footer, and some of: trimmed ending, one paragraph rewritten, a few typos,
re-wrapped lines, an extra sentence. ``metadata`` tells the truth:
``story`` (the original's number), ``variant`` (0 for the original) and the
``edits`` applied, so benchmarks can score recall and precision.

Memory is bounded (only the last ``pool`` originals are kept) and generation runs
at tens of thousands of documents per second, so 1M documents take under a minute.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Iterator
from typing import Any

import numpy as np

_SYLLABLE_TEXT = (
    "ka ri to na mi ser lo ven dar el an to pre con sta tion ment al ing re de par tis "
    "vor gen mar bel co ra ul ex im por lin ter gra fo su be ha no la sen ti"
)
_SYLLABLES = tuple(_SYLLABLE_TEXT.split(" "))
_SITES = tuple(f"site{i:02d}" for i in range(40))


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    out: dict[str, None] = {}
    syl = np.array(_SYLLABLES, dtype=object)
    while len(out) < size:
        lengths = rng.integers(1, 4, 4 * size)
        picks = syl[rng.integers(0, len(_SYLLABLES), (4 * size, 3))]
        for k, row in zip(lengths.tolist(), picks.tolist(), strict=True):
            out.setdefault("".join(row[:k]), None)
            if len(out) >= size:
                break
    return list(out)


def _wrap(text: str, width: int) -> str:
    lines, line, size = [], [], 0
    for w in text.split():
        if line and size + 1 + len(w) > width:
            lines.append(" ".join(line))
            line, size = [], 0
        size += len(w) + (1 if line else 0)
        line.append(w)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


class _Writer:
    """Makes sentences, paragraphs and site furniture from one random stream."""

    def __init__(self, seed: int, vocab_size: int = 30000) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = _vocabulary(np.random.default_rng(12345), vocab_size)
        ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
        weights = 1.0 / ranks**1.05
        self.cdf = np.cumsum(weights / weights.sum())
        self.sites = {s: self._furniture(s) for s in _SITES}

    def words(self, count: int) -> list[str]:
        idx = np.searchsorted(self.cdf, self.rng.random(count))
        idx = np.minimum(idx, len(self.vocab) - 1)
        vocab = self.vocab
        return [vocab[i] for i in idx.tolist()]

    def sentence(self) -> str:
        return self.paragraph(1)

    def paragraph(self, sentences: int = 0) -> str:
        """``sentences`` sentences (2 to 4 when 0) of 8 to 25 words."""
        return self.body(0, sentences or int(self.rng.integers(2, 5)))[0]

    def body(self, target_bytes: int, sentences: int = 0) -> list[str]:
        """Paragraphs of 2-4 sentences totalling about ``target_bytes`` (or one of ``sentences``)."""
        count = sentences or max(1, target_bytes // 110)
        lengths = self.rng.integers(8, 26, count).tolist()
        ws = self.words(sum(lengths))
        sents, pos = [], 0
        for k in lengths:
            sents.append(ws[pos].capitalize() + " " + " ".join(ws[pos + 1 : pos + k]) + ".")
            pos += k
        if sentences:
            return [" ".join(sents)]
        sizes = self.rng.integers(2, 5, count).tolist()
        paras, pos = [], 0
        for k in sizes:
            if pos >= count:
                break
            paras.append(" ".join(sents[pos : pos + k]))
            pos += k
        return paras

    def _furniture(self, site: str) -> tuple[list[str], list[str]]:
        rng = np.random.default_rng(int(site[4:]) + 7)
        menu = ["Home", "World", "Politics", "Business", "Sport", "Culture", "Opinion", "Video"]
        rng.shuffle(menu)
        header = [f"{site.upper()} NEWS", " | ".join(menu[:6]), "Subscribe | Sign in"]
        footer = [
            f"© 2026 {site} Media Group. All rights reserved.",
            "Share this article: Facebook Twitter Email",
            f"Read more at {site}.example.com",
        ]
        return header, footer


def _typos(text: str, rng: np.random.Generator, count: int) -> str:
    chars = list(text)
    for _ in range(count):
        i = int(rng.integers(0, len(chars)))
        if chars[i].isalpha():
            chars[i] = chr(ord("a") + int(rng.integers(0, 26)))
    return "".join(chars)


def _render(title: str, paras: list[str], site: str, writer: _Writer, width: int | None) -> str:
    header, footer = writer.sites[site]
    body = [_wrap(p, width) if width else p for p in paras]
    return "\n".join([*header, "", title, "", "\n\n".join(body), "", *footer])


def generate(
    n: int, seed: int = 0, dup_share: float = 0.3, pool: int = 2000, target_bytes: int = 3000
) -> Iterator[dict[str, Any]]:
    """Yield ``n`` synthetic news records; a ``dup_share`` of them are near-duplicate variants."""
    writer = _Writer(seed)
    rng = writer.rng
    recent: deque[tuple[int, str, list[str]]] = deque(maxlen=pool)
    story = 0
    for i in range(n):
        site = _SITES[int(rng.integers(0, len(_SITES)))]
        if recent and rng.random() < dup_share:
            number, title, paras = recent[int(rng.integers(0, len(recent)))]
            paras = list(paras)
            edits: list[str] = []
            if rng.random() < 0.5 and len(paras) > 4:
                paras = paras[: len(paras) - 1]
                edits.append("trimmed")
            if rng.random() < 0.4:
                j = int(rng.integers(0, len(paras)))
                paras[j] = writer.paragraph()
                edits.append("paragraph")
            if rng.random() < 0.3:
                paras.append(writer.sentence())
                edits.append("added")
            if rng.random() < 0.5:
                j = int(rng.integers(0, len(paras)))
                paras[j] = _typos(paras[j], rng, int(rng.integers(1, 4)))
                edits.append("typos")
            width = None
            if rng.random() < 0.5:
                width = int(rng.integers(60, 90))
                edits.append("rewrapped")
            text = _render(title, paras, site, writer, width)
            variant = 1
        else:
            story += 1
            number = story
            title = " ".join(writer.words(int(rng.integers(5, 11)))).capitalize()
            paras = writer.body(target_bytes - 250 - len(title))
            recent.append((number, title, paras))
            text = _render(title, paras, site, writer, None)
            variant, edits = 0, []
        yield {
            "id": f"syn-{seed}-{i:07d}",
            "text": text,
            "metadata": {"story": number, "variant": variant, "site": site, "edits": edits},
        }


def main(argv: list[str] | None = None) -> None:
    """Write ``N`` synthetic records as JSONL to standard output."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dup-share", type=float, default=0.3)
    args = ap.parse_args(argv)
    for rec in generate(args.n, args.seed, args.dup_share):
        sys.stdout.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
