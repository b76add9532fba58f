"""The decision engine: line rules, then block rules, then corpus-level furniture.

:class:`Cleaner` holds the rules selected for a mode and turns a document's text into
one :class:`Decision` per non-empty line. The stage and ``corpuskit explain`` both use
it, so what ``explain`` prints is exactly what the stage does.

Speed: most lines are not boilerplate, so the engine calls a rule only where it can
fire. Built-in rules declare that with :func:`~.rules.max_chars` (length, trigger words,
position), :func:`~.rules.only_at` (candidate lines from per-document flags) and
:func:`~.rules.gated` (a bit of :func:`~.rules.line_gates`, a string-level test of the
rule's first words); the selection per kind of line is memoised. Third-party rules
declare none of these, so they see every line no earlier rule dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .blocks import BLOCK_RULES, BlockRule, Drops
from .features import DocView, RichLine, split_lines
from .furniture import FurnitureCounter
from .rules import ALL_GATES, BUILTIN_RULES, MODES, RULE_LEVELS, Rule, line_gates


@dataclass(slots=True)
class Decision:
    """The verdict on one non-empty line: kept or dropped, and which rule decided why."""

    index: int
    text: str
    keep: bool
    rule: str | None = None
    reason: str | None = None


def mode_level(mode: str) -> int:
    """The numeric level of ``mode`` (``conservative`` 0, ``balanced`` 1, ``aggressive`` 2)."""
    try:
        return MODES[mode]
    except KeyError:
        raise ValueError(f"unknown boilerplate mode {mode!r} (use one of {', '.join(MODES)})") from None


def select_rules(rules: Iterable[tuple[str, Rule]], level: int) -> list[tuple[str, Rule]]:
    """The rules that run at ``level``: built-ins up to that level, third-party rules always."""
    return [(name, fn) for name, fn in rules if RULE_LEVELS.get(fn, 0) <= level]


def builtin_rules() -> list[tuple[str, Rule]]:
    """The built-in rules as ``(name, rule)`` pairs (what the plugin registers)."""
    return [(name, fn) for name, (fn, _level) in BUILTIN_RULES.items()]


#: Lines up to this length get first-word gates (:func:`rules.line_gates`).
GATED_CHARS = 140


class Cleaner:
    """Applies the selected line rules, block rules and furniture counts to documents."""

    def __init__(
        self,
        rules: Iterable[tuple[str, Rule]] | None = None,
        mode: str = "balanced",
        furniture: FurnitureCounter | None = None,
    ) -> None:
        self.mode = mode
        self.level = mode_level(mode)
        self.rules = select_rules(builtin_rules() if rules is None else rules, self.level)
        self.blocks: list[tuple[str, BlockRule]] = [
            (name, fn) for name, (fn, lvl) in BLOCK_RULES.items() if lvl <= self.level
        ]
        self.furniture = furniture
        big = 1 << 62
        # rules that declare their candidate lines (rules.only_at) get one bit each
        self._candidates = [
            (1 << j, fn.candidates)  # type: ignore[attr-defined]
            for j, fn in enumerate(fn for _name, fn in self.rules if hasattr(fn, "candidates"))
        ]
        bits = iter(bit for bit, _cand in self._candidates)
        self._gated = [
            (
                name,
                fn,
                getattr(fn, "max_chars", big),
                frozenset(getattr(fn, "triggers", ())),
                getattr(fn, "short", 0),
                getattr(fn, "first", big),
                getattr(fn, "last", big),
                next(bits) if hasattr(fn, "candidates") else 0,
                getattr(fn, "gate_bit", 0),
            )
            for name, fn in self.rules
        ]
        # bucket k holds the rules whose limit is >= limits[k] (lines up to that length)
        self._limits = sorted({g[2] for g in self._gated})
        self._buckets = [
            tuple((g[0], g[1], g[3], g[4], g[5], g[6], g[7], g[8]) for g in self._gated if g[2] >= lim)
            for lim in self._limits
        ] + [()]
        triggers = {t for g in self._gated for t in g[3]}
        self._word_triggers = frozenset(t for t in triggers if t.replace("-", "").isalnum())
        self._char_triggers = tuple(sorted(triggers - self._word_triggers))
        # a line without any character trigger needs no per-trigger test
        self._any_char = re.compile("|".join(map(re.escape, self._char_triggers)) or "(?!)").search
        self._gated_bucket = [any(c[2] for c in b) for b in self._buckets]
        # buckets with a rule that has a first-word gate (rules.gated): compute line_gates,
        # but not on lines longer than GATED_CHARS: there only promo-link and
        # slideshow-residue are gated, and their trigger words already keep them off
        # most lines (an unset gate only lets a rule run)
        self._word_gated = [
            lim <= GATED_CHARS and any(c[7] for c in b)
            for lim, b in zip([*self._limits, big], self._buckets, strict=True)
        ]
        # n_chars > short[j] exactly when j < bisect_left(self._shorts, n_chars)
        self._shorts = sorted({g[4] for g in self._gated})
        # likewise for the position gates: index <= first, lines from the end <= last
        self._firsts = sorted({g[5] for g in self._gated})
        self._lasts = sorted({g[6] for g in self._gated})
        #: (bucket, short class, first class, last class, trigger hits, candidate bits, gate
        #: bits) -> the rules to call, in order (a bounded memo)
        self._runnable: dict[tuple[int, int, int, int, frozenset[str], int, int],
                             tuple[tuple[str, Rule], ...]] = {}

    def _select(self, k: int, n_chars: int, index: int, from_end: int,
                hits: frozenset[str], admitted: int, gates: int) -> tuple[tuple[str, Rule], ...]:
        """The rules of bucket ``k`` whose gates admit the line (length, position, trigger
        ``hits``, for rules with candidate lines the ``admitted`` bits, for rules with a
        first-word gate the line's ``gates`` bits)."""
        return tuple(
            (name, rule)
            for name, rule, triggers, short, first, last, bit, gate in self._buckets[k]
            if index <= first and from_end <= last and (not bit or admitted & bit)
            and (not gate or gates & gate)
            and not (triggers and n_chars > short and (not hits or hits.isdisjoint(triggers)))
        )

    def _admitted(self, view: DocView) -> list[int]:
        """Per line, the bits of the candidate-gated rules that may fire on it."""
        admitted = [0] * len(view)
        for bit, candidates in self._candidates:
            for i in candidates(view):
                admitted[i] |= bit
        return admitted

    def decide(
        self,
        text: str,
        metadata: dict[str, Any] | None = None,
        format: str = "text",
        source: str | None = None,
    ) -> list[Decision]:
        """One :class:`Decision` per non-empty line of ``text``, in order.

        ``source`` names the site or input the document belongs to; with a furniture
        counter, lines repeated across earlier documents of that source are dropped
        and this document's lines are counted.
        """
        lines, drops = self.line_drops(text, metadata, format, source)
        return [
            Decision(i, t, d is None, d[0] if d else None, d[1] if d else None)
            for i, (t, d) in enumerate(zip(lines, drops, strict=True))
        ]

    def line_drops(
        self,
        text: str,
        metadata: dict[str, Any] | None = None,
        format: str = "text",
        source: str | None = None,
    ) -> tuple[list[str], Drops]:
        """The non-empty lines of ``text`` and, per line, ``(rule, reason)`` or ``None`` (kept).

        What :meth:`decide` reports, without building a :class:`Decision` per line (the
        stage only needs the kept text).
        """
        view = DocView(split_lines(text), metadata, format)
        lines, metadata = view.lines, view.metadata
        drops: Drops = [None] * len(view)
        words, chars = self._word_triggers, self._char_triggers
        limits, gated, shorts = self._limits, self._gated_bucket, self._shorts
        word_gated = self._word_gated
        any_char = self._any_char
        firsts, lasts = self._firsts, self._lasts
        memo = self._runnable
        none: frozenset[str] = frozenset()
        n = len(view)
        admitted = self._admitted(view)
        for i, f in enumerate(view.features):
            n_chars = f.n_chars
            # the rules whose length limit admits this line, in registry order
            k = bisect_left(limits, n_chars)
            if gated[k]:
                # trigger words/characters present: rules gated on absent triggers are skipped
                found = words & f.tokens  # a frozenset, usable as a key
                low = f.low
                if any_char(low):  # most lines hold none of the character triggers
                    found = found.union([c for c in chars if c in low])
            else:
                found = none
            gates = line_gates(f) if word_gated[k] else ALL_GATES
            key = (k, bisect_left(shorts, n_chars), bisect_left(firsts, i), bisect_left(lasts, n - i), found,
                   admitted[i], gates)
            runnable = memo.get(key)
            if runnable is None:
                if len(memo) >= 20_000:
                    memo.clear()
                runnable = memo[key] = self._select(k, n_chars, i, n - i, found, admitted[i], gates)
            if not runnable:
                continue
            line = RichLine(lines[i], i, lines, metadata, format, view, f)
            for name, rule in runnable:
                reason = rule(line)
                if reason:
                    drops[i] = (name, str(reason))
                    break
        for _name, block in self.blocks:
            block(view, drops, self.level)
        if self.furniture is not None and source is not None:
            self._apply_furniture(view, drops, source)
        return view.lines, drops

    def _apply_furniture(self, view: DocView, drops: Drops, source: str) -> None:
        counter = self.furniture
        assert counter is not None
        for i, (t, f) in enumerate(zip(view.lines, view.features, strict=True)):
            if drops[i] is None and i > 0 and counter.eligible(f):
                seen = counter.seen(source, t)
                if seen >= counter.min_docs:
                    drops[i] = ("repeated-furniture", f"line seen in {seen} other documents of this source")
        counter.add_document(source, view.lines, view.features)

    def clean(self, text: str, metadata: dict[str, Any] | None = None, format: str = "text",
              source: str | None = None) -> tuple[str, list[Decision]]:
        """``(kept text, decisions)``: the kept lines joined with ``"\\n"``."""
        decisions = self.decide(text, metadata, format, source)
        return "\n".join(d.text for d in decisions if d.keep), decisions

    def clean_text(self, text: str, metadata: dict[str, Any] | None = None, format: str = "text",
                   source: str | None = None) -> tuple[str, int]:
        """``(kept text, number of lines dropped)``: :meth:`clean` without the decisions."""
        lines, drops = self.line_drops(text, metadata, format, source)
        kept = [t for t, d in zip(lines, drops, strict=True) if d is None]
        return "\n".join(kept), len(lines) - len(kept)
