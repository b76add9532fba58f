"""``Line``: what a boilerplate rule sees — one line of a document and its context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Line:
    """One non-empty line of a document, with its neighbours for context.

    ``lines`` holds all non-empty lines of the document (stripped), ``index`` this
    line's position in it; ``metadata`` is the document's metadata (read it, do not
    change it from a rule); ``format`` is the reader's format (``"text"``/``"html"``...).
    """

    text: str
    index: int
    lines: Sequence[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    format: str = "text"

    def neighbour(self, offset: int) -> str:
        """The text of the line ``offset`` away (negative = before), or ``""`` past the ends."""
        i = self.index + offset
        return self.lines[i] if 0 <= i < len(self.lines) else ""

    @property
    def prev(self) -> str:
        """The previous line, or ``""``."""
        return self.neighbour(-1)

    @property
    def next(self) -> str:
        """The next line, or ``""``."""
        return self.neighbour(1)
