"""Counts and timings of a run, per stage, and the accounting check."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StageStats:
    """What one stage (or the reader, as stage ``read``) did."""

    name: str
    docs_in: int = 0
    docs_out: int = 0
    rejected: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    reasons: Counter[str] = field(default_factory=Counter)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rate = self.docs_in / self.seconds if self.seconds > 0 else None
        return {
            "name": self.name,
            "in": self.docs_in,
            "out": self.docs_out,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "seconds": round(self.seconds, 4),
            "docs_per_s": round(rate, 1) if rate else None,
            "reasons": dict(self.reasons.most_common()),
            **({"stats": self.extra} if self.extra else {}),
        }


@dataclass
class RunReport:
    """The whole run: documents in, kept, dropped, per-stage stats and output paths."""

    version: str
    stages: list[StageStats] = field(default_factory=list)
    documents_in: int = 0
    kept: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        """The accounting invariant: in = kept + duplicates + rejects."""
        return self.documents_in == self.kept + self.duplicates + self.rejected

    def to_dict(self) -> dict[str, Any]:
        rate = self.documents_in / self.seconds if self.seconds > 0 else None
        return {
            "corpuskit_version": self.version,
            "documents": {"in": self.documents_in, "kept": self.kept, "duplicates": self.duplicates,
                          "rejected": self.rejected},
            "accounting_ok": self.balanced,
            "seconds": round(self.seconds, 3),
            "docs_per_s": round(rate, 1) if rate else None,
            "stages": [s.to_dict() for s in self.stages],
            "outputs": self.outputs,
            "config": self.config,
        }

    def summary(self) -> str:
        """One line for the terminal: in = kept + duplicates + rejected."""
        mark = "ok" if self.balanced else "MISMATCH"
        return (f"{self.documents_in} in = {self.kept} kept + {self.duplicates} duplicates + "
                f"{self.rejected} rejected ({mark}) in {self.seconds:.2f}s")
